// The rev counter survives a restart of the room: with every socket gone,
// workerd drops the idle object after about 10 s, and the next request builds
// it again from storage alone (the same start as after a deploy or a crash;
// `state.abort()` would be closer, but in the pool it resets the isolate the
// other test files run in). The room info and the welcome then tell the same
// rev, the next change takes the next one, and messages keep their edits,
// deletions and reactions; also when the latest change was a reaction to an
// old message, held folded in memory before. The test checks that the
// object really was rebuilt.
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Message } from "../../../protocol";
import {
  applyChange,
  type Client,
  freshRoom,
  getJson,
  joinV2,
  postReply,
  roomInfo,
  roomStub,
} from "../helpers";

const IDLE_MS = 12_000;
const MARK = Symbol.for("roomchat.test.before-restart");

/** Drops every socket, lets the object go idle and be dropped, and checks that it was. */
async function restart(room: string, clients: Client[]): Promise<void> {
  for (const c of clients) c.close();
  for (const c of clients) await c.closed();
  await runInDurableObject(roomStub(room), (instance) => {
    (instance as unknown as Record<symbol, boolean>)[MARK] = true;
  });
  await new Promise((r) => setTimeout(r, IDLE_MS));
  const rebuilt = await runInDurableObject(
    roomStub(room),
    (instance) => !(instance as unknown as Record<symbol, boolean>)[MARK],
  );
  expect(rebuilt, "the object was not rebuilt: nothing was proven").toBe(true);
}

const page = async (room: string) =>
  (await getJson<{ messages: Message[] }>(`/api/rooms/${room}/messages`)).body.messages;

describe.concurrent("rev after a restart", () => {
  it("carries on from the latest change", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const b = await joinV2(room, "bob");
    await postReply(a.client, "one");
    await postReply(a.client, "two");
    await applyChange(a.client, { type: "edit", seq: 1, text: "one, edited" });
    await applyChange(b.client, { type: "react", seq: 1, emoji: "👍", on: true });
    const last = await applyChange(a.client, { type: "delete", seq: 2 });
    expect(last.rev).toBe(5);
    const before = await page(room);

    await restart(room, [a.client, b.client]);

    expect(await roomInfo(room)).toMatchObject({ seq: 2, rev: 5 });
    expect(await page(room)).toEqual(before);
    const c = await joinV2(room, "carol", { since: 5 });
    expect(c.welcome).toMatchObject({ seq: 2, rev: 5, messages: [], gap: false });
    const reacted = await applyChange(c.client, { type: "react", seq: 1, emoji: "👍", on: true });
    expect(reacted).toMatchObject({
      rev: 6,
      text: "one, edited",
      reactions: [{ emoji: "👍", users: [b.welcome.you.id, c.welcome.you.id] }],
    });
    expect(await postReply(c.client, "three")).toMatchObject({ seq: 3, rev: 7 });
  }, 40_000);

  it("carries on when the latest change was a reaction to an old message", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    for (let i = 1; i <= 3; i++) await postReply(a.client, `m${i}`);
    await applyChange(a.client, { type: "react", seq: 1, emoji: "🎉", on: true });
    await applyChange(a.client, { type: "react", seq: 1, emoji: "🔥", on: true });
    await applyChange(a.client, { type: "react", seq: 1, emoji: "🎉", on: false });

    await restart(room, [a.client]);

    expect(await roomInfo(room)).toMatchObject({ seq: 3, rev: 6 });
    const b = await joinV2(room, "bob", { since: 3 });
    expect(b.welcome.rev).toBe(6);
    expect(b.welcome.messages).toEqual([
      expect.objectContaining({
        seq: 1,
        rev: 6,
        reactions: [{ emoji: "🔥", users: [a.welcome.you.id] }],
      }),
    ]);
    const next = await applyChange(b.client, { type: "react", seq: 1, emoji: "🔥", on: true });
    expect(next.rev).toBe(7);
    expect(next.reactions).toEqual([{ emoji: "🔥", users: [a.welcome.you.id, b.welcome.you.id] }]);
  }, 40_000);
});
