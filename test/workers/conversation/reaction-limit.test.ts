// A message holds at most 20 different emoji and 200 reactions in all: a
// 21st different emoji, or a 201st reaction, is refused with `error
// reaction_limit` carrying the seq, and changes nothing. Adding yourself to
// an emoji already there is within the first limit, and a removal is never
// refused. (MAX_USERS is small in these tests: the reactions come from
// sessions that react and leave, each from its own address.)
import { afterEach, describe, expect, it, vi } from "vitest";
import { MAX_REACTION_EMOJI, MAX_REACTIONS } from "../../../protocol";
import {
  applyChange,
  type Client,
  freshRoom,
  joinV2,
  postReply,
  roomInfo,
  shiftClock,
} from "../helpers";
import { LIMITS } from "../limits";

const EMOJI = [
  "😀",
  "😂",
  "😍",
  "😎",
  "🤔",
  "😴",
  "😡",
  "😭",
  "👍",
  "👎",
  "👏",
  "🙏",
  "🎉",
  "🔥",
  "💯",
  "✅",
  "❌",
  "👀",
  "🚀",
  "🌈",
  "🍕",
];

/** A new session that adds these emoji to the message, then (unless `stay`) leaves. */
async function reactAs(room: string, name: string, seq: number, emoji: string[], stay = false) {
  const s = await joinV2(room, name);
  let last = undefined as Awaited<ReturnType<typeof applyChange>> | undefined;
  for (const e of emoji)
    last = await applyChange(s.client, { type: "react", seq, emoji: e, on: true });
  if (!stay) {
    s.client.send({ type: "leave" });
    await s.client.closed();
  }
  return { ...s, last };
}

async function refused(client: Client, seq: number, emoji: string) {
  client.send({ type: "react", seq, emoji, on: true });
  expect(await client.next("error")).toMatchObject({ code: "reaction_limit", seq });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("reaction_limit", () => {
  it("refuses a 21st different emoji; an emoji already there may still be added to", async () => {
    expect(MAX_REACTION_EMOJI).toBe(20);
    expect(EMOJI.length).toBe(21);
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const m = await postReply(a.client, "so many feelings");
    const half = LIMITS.RATE_BURST;
    await reactAs(room, "r0", m.seq, EMOJI.slice(0, half));
    const r1 = await reactAs(room, "r1", m.seq, EMOJI.slice(half, 20), true);
    expect(r1.last?.reactions).toHaveLength(20);
    const rev = (await roomInfo(room)).rev;

    await refused(a.client, m.seq, EMOJI[20] as string);
    await r1.client.expectNothing(200, "update");
    expect((await roomInfo(room)).rev).toBe(rev);

    const joinedIn = await applyChange(a.client, {
      type: "react",
      seq: m.seq,
      emoji: EMOJI[0] as string,
      on: true,
    });
    expect(joinedIn.reactions).toHaveLength(20);
    expect(joinedIn.reactions?.[0]?.users).toHaveLength(2);

    // Removing one makes room for another, which comes last. (r1 spent its
    // burst: the clock moves on instead of the test waiting for tokens.)
    shiftClock({ by: 60_000 });
    await applyChange(r1.client, {
      type: "react",
      seq: m.seq,
      emoji: EMOJI[19] as string,
      on: false,
    });
    const next = await applyChange(a.client, {
      type: "react",
      seq: m.seq,
      emoji: EMOJI[20] as string,
      on: true,
    });
    expect(next.reactions?.map((r) => r.emoji)).toEqual([...EMOJI.slice(0, 19), EMOJI[20]]);
  });

  it("refuses a 201st reaction; a removal at the limit is accepted", async () => {
    expect(MAX_REACTIONS).toBe(200);
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const m = await postReply(a.client, "popular");
    // 20 sessions of 10 reactions each: 20 emoji, 10 users each.
    const per = LIMITS.RATE_BURST;
    const sessions = MAX_REACTIONS / per;
    let lastSession: Awaited<ReturnType<typeof reactAs>> | undefined;
    for (let i = 0; i < sessions; i++) {
      const emoji = EMOJI.slice((i % 2) * per, (i % 2) * per + per);
      lastSession = await reactAs(room, `r${i}`, m.seq, emoji, i === sessions - 1);
    }
    const full = lastSession?.last;
    expect(full?.reactions).toHaveLength(20);
    expect(full?.reactions?.reduce((n, r) => n + r.users.length, 0)).toBe(200);
    const rev = (await roomInfo(room)).rev;

    // The 201st, on an emoji already there, and on a new one.
    await refused(a.client, m.seq, EMOJI[0] as string);
    await refused(a.client, m.seq, EMOJI[20] as string);
    expect((await roomInfo(room)).rev).toBe(rev);

    // A removal is fine at the limit; then there is room for exactly one more.
    shiftClock({ by: 60_000 });
    const last = lastSession as NonNullable<typeof lastSession>;
    await applyChange(last.client, {
      type: "react",
      seq: m.seq,
      emoji: EMOJI[per] as string,
      on: false,
    });
    const added = await applyChange(a.client, {
      type: "react",
      seq: m.seq,
      emoji: EMOJI[0] as string,
      on: true,
    });
    expect(added.reactions?.reduce((n, r) => n + r.users.length, 0)).toBe(200);
    await refused(a.client, m.seq, EMOJI[1] as string);
  }, 60_000);
});
