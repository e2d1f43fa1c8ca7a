// Properties of the client core's log (client/log.ts, through client/room.ts) under any order of server events:
// whatever mix of live messages, repeated frames, reconnect welcomes (with
// their catch-up) and older pages arrives, the log holds each seq once, in
// order, and every send the server echoed has left the pending list.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RoomModel } from "../../client/room";
import { fakeWorld, message, user, welcome } from "./client-fakes";

type Op =
  | { kind: "live"; seq: number }
  | { kind: "reconnect"; from: number; to: number }
  | { kind: "older"; from: number; to: number }
  | { kind: "send" }
  | { kind: "echo"; pick: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("live" as const), seq: fc.integer({ min: 1, max: 40 }) }),
  fc
    .tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 10 }))
    .map(([from, n]) => ({ kind: "reconnect" as const, from, to: from + n })),
  fc
    .tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 10 }))
    .map(([from, n]) => ({ kind: "older" as const, from, to: from + n })),
  fc.constant({ kind: "send" as const }),
  fc.record({ kind: fc.constant("echo" as const), pick: fc.nat() }),
);

describe("the room model's log", () => {
  it("holds each message once, in seq order, whatever the server sends", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 40 }), async (ops) => {
        const world = fakeWorld();
        const room = new RoomModel(world.deps, { room: "lobby", base: "http://x", name: "Alice" });
        room.start();
        world.last().open();
        world.last().receive(welcome(user("Alice"), { messages: [message(50, "Bob")], seq: 50 }));
        const echoed = new Set<string>();
        let nextSeq = 100;
        for (const o of ops) {
          if (o.kind === "live")
            world.last().receive({ type: "message", ...message(o.seq, "Bob") });
          else if (o.kind === "reconnect") {
            world.last().serverClose(1006);
            room.wake();
            world.last().open();
            const msgs = [];
            for (let s = o.from; s <= o.to; s++) msgs.push(message(s, "Bob"));
            world.last().receive(welcome(user("Alice"), { messages: msgs, seq: o.to }));
          } else if (o.kind === "older") {
            const msgs = [];
            for (let s = o.from; s <= o.to; s++) msgs.push(message(s, "Bob"));
            world.responses.push({ status: 200, body: { messages: msgs, more: true } });
            await room.loadOlder();
          } else if (o.kind === "send") {
            room.send(`text ${nextSeq}`);
          } else {
            const pending = room.pending.value;
            const p = pending[o.pick % Math.max(1, pending.length)];
            if (!p) continue;
            echoed.add(p.id);
            // The echo may come more than once (a resend after a reconnect).
            for (let i = 0; i < 2; i++)
              world.last().receive({
                type: "message",
                ...message(nextSeq, "Alice", p.text, p.id),
              });
            nextSeq++;
          }
        }
        const seqs = room.log.value.flatMap((e) => (e.kind === "message" ? [e.message.seq] : []));
        expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));
        for (const p of room.pending.value) expect(echoed.has(p.id)).toBe(false);
        const ids = room.log.value.flatMap((e) => (e.kind === "message" ? [e.message.id] : []));
        for (const id of echoed) expect(ids.filter((x) => x === id)).toHaveLength(1);
      }),
      { numRuns: 200 },
    );
  });
});
