// The room retains its newest HISTORY_LIMIT messages while seq keeps counting;
// the id of a pruned message is still remembered: resending it gets `error
// duplicate` with that id and posts nothing, while a retained id gets its message.
import { describe, expect, it } from "vitest";
import type { Message } from "../../../protocol";
import { fillRoom, freshRoom, getJson, join, post, range } from "../helpers";
import { LIMITS } from "../limits";

async function stored(room: string): Promise<number[]> {
  const page = await getJson<{ messages: Message[]; more: boolean }>(
    `/api/rooms/${room}/messages?limit=100`,
  );
  expect(page.body.more).toBe(false);
  return page.body.messages.map((m) => m.seq);
}
const roomSeq = async (room: string) =>
  (await getJson<{ seq: number }>(`/api/rooms/${room}`)).body.seq;

describe("pruning", () => {
  it("keeps only the newest HISTORY_LIMIT messages, and seq keeps counting", async () => {
    const room = freshRoom();
    const n = LIMITS.HISTORY_LIMIT + 5;
    await fillRoom(room, n, LIMITS.RATE_BURST);
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
    const posted = await fillRoom(room, n, LIMITS.RATE_BURST);
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
    const posted = await fillRoom(room, n, LIMITS.RATE_BURST);
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
