// A join with `since` (a rev: the highest the client has seen) gets the
// retained messages whose rev is above it, oldest first by seq, each as it is
// now: new messages and old ones edited, deleted or reacted to since, each
// once. `gap` is true when a message changed after `since` is not among them
// (pruned, or beyond the 200 with the highest seq); a `since` at or beyond the
// room's rev gets nothing and no gap. `seq` and `rev` are the room's latest.
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { type Message, WELCOME_CATCH_UP, WELCOME_RECENT } from "../../../protocol";
import { configOf, type Env } from "../../../worker/config";
import { History } from "../../../worker/history";
import { migrate } from "../../../worker/schema";
import {
  applyChange,
  fillRoom,
  freshRoom,
  getJson,
  joinV2,
  postReply,
  range,
  roomStub,
} from "../helpers";
import { LIMITS } from "../limits";

const seqs = (ms: Message[]) => ms.map((m) => m.seq);

describe("since is a rev", () => {
  it("delivers the edits, deletions and reactions of old messages and the new ones", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    for (let i = 1; i <= 5; i++) await postReply(a.client, `m${i}`);
    const b = await joinV2(room, "bob");
    const since = b.welcome.rev;
    expect(since).toBe(5);
    b.client.close();
    await a.client.next("away");

    // (Reactions from carol, so that alice stays within her rate burst.)
    const c = await joinV2(room, "carol");
    await applyChange(a.client, { type: "edit", seq: 2, text: "m2, edited" });
    await applyChange(c.client, { type: "react", seq: 3, emoji: "👍", on: true });
    await applyChange(a.client, { type: "delete", seq: 4 });
    const m6 = await postReply(a.client, "m6");
    await applyChange(a.client, { type: "edit", seq: m6.seq, text: "m6, edited" });
    await applyChange(c.client, { type: "react", seq: 3, emoji: "🎉", on: true });

    const back = await joinV2(room, "bob", { since, token: b.welcome.token });
    expect(back.welcome).toMatchObject({ seq: 6, rev: 11, gap: false });
    expect(seqs(back.welcome.messages)).toEqual([2, 3, 4, 6]);
    // Each as it is now, the same as the room's pages say.
    const page = await getJson<{ messages: Message[] }>(`/api/rooms/${room}/messages`);
    const now = new Map(page.body.messages.map((m) => [m.seq, m]));
    expect(back.welcome.messages).toEqual([2, 3, 4, 6].map((s) => now.get(s)));
    expect(back.welcome.messages.map((m) => m.rev)).toEqual([6, 11, 8, 10]);

    // A later `since` gets only what changed after it.
    const later = await joinV2(room, "dave", { since: 8 });
    expect(seqs(later.welcome.messages)).toEqual([3, 6]);
    expect(later.welcome.gap).toBe(false);
  });

  it("at or beyond the room's rev gets nothing and no gap", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    await postReply(a.client, "one");
    await applyChange(a.client, { type: "edit", seq: 1, text: "one!" });
    for (const [name, since] of [
      ["at", 2],
      ["beyond", 3],
      ["far", 1_000_000],
    ] as const) {
      const { welcome } = await joinV2(room, name, { since });
      expect(welcome, name).toMatchObject({ messages: [], gap: false, seq: 1, rev: 2 });
    }
    // What comes after is delivered to whoever resumes from there.
    await postReply(a.client, "two");
    const { welcome } = await joinV2(room, "next", { since: 1_000_000 });
    expect(welcome.messages).toEqual([]);
    const { welcome: from2 } = await joinV2(room, "from2", { since: 2 });
    expect(seqs(from2.messages)).toEqual([2]);
  });

  it("reports a gap when a message changed after since was pruned, and not otherwise", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    for (let i = 1; i <= 5; i++) await postReply(a.client, `m${i}`);
    await applyChange(a.client, { type: "edit", seq: 2, text: "m2, edited" }); // rev 6
    a.client.send({ type: "leave" });
    await a.client.closed();
    // HISTORY_LIMIT more messages prune m1..m5 (seq 6.., rev 7..).
    await fillRoom(room, LIMITS.HISTORY_LIMIT, LIMITS.RATE_BURST);
    const newest = range(6, 5 + LIMITS.HISTORY_LIMIT);

    // since 5: m2 changed after it (rev 6) and is gone.
    const five = await joinV2(room, "r5", { since: 5 });
    expect(five.welcome.gap).toBe(true);
    expect(seqs(five.welcome.messages)).toEqual(newest);
    // since 6: every pruned change is at or below it.
    const six = await joinV2(room, "r6", { since: 6 });
    expect(six.welcome.gap).toBe(false);
    expect(seqs(six.welcome.messages)).toEqual(newest);
    // since 3, by seq alone, would not see the edit of m2 as lost: by rev it does.
    const three = await joinV2(room, "r3", { since: 3 });
    expect(three.welcome.gap).toBe(true);
  }, 30_000);

  it("a welcome without since has no gap", async () => {
    const room = freshRoom();
    await fillRoom(room, LIMITS.HISTORY_LIMIT + 5, LIMITS.RATE_BURST);
    const { welcome } = await joinV2(room, "reader");
    expect(welcome.gap).toBe(false);
  }, 30_000);
});

// The tests run with HISTORY_LIMIT 30 (vitest.config.ts), so a room never
// retains more than 200 messages: the cap is checked on the room's history
// itself (worker/history.ts, the code the welcome calls with
// WELCOME_CATCH_UP), in a room's storage inside workerd, with a
// HISTORY_LIMIT of 1000.
describe("since: the 200 cap (the room's history, HISTORY_LIMIT 1000)", () => {
  it("gives the 200 changed messages with the highest seq, and a gap", async () => {
    const room = freshRoom("cap");
    const result = await runInDurableObject(roomStub(room), (_, state) => {
      migrate(state.storage);
      const config = { ...configOf(env as unknown as Env), HISTORY_LIMIT: 1000 };
      const history = new History(state.storage.sql, config, true);
      const user = { id: "u1", name: "alice" };
      const now = Date.now();
      const posted: Message[] = [];
      for (let i = 1; i <= 250; i++)
        posted.push(history.append(`id-${i}-xxxxxxxxxxxx`, user, `m${i}`, now));
      const catchUp = (since: number) => history.catchUp(since, WELCOME_RECENT, WELCOME_CATCH_UP);
      const fromZero = catchUp(0);
      const rev250 = history.rev;
      // 10 old ones edited: fewer than 200 changed after rev 250, no gap.
      for (let s = 1; s <= 10; s++) history.edit(posted[s - 1] as Message, `m${s}, edited`, now);
      const fewChanged = catchUp(rev250);
      // 201 changed after rev 250 (the 10, then 191 more): the 200 with the highest seq.
      for (let s = 60; s <= 250; s++) history.edit(history.get(s) as Message, `m${s}, edited`, now);
      const manyChanged = catchUp(rev250);
      return { fromZero, fewChanged, manyChanged };
    });
    expect(result.fromZero.gap).toBe(true);
    expect(seqs(result.fromZero.messages)).toEqual(range(51, 250));
    expect(result.fewChanged.gap).toBe(false);
    expect(seqs(result.fewChanged.messages)).toEqual(range(1, 10));
    expect(result.manyChanged.gap).toBe(true);
    expect(seqs(result.manyChanged.messages)).toEqual(
      [...range(1, 10), ...range(60, 250)].slice(-200),
    );
    expect(result.manyChanged.messages).toHaveLength(200);
    expect(result.manyChanged.messages.every((m) => m.text.endsWith("edited"))).toBe(true);
  });
});
