// (v2, issue 17) Through the room: a burst of sends and a storm of joins
// reach a v2 listener (which unfolds each `batch` as the protocol asks)
// every message and every `joined` exactly once and in order, whether the
// room batched them or not; and the frames it got are no more than the
// frames it holds (a batch never repeats one). Which frames share a batch
// depends on the machine's speed; test/workers/batch/connections-batch.test.ts
// decides that by hand.
//
// The texts' order is not asserted: measured here, this runtime hands the
// room a burst sent on one test socket in another order now and then
// (logged at the entry of webSocketMessage, before any roomchat code), so
// the room's order is the order in which it received them, and the promise
// is that every listener sees that one order (seq) with nothing lost or
// repeated.
import { describe, expect, it } from "vitest";
import type { ServerFrame } from "../../../protocol";
import { connect, freshRoom, join, joinV2, newId } from "../helpers";
import { LIMITS } from "../limits";

/** Records the frames as they came, batches still whole, before `unbatch` unfolds them. */
function rawFrames(ws: WebSocket): ServerFrame[] {
  const raw: ServerFrame[] = [];
  ws.addEventListener("message", (e) => raw.push(JSON.parse(e.data as string)));
  return raw;
}

describe("a burst through the room", () => {
  it("reaches a v2 listener once and in order", async () => {
    const room = freshRoom();
    const listener = await joinV2(room, "listener");
    const raw = rawFrames(listener.client.ws);
    const sender = await joinV2(room, "sender");
    const sent = Array.from({ length: LIMITS.RATE_BURST }, (_, i) => ({
      id: newId(),
      text: `burst ${i}`,
    }));
    for (const { id, text } of sent) sender.client.send({ type: "send", id, text });

    const got = [];
    for (const _ of sent) got.push(await listener.client.next("message"));
    // Exactly once: each id once, with its own text.
    expect(got.map((f) => [f.id, f.text]).sort()).toEqual(sent.map((m) => [m.id, m.text]).sort());
    // In the room's order: seq rising by one, the same as the sender saw.
    const seqs = got.map((f) => f.seq);
    expect(seqs).toEqual(seqs.map((_, i) => (seqs[0] as number) + i));
    const echoes = [];
    for (const _ of sent) echoes.push(await sender.client.next("message"));
    expect(echoes.map((f) => [f.seq, f.id])).toEqual(got.map((f) => [f.seq, f.id]));
    await listener.client.expectNothing(100, "message");

    const inside = raw.flatMap((f) => (f.type === "batch" ? f.frames : [f]));
    expect(inside.filter((f) => f.type === "message")).toHaveLength(sent.length);
    expect(
      raw.every((f) => f.type !== "batch" || f.frames.every((g) => g.type !== "welcome")),
    ).toBe(true);
  });

  it("tells a v2 listener of every join of a storm once", async () => {
    const room = freshRoom();
    const listener = await joinV2(room, "watcher");
    const others = LIMITS.MAX_USERS - 1;
    const clients = await Promise.all(Array.from({ length: others }, () => connect(room)));
    for (const [i, c] of clients.entries()) c.send({ type: "join", name: `storm${i}`, v: 2 });
    const names = [];
    for (let i = 0; i < others; i++) names.push((await listener.client.next("joined")).user.name);
    expect(names.sort()).toEqual(Array.from({ length: others }, (_, i) => `storm${i}`).sort());
    await listener.client.expectNothing(100, "joined");
  });

  it("never sends a v1 client a batch in a storm of joins", async () => {
    const room = freshRoom();
    const old = await join(room, "oldtimer");
    const others = LIMITS.MAX_USERS - 1;
    const clients = await Promise.all(Array.from({ length: others }, () => connect(room)));
    for (const [i, c] of clients.entries()) c.send({ type: "join", name: `storm${i}`, v: 2 });
    for (let i = 0; i < others; i++) await old.client.next("joined");
    expect(old.client.frames.some((f) => typeof f === "object" && f.type === "batch")).toBe(false);
  });
});
