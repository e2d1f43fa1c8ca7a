// (v2) `mute`: everyone (the muted session and the owner included) gets a
// `user` frame with `mutedUntil`; the muted session's `send` is refused with
// `error muted` carrying its id and `retryAfterMs` (the time left), its
// `edit` and `react` with their seq, and nothing is posted or changed; it
// may still delete its own messages and leave with quit(). The mute is part
// of the session (a resume keeps it, and so does an object rebuilt from
// storage). `minutes: 0` lifts it with a `user` frame without `mutedUntil`,
// and so does its end, through the room's alarm (set for it). The checks before `muted` come
// first (a repeated id is answered, replyTo, the message, the right, the
// content), and a refused send takes no rate token.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { applyChange, newId, postReply, roomStub, shiftClock, V2_LIMITS } from "../helpers";
import { LIMITS } from "../limits";
import { createRoom, enter, enterAsOwner, nextUserOf } from "./support";

const MARK = Symbol.for("roomchat.test.moderation.before-hibernation");

afterEach(() => {
  vi.restoreAllMocks();
});

async function mutedRoom(minutes: number) {
  const { room, ownerKey } = await createRoom();
  const own = await enterAsOwner(room, "olive", ownerKey);
  const alice = await enter(room, "alice");
  const bob = await enter(room, "bob");
  const before = Date.now();
  own.client.send({ type: "mute", user: bob.welcome.you.id, minutes });
  const seen = [];
  for (const c of [own.client, alice.client, bob.client]) {
    seen.push((await nextUserOf(c, bob.welcome.you.id)).user);
  }
  return { room, ownerKey, own, alice, bob, before, seen };
}

describe("mute", () => {
  it("tells everyone mutedUntil, and refuses send, edit and react with muted", async () => {
    const { room, ownerKey } = await createRoom();
    const own = await enterAsOwner(room, "olive", ownerKey);
    const alice = await enter(room, "alice");
    const bob = await enter(room, "bob");
    const mine = await postReply(bob.client, "before the mute");
    const hers = await postReply(alice.client, "hers");

    const before = Date.now();
    own.client.send({ type: "mute", user: bob.welcome.you.id, minutes: 5 });
    for (const c of [own.client, alice.client, bob.client]) {
      const { user } = await nextUserOf(c, bob.welcome.you.id);
      expect(user).toMatchObject({ id: bob.welcome.you.id, name: "bob" });
      expect(user.mutedUntil).toBeGreaterThanOrEqual(before + 5 * 60_000);
      expect(user.mutedUntil).toBeLessThanOrEqual(Date.now() + 5 * 60_000);
    }

    const id = newId();
    bob.client.send({ type: "send", id, text: "muted?" });
    const e1 = await bob.client.next("error");
    expect(e1).toMatchObject({ code: "muted", id });
    expect(e1.retryAfterMs).toBeGreaterThan(4 * 60_000);
    expect(e1.retryAfterMs).toBeLessThanOrEqual(5 * 60_000);

    bob.client.send({ type: "edit", seq: mine.seq, text: "changed" });
    const e2 = await bob.client.next("error");
    expect(e2).toMatchObject({ code: "muted", seq: mine.seq });
    expect(e2.retryAfterMs).toBeGreaterThan(0);

    for (const seq of [mine.seq, hers.seq]) {
      bob.client.send({ type: "react", seq, emoji: "👍", on: true });
      const e3 = await bob.client.next("error");
      expect(e3).toMatchObject({ code: "muted", seq });
      expect(e3.retryAfterMs).toBeGreaterThan(0);
    }
    await alice.client.expectNothing(200, "message");
    await alice.client.expectNothing(0, "update");
  });

  it("retryAfterMs is the time left", async () => {
    const { bob, seen } = await mutedRoom(2);
    const until = seen[0]?.mutedUntil as number;
    shiftClock({ at: until - 1234 });
    const id = newId();
    bob.client.send({ type: "send", id, text: "now?" });
    expect(await bob.client.next("error")).toMatchObject({ code: "muted", id, retryAfterMs: 1234 });
  });

  it("the checks before it come first: the message, the right, the content", async () => {
    const { room, ownerKey } = await createRoom();
    const own = await enterAsOwner(room, "olive", ownerKey);
    const alice = await enter(room, "alice");
    const bob = await enter(room, "bob");
    const mine = await postReply(bob.client, "mine");
    const hers = await postReply(alice.client, "hers");
    own.client.send({ type: "mute", user: bob.welcome.you.id, minutes: 5 });
    await nextUserOf(bob.client, bob.welcome.you.id);

    const expectError = async (frame: object, code: string, seq: number) => {
      bob.client.send(frame);
      expect(await bob.client.next("error"), JSON.stringify(frame)).toMatchObject({ code, seq });
    };
    await expectError({ type: "edit", seq: 999, text: "x" }, "message_unknown", 999);
    await expectError({ type: "react", seq: 999, emoji: "👍", on: true }, "message_unknown", 999);
    await expectError({ type: "edit", seq: hers.seq, text: "x" }, "forbidden", hers.seq);
    await expectError({ type: "edit", seq: mine.seq, text: "   " }, "text_invalid", mine.seq);
    await expectError(
      { type: "react", seq: mine.seq, emoji: "no", on: true },
      "reaction_invalid",
      mine.seq,
    );
    // Past the edit window: too_late (the right) before muted.
    shiftClock({ by: V2_LIMITS.EDIT_WINDOW_MS + 1000 });
    await expectError({ type: "edit", seq: mine.seq, text: "late" }, "too_late", mine.seq);
  });

  it("a muted session's blank send is text_invalid: the content comes before muted", async () => {
    const { bob } = await mutedRoom(5);
    const id = newId();
    bob.client.send({ type: "send", id, text: "   " });
    expect(await bob.client.next("error")).toMatchObject({ code: "text_invalid", id });
  });

  it("a send's checks before muted: quit() aside, a repeated id is answered, replyTo is judged", async () => {
    const { room, ownerKey } = await createRoom();
    const own = await enterAsOwner(room, "olive", ownerKey);
    const bob = await enter(room, "bob");
    const mine = await postReply(bob.client, "before");
    own.client.send({ type: "mute", user: bob.welcome.you.id, minutes: 5 });
    await nextUserOf(bob.client, bob.welcome.you.id);
    // A repeated id is answered with its message, not refused.
    const again = await postReply(bob.client, "before", undefined, mine.id);
    expect(again).toMatchObject({ seq: mine.seq, id: mine.id });
    const id = newId();
    bob.client.send({ type: "send", id, text: "re", replyTo: 999 });
    expect(await bob.client.next("error")).toMatchObject({ code: "message_unknown", id });
  });

  it("refused sends take no rate token: once unmuted, a whole burst posts", async () => {
    const { own, bob } = await mutedRoom(5);
    for (let i = 0; i < LIMITS.RATE_BURST + 5; i++) {
      const id = newId();
      bob.client.send({ type: "send", id, text: `no ${i}` });
      expect(await bob.client.next("error")).toMatchObject({ code: "muted", id });
    }
    own.client.send({ type: "mute", user: bob.welcome.you.id, minutes: 0 });
    await nextUserOf(bob.client, bob.welcome.you.id);
    for (let i = 0; i < LIMITS.RATE_BURST; i++) await postReply(bob.client, `yes ${i}`);
  });

  it("a muted session may still delete its own messages", async () => {
    const { room, ownerKey } = await createRoom();
    const own = await enterAsOwner(room, "olive", ownerKey);
    const bob = await enter(room, "bob");
    const mine = await postReply(bob.client, "regret");
    await own.client.next("message");
    own.client.send({ type: "mute", user: bob.welcome.you.id, minutes: 5 });
    await nextUserOf(bob.client, bob.welcome.you.id);

    const deleted = await applyChange(bob.client, { type: "delete", seq: mine.seq });
    expect(deleted).toMatchObject({ seq: mine.seq, deleted: "author", text: "" });
    expect((await own.client.next("update")).message.deleted).toBe("author");
  });

  it("a resumed session is still muted", async () => {
    const { room, own, bob } = await mutedRoom(5);
    bob.client.close();
    await own.client.next("away");
    const again = await enter(room, "bob", { token: bob.welcome.token });
    expect(again.welcome.you.id).toBe(bob.welcome.you.id);
    expect(again.welcome.you.mutedUntil).toBeGreaterThan(Date.now());
    const id = newId();
    again.client.send({ type: "send", id, text: "still?" });
    expect(await again.client.next("error")).toMatchObject({ code: "muted", id });
  });

  it("quit() still leaves", async () => {
    const { alice, bob } = await mutedRoom(5);
    bob.client.send({ type: "send", id: newId(), text: " quit() " });
    expect((await bob.client.closed()).code).toBe(1000);
    for (;;) {
      const left = await alice.client.next("left");
      if (left.user.id === bob.welcome.you.id) {
        expect(left.reason).toBe("leave");
        break;
      }
    }
  });

  it("minutes 0 lifts it: a user frame without mutedUntil, and sends work", async () => {
    const { own, alice, bob } = await mutedRoom(5);
    own.client.send({ type: "mute", user: bob.welcome.you.id, minutes: 0 });
    for (const c of [own.client, alice.client, bob.client]) {
      const { user } = await nextUserOf(c, bob.welcome.you.id);
      expect(user.id).toBe(bob.welcome.you.id);
      expect("mutedUntil" in user).toBe(false);
    }
    const m = await postReply(bob.client, "free again");
    expect(m.user.id).toBe(bob.welcome.you.id);
  });

  it("ends on its own through the alarm: a user frame without mutedUntil", async () => {
    const { room, own, alice, bob, seen } = await mutedRoom(1);
    const until = seen[0]?.mutedUntil as number;
    // Once the joins' own timeouts are past, the room's alarm is set for the mute's end.
    await new Promise((r) => setTimeout(r, LIMITS.JOIN_TIMEOUT_MS + 300));
    const alarm = await runInDurableObject(roomStub(room), (_, state) => state.storage.getAlarm());
    expect(alarm).toBe(until);
    shiftClock({ at: until + 1 });
    expect(await runDurableObjectAlarm(roomStub(room))).toBe(true);
    for (const c of [own.client, alice.client, bob.client]) {
      const { user } = await nextUserOf(c, bob.welcome.you.id);
      expect("mutedUntil" in user).toBe(false);
    }
    const m = await postReply(bob.client, "time served");
    expect(m.user.id).toBe(bob.welcome.you.id);
    const later = await enter(room, "carol");
    const shown = later.welcome.users.find((u) => u.id === bob.welcome.you.id);
    expect(shown && "mutedUntil" in shown).toBe(false);
  });

  it("is stored: after the object is rebuilt (hibernation), the session is still muted", async () => {
    const { room, bob } = await mutedRoom(5);
    await runInDurableObject(roomStub(room), (instance) => {
      (instance as unknown as Record<symbol, boolean>)[MARK] = true;
    });
    // About 10 s without events: workerd drops the object, the sockets stay.
    await new Promise((r) => setTimeout(r, 12_000));
    const id = newId();
    bob.client.send({ type: "send", id, text: "after the rebuild" });
    expect(await bob.client.next("error")).toMatchObject({ code: "muted", id });
    const rebuilt = await runInDurableObject(
      roomStub(room),
      (instance) => !(instance as unknown as Record<symbol, boolean>)[MARK],
    );
    expect(rebuilt, "the object was not rebuilt: nothing was proven").toBe(true);
  }, 40_000);
});
