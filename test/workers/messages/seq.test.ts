// seq starts at 1 and grows by exactly 1 per accepted message, across senders:
// with three sessions posting at once, every client sees the same strictly
// increasing, contiguous seqs, each bound to the same message.
import { describe, expect, it } from "vitest";
import type { MessageFrame } from "../../../protocol";
import { freshRoom, getJson, join, newId, post } from "../helpers";

describe("seq", () => {
  it("starts at 1 and grows by exactly 1", async () => {
    const room = freshRoom();
    const a = await join(room, "alice");
    expect(a.welcome.seq).toBe(0);
    expect((await post(a.client, "one")).seq).toBe(1);
    expect((await post(a.client, "two")).seq).toBe(2);
    expect((await post(a.client, "three")).seq).toBe(3);
    const info = await getJson<{ seq: number }>(`/api/rooms/${room}`);
    expect(info.body.seq).toBe(3);
    const b = await join(room, "bob");
    expect(b.welcome.seq).toBe(3);
    expect((await post(b.client, "four")).seq).toBe(4);
  });

  it("is contiguous and identical for every client when three sessions post at once", async () => {
    const room = freshRoom();
    const users = [await join(room, "alice"), await join(room, "bob"), await join(room, "carol")];
    const perSender = 5;
    const sent = new Set<string>();
    // Interleave the sends without waiting for any echo.
    for (let i = 0; i < perSender; i++) {
      for (const [k, u] of users.entries()) {
        const id = newId();
        sent.add(id);
        u.client.send({ type: "send", id, text: `from ${k} #${i}` });
      }
    }
    const total = perSender * users.length;
    const seen: MessageFrame[][] = [];
    for (const u of users) {
      const got: MessageFrame[] = [];
      for (let i = 0; i < total; i++) got.push(await u.client.next("message"));
      seen.push(got);
    }
    const expected = Array.from({ length: total }, (_, i) => i + 1);
    for (const got of seen) {
      expect(got.map((m) => m.seq)).toEqual(expected);
      expect(got.map((m) => m.id)).toEqual(seen[0]?.map((m) => m.id));
    }
    expect(new Set(seen[0]?.map((m) => m.id))).toEqual(sent);
    const page = await getJson<{ messages: MessageFrame[] }>(`/api/rooms/${room}/messages`);
    expect(page.body.messages.map((m) => [m.seq, m.id])).toEqual(
      seen[0]?.map((m) => [m.seq, m.id]),
    );
  });
});
