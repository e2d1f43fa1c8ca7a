// The rev counter survives hibernation: after about 10 s without events
// workerd drops the room's object and builds it again for the next frame,
// with its sockets intact. The object rebuilt from storage hands out the
// next rev (not one already used), and the messages it folds again keep
// their edits and reactions. (The wait is the platform's idle timeout; the
// test checks that the object really was rebuilt.)
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { applyChange, freshRoom, joinV2, postReply, roomInfo, roomStub } from "../helpers";

const IDLE_MS = 12_000;
const MARK = Symbol.for("roomchat.test.before-hibernation");

describe("rev after hibernation", () => {
  it("carries on from the latest change when the object is rebuilt", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const b = await joinV2(room, "bob");
    await postReply(a.client, "one");
    await postReply(a.client, "two");
    await applyChange(b.client, { type: "react", seq: 1, emoji: "👍", on: true });
    const last = await applyChange(a.client, { type: "edit", seq: 1, text: "one, edited" });
    expect(last.rev).toBe(4);
    await runInDurableObject(roomStub(room), (instance) => {
      (instance as unknown as Record<symbol, boolean>)[MARK] = true;
    });

    await new Promise((r) => setTimeout(r, IDLE_MS));

    // The next frame wakes a rebuilt object that has both sockets.
    const change = applyChange(b.client, { type: "react", seq: 2, emoji: "🎉", on: true });
    const reacted = await change;
    expect(reacted.rev).toBe(5);
    const rebuilt = await runInDurableObject(
      roomStub(room),
      (instance) => !(instance as unknown as Record<symbol, boolean>)[MARK],
    );
    expect(rebuilt, "the object was not rebuilt: nothing was proven").toBe(true);
    expect((await a.client.next("update")).message).toEqual(reacted);

    // Edits and reactions folded again from storage, and the rev goes on.
    const again = await applyChange(a.client, { type: "edit", seq: 1, text: "one, again" });
    expect(again).toMatchObject({
      rev: 6,
      text: "one, again",
      reactions: [{ emoji: "👍", users: [b.welcome.you.id] }],
    });
    expect(await postReply(a.client, "three")).toMatchObject({ seq: 3, rev: 7 });
    expect(await roomInfo(room)).toMatchObject({ seq: 3, rev: 7 });
  }, 40_000);
});
