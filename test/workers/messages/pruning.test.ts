// The room retains its newest HISTORY_LIMIT messages while seq keeps counting;
// the id of a pruned message is still remembered: resending it gets `error
// duplicate` with that id and posts nothing, while a retained id gets its message.
import { describe, expect, it } from "vitest";
import type { Message } from "../../../worker/protocol";
import { freshRoom, getJson, join, post } from "../helpers";
import { LIMITS } from "../limits";

let ipCounter = 0;
/** Posts `n` messages through sessions that each stay within the burst, then leave. */
async function fill(room: string, n: number): Promise<Message[]> {
  const out: Message[] = [];
  for (let s = 0; out.length < n; s++) {
    ipCounter += 1;
    const { client } = await join(room, `filler${s}`, { ip: `198.51.100.${ipCounter}` });
    const count = Math.min(LIMITS.RATE_BURST, n - out.length);
    for (let i = 0; i < count; i++) out.push(await post(client, `m${out.length + 1}`));
    client.send({ type: "leave" });
    await client.closed();
  }
  return out;
}

async function stored(room: string): Promise<number[]> {
  const page = await getJson<{ messages: Message[]; more: boolean }>(
    `/api/rooms/${room}/messages?limit=100`,
  );
  expect(page.body.more).toBe(false);
  return page.body.messages.map((m) => m.seq);
}
const roomSeq = async (room: string) =>
  (await getJson<{ seq: number }>(`/api/rooms/${room}`)).body.seq;
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe("pruning", () => {
  it("keeps only the newest HISTORY_LIMIT messages, and seq keeps counting", async () => {
    const room = freshRoom();
    const n = LIMITS.HISTORY_LIMIT + 5;
    await fill(room, n);
    expect(await stored(room)).toEqual(range(6, n));
    expect(await roomSeq(room)).toBe(n);
    const { client } = await join(room, "late");
    const next = await post(client, "one more");
    expect(next.seq).toBe(n + 1);
    expect(await stored(room)).toEqual(range(7, n + 1));
  });

  it("resending the id of a pruned message gets error duplicate and posts nothing", async () => {
    const room = freshRoom();
    const n = LIMITS.HISTORY_LIMIT + 5;
    const posted = await fill(room, n);
    const prunedId = posted[0]?.id as string;
    const a = await join(room, "alice");
    const b = await join(room, "bob");
    a.client.send({ type: "send", id: prunedId, text: "m1" });
    const err = await a.client.next("error");
    expect(err.code).toBe("duplicate");
    expect(err.id).toBe(prunedId);
    await a.client.expectNothing(200, "message");
    await b.client.expectNothing(200, "message");
    expect(await roomSeq(room)).toBe(n);
    expect(await stored(room)).toEqual(range(6, n));
    // With another text, from another session: the same answer.
    b.client.send({ type: "send", id: prunedId, text: "something else" });
    const err2 = await b.client.next("error");
    expect(err2).toMatchObject({ code: "duplicate", id: prunedId });
    expect(await roomSeq(room)).toBe(n);
  });

  it("resending the id of a retained message gets that message", async () => {
    const room = freshRoom();
    const n = LIMITS.HISTORY_LIMIT + 5;
    const posted = await fill(room, n);
    const kept = posted[n - 1] as Message;
    const a = await join(room, "alice");
    const b = await join(room, "bob");
    a.client.send({ type: "send", id: kept.id, text: "again" });
    const answer = await a.client.next("message");
    expect(answer).toEqual(kept);
    await b.client.expectNothing(200, "message");
    expect(await roomSeq(room)).toBe(n);
  });
});
