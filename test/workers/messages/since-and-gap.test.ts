// A join with `since` gets the retained messages after it, oldest first, with
// gap true only when a message after `since` is missing (here: pruned); a
// `since` beyond the room's seq counts as the seq; without `since`, gap is false.
import { describe, expect, it } from "vitest";
import type { Message } from "../../../protocol";
import { fillRoom, freshRoom, join, range } from "../helpers";
import { LIMITS } from "../limits";

const seqs = (ms: Message[]) => ms.map((m) => m.seq);

describe("since and gap", () => {
  it("since=k gets the messages after k, oldest first, without a gap", async () => {
    const room = freshRoom();
    const posted = await fillRoom(room, 5, LIMITS.RATE_BURST);
    const { welcome } = await join(room, "reader", { since: 2 });
    expect(seqs(welcome.messages)).toEqual([3, 4, 5]);
    expect(welcome.messages.map((m) => m.text)).toEqual(posted.slice(2).map((m) => m.text));
    expect(welcome.gap).toBe(false);
    expect(welcome.seq).toBe(5);
  });

  it("since=0 with nothing pruned gets every message without a gap", async () => {
    const room = freshRoom();
    await fillRoom(room, 5, LIMITS.RATE_BURST);
    const { welcome } = await join(room, "reader", { since: 0 });
    expect(seqs(welcome.messages)).toEqual([1, 2, 3, 4, 5]);
    expect(welcome.gap).toBe(false);
  });

  it("since equal to or beyond the room's seq gets no messages and no gap", async () => {
    const room = freshRoom();
    await fillRoom(room, 5, LIMITS.RATE_BURST);
    const at = await join(room, "reader1", { since: 5 });
    expect(at.welcome.messages).toEqual([]);
    expect(at.welcome.gap).toBe(false);
    expect(at.welcome.seq).toBe(5);
    const beyond = await join(room, "reader2", { since: 99 });
    expect(beyond.welcome.messages).toEqual([]);
    expect(beyond.welcome.gap).toBe(false);
    expect(beyond.welcome.seq).toBe(5);
  });

  it("since before the pruned messages reports a gap and gets the retained ones", async () => {
    const room = freshRoom();
    const n = LIMITS.HISTORY_LIMIT + 10;
    await fillRoom(room, n, LIMITS.RATE_BURST);
    const zero = await join(room, "reader1", { since: 0 });
    expect(zero.welcome.gap).toBe(true);
    expect(seqs(zero.welcome.messages)).toEqual(range(11, n));
    expect(zero.welcome.seq).toBe(n);
    const five = await join(room, "reader2", { since: 5 });
    expect(five.welcome.gap).toBe(true);
    expect(seqs(five.welcome.messages)).toEqual(range(11, n));
  });

  it("since at the last pruned seq has nothing missing: no gap", async () => {
    const room = freshRoom();
    const n = LIMITS.HISTORY_LIMIT + 10;
    await fillRoom(room, n, LIMITS.RATE_BURST);
    const { welcome } = await join(room, "reader", { since: 10 });
    expect(welcome.gap).toBe(false);
    expect(seqs(welcome.messages)).toEqual(range(11, n));
  });

  it("without since the gap is false, even after pruning", async () => {
    const room = freshRoom();
    const n = LIMITS.HISTORY_LIMIT + 10;
    await fillRoom(room, n, LIMITS.RATE_BURST);
    const { welcome } = await join(room, "reader");
    expect(welcome.gap).toBe(false);
    expect(seqs(welcome.messages)).toEqual(range(11, n));
    expect(welcome.seq).toBe(n);
  });
});
