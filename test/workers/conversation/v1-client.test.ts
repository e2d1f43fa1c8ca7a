// A client that knows only version 1 keeps working: a join without `v` is
// welcomed, sends are posted and echoed, and as long as nothing in the room
// is edited, deleted or reacted to, `rev` equals `seq` (each message's, the
// welcome's, the room info's), so its `since` (a seq) is a valid resume point.
// It gets the `update` of a change like everyone joined (it ignores the type),
// and never a `batch`.
import { describe, expect, it } from "vitest";
import { applyChange, freshRoom, join, joinV2, post, postReply, roomInfo } from "../helpers";
import { LIMITS } from "../limits";

describe("a version-1 client", () => {
  it("joins without v, and sees rev equal to seq while nothing changes", async () => {
    const room = freshRoom();
    const old = await join(room, "oldtimer");
    expect(old.welcome.you.name).toBe("oldtimer");
    const other = await joinV2(room, "newcomer");
    for (let i = 1; i <= 4; i++) {
      const m = i % 2 ? await post(old.client, `m${i}`) : await postReply(other.client, `m${i}`);
      expect(m.seq).toBe(i);
      expect(m.rev).toBe(m.seq);
    }
    expect(await roomInfo(room)).toMatchObject({ seq: 4, rev: 4 });
    const again = await join(room, "oldtimer2");
    expect(again.welcome).toMatchObject({ seq: 4, rev: 4 });
    expect(again.welcome.messages.every((m) => m.rev === m.seq)).toBe(true);
  });

  it("resumes with since = the seq it saw and gets what is new", async () => {
    const room = freshRoom();
    const old = await join(room, "oldtimer");
    await post(old.client, "m1");
    await post(old.client, "m2");
    old.client.close();
    const other = await joinV2(room, "newcomer");
    await postReply(other.client, "m3");
    const back = await join(room, "oldtimer", { since: 2, token: old.welcome.token });
    expect(back.welcome.messages.map((m) => m.seq)).toEqual([3]);
    expect(back.welcome.gap).toBe(false);
  });

  it("gets the update of a change like everyone joined, and never a batch", async () => {
    const room = freshRoom();
    const old = await join(room, "oldtimer");
    const other = await joinV2(room, "newcomer");
    const m = await postReply(other.client, "hello");
    const edited = await applyChange(other.client, { type: "edit", seq: m.seq, text: "hello!" });
    expect((await old.client.next("update")).message).toEqual(edited);
    // A busy moment: many frames for the old client, none of them a batch.
    for (let i = 0; i < LIMITS.RATE_BURST - 2; i++) {
      other.client.send({ type: "send", id: `burst-${i}-${m.id}`.slice(0, 64), text: `b${i}` });
    }
    for (let i = 0; i < LIMITS.RATE_BURST - 2; i++) await old.client.next("message");
    expect(old.client.frames.some((f) => typeof f === "object" && f.type === "batch")).toBe(false);
  });
});
