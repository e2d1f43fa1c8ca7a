// Finding: 500 resends of a known id (28 KB in) made the room send 12 MB in
// 116 ms, with no limit and no error. Answers to repeated ids are bounded
// per session (DUP_BURST at once, then DUP_PER_SEC; a takeover does not
// refill it): past
// the burst a resend gets error rate_limited with its id and retryAfterMs,
// a few bytes instead of the stored message. Nothing is posted twice, and a
// resend after the wait still gets the stored message (an honest client's
// acknowledgement).
import { describe, expect, it } from "vitest";
import type { RoomInfo } from "../../../protocol";
import { freshRoom, getJson, HARDENING_LIMITS, join, newId, post } from "../helpers";

const RESENDS = 40;

describe("repeated ids", () => {
  it("40 resends of a long message's id at once: at most the burst of answers, rate_limited for the rest", async () => {
    const room = freshRoom();
    const { client } = await join(room, "alice");
    // Every frame's size in UTF-8 bytes, from here on.
    const sizes: number[] = [];
    const encoder = new TextEncoder();
    client.ws.addEventListener("message", (event) => {
      if (typeof event.data === "string") sizes.push(encoder.encode(event.data).length);
    });

    const id = newId();
    const long = "€".repeat(4000);
    const first = await post(client, long, id);
    expect(first.seq).toBe(1);
    expect(sizes).toHaveLength(1);
    const messageBytes = sizes[0] as number;
    expect(messageBytes).toBeGreaterThan(12_000);

    for (let i = 0; i < RESENDS; i++) client.send({ type: "send", id, text: "short" });
    let answered = 0;
    let lastRetry = 0;
    for (let i = 0; i < RESENDS; i++) {
      const f = await client.next();
      expect(f).toHaveProperty("id", id);
      if (f.type === "message") {
        expect(f).toEqual(first);
        answered += 1;
      } else {
        expect(f).toMatchObject({ type: "error", code: "rate_limited", id });
        if (f.type !== "error") continue;
        expect(f.retryAfterMs).toBeGreaterThan(0);
        lastRetry = f.retryAfterMs ?? 0;
      }
    }
    const bytes = sizes.slice(1).reduce((a, b) => a + b, 0);
    expect(bytes).toBeLessThan(22 * messageBytes);
    expect(answered).toBeLessThanOrEqual(HARDENING_LIMITS.DUP_BURST + 1);
    expect(answered).toBeGreaterThan(0);
    expect(RESENDS - answered).toBeGreaterThan(0);

    // Posted once.
    const info = await getJson<RoomInfo>(`/api/rooms/${room}`);
    expect(info.body.seq).toBe(1);

    // After the wait it was told, a resend is answered with the stored message.
    await new Promise((r) => setTimeout(r, lastRetry));
    client.send({ type: "send", id, text: long });
    expect(await client.next()).toEqual(first);
  });

  it("a takeover with the session's token does not refill the allowance", async () => {
    const room = freshRoom();
    const { client, welcome } = await join(room, "bob");
    const id = newId();
    const first = await post(client, "€".repeat(4000), id);
    let answered = 0;
    let current = client;
    // Spend the burst, then take the session over again and again, asking each time.
    for (let round = 0; round < 4; round++) {
      const asks = round === 0 ? HARDENING_LIMITS.DUP_BURST : 15;
      for (let i = 0; i < asks; i++) current.send({ type: "send", id, text: "short" });
      for (let i = 0; i < asks; i++) {
        const f = await current.next();
        expect(f).toHaveProperty("id", id);
        if (f.type === "message") {
          expect(f).toEqual(first);
          answered += 1;
        } else expect(f).toMatchObject({ type: "error", code: "rate_limited", id });
      }
      const next = await join(room, "ignored", { token: welcome.token });
      expect(next.welcome.you.id).toBe(welcome.you.id);
      expect((await current.closed()).code).toBe(4000);
      current = next.client;
    }
    // The burst once, and what refilled meanwhile: not a burst per connection.
    expect(answered).toBeLessThan(2 * HARDENING_LIMITS.DUP_BURST);
    current.close();
  });
});
