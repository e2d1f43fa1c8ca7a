// The client core's changes to messages (protocol v2: edit, delete, react)
// through client/room.ts and client/changes.ts: what is refused locally
// before anything is sent, the frames written, acknowledgement by an update
// that shows the change, writing them again after every welcome, errors with
// a seq, rate limits; and the helpers the page uses (canEdit, canDelete,
// lastOwnEditable, usedEmoji, message, fetchMessage, allMessages), and sends
// that answer a message (`replyTo`).
import { describe, expect, it } from "vitest";
import type { ClientEvent } from "../../client/events";
import type { Room } from "../../client/room";
import type { Message } from "../../protocol";
import {
  BASE,
  type FakeWorld,
  fakeWorld,
  joinedRoom,
  message,
  openRoom,
  user,
  welcome,
} from "./client-fakes";

const alice = user("Alice");
const bob = user("Bob");

/** Alice's messages 1 and 3, Bob's 2, as the room holds them. */
function setUp(extra: Partial<Parameters<typeof welcome>[1]> = {}) {
  const world = fakeWorld();
  const events: ClientEvent[] = [];
  world.deps.observe = (e) => events.push(e);
  const msgs = [message(1, "Alice"), message(2, "Bob"), message(3, "Alice")];
  const room = joinedRoom(world, welcome(alice, { users: [alice, bob], messages: msgs, ...extra }));
  return { world, room, events };
}

const changeFrames = (world: FakeWorld) =>
  world
    .last()
    .frames()
    .filter(
      (f): f is Record<string, unknown> =>
        typeof f !== "string" && ["edit", "delete", "react"].includes(f.type as string),
    );

/** The room's update of message `seq` as `room` holds it, changed by `change`, at `rev`. */
function update(room: Room, seq: number, rev: number, change: (m: Message) => Message): object {
  const m = room.message(seq);
  if (!m) throw new Error(`seq ${seq} not held`);
  return { type: "update", message: { ...change(m), rev } };
}
const withText = (text: string) => (m: Message) => ({ ...m, text, editedAt: m.ts + 1 });
const tombstone = (m: Message): Message => {
  const { editedAt: _e, reactions: _r, ...rest } = m;
  return { ...rest, text: "", deleted: "author" };
};
const withReactions = (reactions: Array<[string, string[]]>) => (m: Message) => {
  const { reactions: _, ...rest } = m;
  return reactions.length
    ? { ...rest, reactions: reactions.map(([emoji, users]) => ({ emoji, users })) }
    : rest;
};

function reconnect(world: FakeWorld, room: Room, w: object) {
  world.last().serverClose(1006);
  world.clock.advance(room.retryAt.value - world.clock.now);
  world.last().open();
  world.last().receive(w);
}

describe("edit", () => {
  it("writes an edit of your message and keeps it until an update shows its text", () => {
    const { world, room, events } = setUp();
    expect(room.edit(1, "first, better")).toEqual({ ok: true });
    expect(changeFrames(world)).toEqual([{ type: "edit", seq: 1, text: "first, better" }]);
    expect(room.changes.value).toEqual([
      { seq: 1, kind: "edit", text: "first, better", status: "sending" },
    ]);
    // Someone's reaction meanwhile: the text is not there yet.
    world.last().receive(update(room, 1, 4, withReactions([["👍", [bob.id]]])));
    expect(room.changes.value).toHaveLength(1);
    world.last().receive(update(room, 1, 5, withText("first, better")));
    expect(room.changes.value).toEqual([]);
    expect(room.message(1)?.text).toBe("first, better");
    expect(events.filter((e) => e.type.startsWith("change-"))).toEqual([
      { type: "change-written", seq: 1, kind: "edit", again: false },
      { type: "change-acknowledged", seq: 1, kind: "edit" },
    ]);
  });

  it("refuses locally what the room would refuse, and sends nothing", () => {
    const { world, room } = setUp({ limits: { MAX_TEXT: 10, EDIT_WINDOW_MS: 60_000 } });
    expect(room.edit(9, "x")).toEqual({ ok: false, reason: "unknown" });
    expect(room.edit(2, "x")).toEqual({ ok: false, reason: "not_yours" });
    expect(room.edit(1, "  \n")).toEqual({ ok: false, reason: "empty" });
    expect(room.edit(1, "x".repeat(11))).toEqual({ ok: false, reason: "too_long" });
    expect(room.edit(1, "a\uD800b")).toEqual({ ok: false, reason: "invalid" });
    expect(room.edit(1, "message 1")).toEqual({ ok: false, reason: "unchanged" });
    expect(room.edit(1, "x".repeat(10))).toEqual({ ok: true });
    world.last().receive(update(room, 3, 9, tombstone));
    expect(room.edit(3, "gone")).toEqual({ ok: false, reason: "unknown" });
    expect(changeFrames(world)).toEqual([{ type: "edit", seq: 1, text: "x".repeat(10) }]);
    // The welcome's window: one minute after the message's ts.
    world.clock.advance(60_010);
    expect(room.edit(1, "late")).toEqual({ ok: false, reason: "too_late" });
  });

  it("compares with the text a pending edit will give: back to the old text is a change", () => {
    const { world, room } = setUp();
    expect(room.edit(1, "B")).toEqual({ ok: true });
    expect(room.edit(1, "B")).toEqual({ ok: false, reason: "unchanged" });
    expect(room.edit(1, "message 1")).toEqual({ ok: true });
    expect(changeFrames(world).map((f) => f.text)).toEqual(["B", "message 1"]);
    // The first update shows B: only the first edit leaves.
    world.last().receive(update(room, 1, 4, withText("B")));
    expect(room.changes.value.map((c) => c.text)).toEqual(["message 1"]);
    world.last().receive(update(room, 1, 5, withText("message 1")));
    expect(room.changes.value).toEqual([]);
  });

  it("counts an edit as settled when its message is deleted", () => {
    const { world, room } = setUp();
    room.edit(1, "new words");
    world.last().receive(update(room, 1, 4, (m) => ({ ...tombstone(m), deleted: "owner" })));
    expect(room.changes.value).toEqual([]);
  });

  it("takes no acknowledgement from a version older than the one held", () => {
    const { world, room } = setUp();
    world.last().receive(update(room, 2, 6, withReactions([["👍", [alice.id]]])));
    room.react(2, "👍", false);
    // A late copy of an older version happens to show it absent.
    world.last().receive(update(room, 2, 4, withReactions([])));
    expect(room.changes.value).toHaveLength(1);
    world.last().receive(update(room, 2, 7, withReactions([])));
    expect(room.changes.value).toEqual([]);
  });

  it("takes the room's answer to a change that changes nothing (the same rev) as its acknowledgement", () => {
    const { world, room } = setUp();
    room.edit(1, "again");
    world.last().receive(update(room, 1, 4, withText("again")));
    // Written once more (a lost answer, a reconnect): answered with the same rev.
    room.react(1, "🎉", true);
    world.last().receive(update(room, 1, 4, (m) => m));
    expect(room.changes.value).toHaveLength(1);
    world.last().receive(update(room, 1, 5, withReactions([["🎉", [alice.id]]])));
    world.last().receive(update(room, 1, 5, (m) => m));
    expect(room.changes.value).toEqual([]);
  });
});

describe("delete", () => {
  it("deletes your message; an update showing it deleted acknowledges it", () => {
    const { world, room } = setUp();
    expect(room.deleteMessage(2)).toEqual({ ok: false, reason: "not_yours" });
    expect(room.deleteMessage(7)).toEqual({ ok: false, reason: "unknown" });
    expect(room.deleteMessage(3)).toEqual({ ok: true });
    expect(room.deleteMessage(3)).toEqual({ ok: false, reason: "unchanged" });
    // Once a delete is pending, nothing else can change the message.
    expect(room.edit(3, "x")).toEqual({ ok: false, reason: "unknown" });
    expect(room.react(3, "👍", true)).toEqual({ ok: false, reason: "unknown" });
    expect(changeFrames(world)).toEqual([{ type: "delete", seq: 3 }]);
    world.last().receive(update(room, 3, 4, tombstone));
    expect(room.changes.value).toEqual([]);
    expect(room.message(3)).toMatchObject({ seq: 3, text: "", deleted: "author" });
    expect(room.deleteMessage(3)).toEqual({ ok: false, reason: "unchanged" });
  });

  it("lets an owner delete anyone's message", () => {
    const { world, room } = setUp();
    world.last().receive({ type: "user", user: { ...alice, role: "owner" } });
    expect(room.canDelete(room.message(2) as Message)).toBe(true);
    expect(room.canEdit(room.message(2) as Message)).toBe(false);
    expect(room.deleteMessage(2)).toEqual({ ok: true });
    expect(changeFrames(world)).toEqual([{ type: "delete", seq: 2 }]);
  });
});

describe("react", () => {
  it("adds and removes your reaction; the update listing you (or not) acknowledges it", () => {
    const { world, room } = setUp();
    expect(room.react(2, "not one", true)).toEqual({ ok: false, reason: "invalid" });
    expect(room.react(2, "👍👍", true)).toEqual({ ok: false, reason: "invalid" });
    expect(room.react(2, "👍", false)).toEqual({ ok: false, reason: "unchanged" });
    expect(room.react(2, "👍", true)).toEqual({ ok: true });
    expect(room.react(2, "👍", true)).toEqual({ ok: false, reason: "unchanged" });
    expect(changeFrames(world)).toEqual([{ type: "react", seq: 2, emoji: "👍", on: true }]);
    world.last().receive(update(room, 2, 4, withReactions([["👍", [bob.id, alice.id]]])));
    expect(room.changes.value).toEqual([]);
    expect(room.react(2, "👍", true)).toEqual({ ok: false, reason: "unchanged" });
    expect(room.react(2, "👍", false)).toEqual({ ok: true });
    world.last().receive(update(room, 2, 5, withReactions([["👍", [bob.id]]])));
    expect(room.changes.value).toEqual([]);
  });

  it("acknowledges only the oldest pending change of a message", () => {
    const { world, room } = setUp();
    room.react(2, "👍", true);
    room.react(2, "👍", false);
    expect(room.changes.value.map((c) => c.on)).toEqual([true, false]);
    // An update from before the first was applied shows it absent: that is
    // the second one's state, but the first one comes first.
    world.last().receive(update(room, 2, 4, withReactions([["❤️", [bob.id]]])));
    expect(room.changes.value.map((c) => c.on)).toEqual([true, false]);
    world.last().receive(
      update(
        room,
        2,
        5,
        withReactions([
          ["❤️", [bob.id]],
          ["👍", [alice.id]],
        ]),
      ),
    );
    expect(room.changes.value.map((c) => c.on)).toEqual([false]);
    world.last().receive(update(room, 2, 6, withReactions([["❤️", [bob.id]]])));
    expect(room.changes.value).toEqual([]);
  });
});

describe("pending changes across connections and errors", () => {
  it("writes a change made offline after the next welcome, and every pending one again after each welcome, in order", () => {
    const { world, room, events } = setUp();
    room.react(2, "👍", true);
    world.last().serverClose(1006);
    expect(room.edit(1, "offline edit")).toEqual({ ok: true });
    expect(room.changes.value.map((c) => c.status)).toEqual(["sending", "sending"]);
    world.clock.advance(room.retryAt.value - world.clock.now);
    world.last().open();
    expect(changeFrames(world)).toEqual([]);
    world.last().receive(
      welcome(alice, {
        messages: [],
        seq: 3,
      }),
    );
    expect(changeFrames(world)).toEqual([
      { type: "react", seq: 2, emoji: "👍", on: true },
      { type: "edit", seq: 1, text: "offline edit" },
    ]);
    expect(events.filter((e) => e.type === "change-written")).toEqual([
      { type: "change-written", seq: 2, kind: "react", again: false },
      { type: "change-written", seq: 2, kind: "react", again: true },
      { type: "change-written", seq: 1, kind: "edit", again: false },
    ]);
  });

  it("drops the oldest change of a seq that the room refuses, and says why", () => {
    const { world, room } = setUp();
    room.react(2, "👍", true);
    room.react(2, "🎉", true);
    room.edit(1, "edited");
    world.last().receive({
      type: "error",
      code: "reaction_limit",
      message: "Too many reactions.",
      seq: 2,
    });
    expect(room.notice.value).toEqual({
      kind: "error",
      code: "reaction_limit",
      message: "Too many reactions.",
    });
    expect(room.changes.value.map((c) => [c.seq, c.emoji ?? c.text])).toEqual([
      [2, "🎉"],
      [1, "edited"],
    ]);
    for (const code of ["forbidden", "too_late", "muted"]) {
      room.dismissNotice();
      world.last().receive({ type: "error", code, message: code, seq: 1 });
      expect(room.notice.value).toEqual(
        code === "forbidden" ? { kind: "error", code, message: code } : null,
      );
    }
    expect(room.changes.value.map((c) => c.seq)).toEqual([2]);
  });

  it("waits out rate_limited, then writes the change (and the later ones of its message) again", () => {
    const { world, room } = setUp();
    room.react(2, "👍", true);
    room.react(2, "👍", false);
    room.edit(1, "other message");
    world.last().receive({
      type: "error",
      code: "rate_limited",
      message: "slow down",
      seq: 2,
      retryAfterMs: 1500,
    });
    expect(room.changes.value.map((c) => c.status)).toEqual(["waiting", "waiting", "sending"]);
    expect(room.notice.value).toBeNull();
    // A new change of that message waits behind them; another message's does not.
    room.react(2, "🎉", true);
    room.react(3, "🎉", true);
    expect(room.changes.value.map((c) => c.status)).toEqual([
      "waiting",
      "waiting",
      "sending",
      "waiting",
      "sending",
    ]);
    const before = changeFrames(world).length;
    world.clock.advance(1499);
    expect(changeFrames(world)).toHaveLength(before);
    world.clock.advance(1);
    expect(changeFrames(world).slice(before)).toEqual([
      { type: "react", seq: 2, emoji: "👍", on: true },
      { type: "react", seq: 2, emoji: "👍", on: false },
      { type: "react", seq: 2, emoji: "🎉", on: true },
    ]);
    expect(room.changes.value.every((c) => c.status === "sending")).toBe(true);
  });

  it("keeps pending changes in memory only: a reload forgets them", () => {
    const { world, room } = setUp();
    room.edit(1, "not kept");
    expect(room.changes.value).toHaveLength(1);
    room.close();
    const again = fakeWorld({ local: world.local, session: world.session, clock: world.clock });
    const room2 = openRoom(again);
    expect(room2.changes.value).toEqual([]);
  });
});

describe("what the page asks of the core", () => {
  it("tells which messages you may edit or delete, and your newest editable one", () => {
    const { world, room } = setUp({ limits: { EDIT_WINDOW_MS: 60_000 } });
    const m = (seq: number) => room.message(seq) as Message;
    expect([1, 2, 3].map((s) => room.canEdit(m(s)))).toEqual([true, false, true]);
    expect([1, 2, 3].map((s) => room.canDelete(m(s)))).toEqual([true, false, true]);
    expect(room.lastOwnEditable()?.seq).toBe(3);
    // A message of an earlier session under the same name is not yours.
    world.last().receive({
      type: "message",
      ...message(4, "Alice", "x", "id-4-xxxxxxxxxxxxxx", {
        user: { id: "u-old", name: "Alice" },
      }),
    });
    expect(room.canEdit(m(4))).toBe(false);
    expect(room.lastOwnEditable()?.seq).toBe(3);
    room.deleteMessage(3);
    expect(room.canEdit(m(3))).toBe(false);
    expect(room.canDelete(m(3))).toBe(false);
    expect(room.lastOwnEditable()?.seq).toBe(1);
    world.clock.advance(60_010);
    expect(room.canEdit(m(1))).toBe(false);
    expect(room.canDelete(m(1))).toBe(true);
    expect(room.lastOwnEditable()).toBeUndefined();
  });

  it("lists the emoji used in the held messages, most used first", () => {
    const world = fakeWorld();
    const r = (emoji: string, n: number) => ({
      emoji,
      users: Array.from({ length: n }, (_, i) => `u${i}`),
    });
    const room = joinedRoom(
      world,
      welcome(alice, {
        messages: [
          message(1, "Bob", "a", "id-1-xxxxxxxxxxxxxx", { reactions: [r("👍", 2), r("😂", 1)] }),
          message(2, "Bob", "b", "id-2-xxxxxxxxxxxxxx", { reactions: [r("🎉", 1), r("😂", 2)] }),
        ],
      }),
    );
    expect(room.usedEmoji.value).toEqual(["😂", "👍", "🎉"]);
    world.last().receive({
      type: "update",
      message: message(2, "Bob", "b", "id-2-xxxxxxxxxxxxxx", { rev: 5, reactions: [r("🎉", 5)] }),
    });
    expect(room.usedEmoji.value).toEqual(["🎉", "👍", "😂"]);
  });

  it("fetches a message it does not hold: null when the room no longer has it, an error when the request fails", async () => {
    const { world, room } = setUp();
    expect(await room.fetchMessage(2)).toEqual(room.message(2));
    expect(world.requests).toEqual([]);
    world.responses.push({ status: 200, body: message(40, "Carol") });
    expect(await room.fetchMessage(40)).toMatchObject({ seq: 40, user: { name: "Carol" } });
    world.responses.push({ status: 404, body: { error: { code: "not_found", message: "" } } });
    expect(await room.fetchMessage(41)).toBeNull();
    world.responses.push({ status: 500, body: {} });
    await expect(room.fetchMessage(42)).rejects.toThrow();
    world.deps.fetch = () => Promise.reject(new TypeError("network"));
    await expect(room.fetchMessage(43)).rejects.toThrow("network");
    expect(world.requests).toEqual(
      [40, 41, 42].map((s) => `${BASE}/api/rooms/lobby/messages/${s}`),
    );
    // Not taken into the log: the client does not hold the messages around it.
    expect(room.message(40)).toBeUndefined();
  });

  it("pages back through everything the room keeps for allMessages, oldest first", async () => {
    const world = fakeWorld();
    const room = joinedRoom(
      world,
      welcome(alice, { messages: [message(201, "Bob"), message(202, "Bob")], seq: 202 }),
    );
    const range = (a: number, b: number) =>
      Array.from({ length: b - a + 1 }, (_, i) => message(a + i, "Bob"));
    world.responses.push({ status: 200, body: { messages: range(101, 200), more: true } });
    world.responses.push({ status: 200, body: { messages: range(3, 100), more: false } });
    const all = await room.allMessages();
    expect(all.map((m) => m.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 3));
    expect(world.requests).toEqual([
      `${BASE}/api/rooms/lobby/messages?before=201&limit=100`,
      `${BASE}/api/rooms/lobby/messages?before=101&limit=100`,
    ]);
    expect(room.hasMore.value).toBe(false);
    // Nothing older: no request.
    expect((await room.allMessages()).length).toBe(200);
    expect(world.requests).toHaveLength(2);
  });

  it("rejects allMessages when a page fails", async () => {
    const world = fakeWorld();
    const room = joinedRoom(world, welcome(alice, { messages: [message(9, "Bob")], seq: 9 }));
    world.responses.push({ status: 500, body: {} });
    await expect(room.allMessages()).rejects.toThrow();
  });
});

describe("replies", () => {
  it("sends replyTo, keeps it across a reload, and still takes send(text, id)", () => {
    const { world, room } = setUp();
    expect(room.send("answer", { replyTo: 2 })).toEqual({ ok: true });
    expect(room.send("with id", { id: "BBBBBBBBBBBBBBBBBBBBBB", replyTo: 1 })).toEqual({
      ok: true,
    });
    expect(room.send("plain", "CCCCCCCCCCCCCCCCCCCCCC")).toEqual({ ok: true });
    // One send in flight at a time: only the first is written until it is answered.
    expect(
      world
        .last()
        .framesOf("send")
        .map((f) => f.text),
    ).toEqual(["answer"]);
    expect(room.pending.value.map((p) => p.replyTo)).toEqual([2, 1, undefined]);
    const ids = room.pending.value.map((p) => p.id);
    expect(ids[1]).toBe("BBBBBBBBBBBBBBBBBBBBBB");
    expect(ids[2]).toBe("CCCCCCCCCCCCCCCCCCCCCC");
    room.close();
    const again = fakeWorld({ local: world.local, session: world.session, clock: world.clock });
    const room2 = openRoom(again);
    expect(room2.pending.value.map((p) => [p.text, p.replyTo])).toEqual([
      ["answer", 2],
      ["with id", 1],
      ["plain", undefined],
    ]);
    again.last().open();
    again.last().receive(welcome(alice, { seq: 3 }));
    // Each is written once the one before comes back as a message.
    for (const [i, text] of ["answer", "with id", "plain"].entries()) {
      const f = again.last().framesOf("send")[i];
      expect(f?.text).toBe(text);
      again.last().receive({
        type: "message",
        ...message(4 + i, "Alice", text, f?.id as string),
        user: { id: "u-Alice", name: "Alice" },
      });
    }
    expect(again.last().framesOf("send")).toEqual([
      { type: "send", id: ids[0], text: "answer", replyTo: 2 },
      { type: "send", id: "BBBBBBBBBBBBBBBBBBBBBB", text: "with id", replyTo: 1 },
      { type: "send", id: "CCCCCCCCCCCCCCCCCCCCCC", text: "plain" },
    ]);
    expect(room2.pending.value).toEqual([]);
  });

  it("marks a send failed when the message it answers is gone", () => {
    const { world, room } = setUp();
    room.send("to nothing", { replyTo: 2 });
    const id = world.last().framesOf("send")[0]?.id as string;
    world.last().receive({ type: "error", code: "message_unknown", message: "gone", id });
    expect(room.pending.value.map((p) => [p.status, p.reason])).toEqual([
      ["failed", "message_unknown"],
    ]);
    expect(room.notice.value).toMatchObject({ kind: "error", code: "message_unknown" });
    // Not written again on the next welcome.
    reconnect(world, room, welcome(alice, { seq: 3 }));
    expect(world.last().framesOf("send")).toEqual([]);
  });
});
