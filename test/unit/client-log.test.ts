// The client core's messages by seq and rev (client/log.ts through
// client/room.ts), protocol v2: a message for a held seq replaces it only
// with a higher rev, whichever way it came (live, a welcome, a page, an
// update), and keeps its place; an update for a seq not held is ignored;
// deletions stay as tombstones; an update is never news (no unread, no
// mention); a batch is its frames in order.
import { describe, expect, it } from "vitest";
import type { HttpResponseLike } from "../../client/deps";
import type { ClientEvent } from "../../client/events";
import type { Room } from "../../client/room";
import type { Message } from "../../protocol";
import { fakeWorld, joinedRoom, message, user, welcome } from "./client-fakes";

const flushPromises = () => new Promise((r) => setTimeout(r, 0));

/** The held messages as [seq, text, rev]. */
const held = (room: Room) =>
  room.log.value.flatMap((e) =>
    e.kind === "message" ? [[e.message.seq, e.message.text, e.message.rev]] : [],
  );

const edited = (m: Message, text: string, rev: number): Message => ({
  ...m,
  text,
  rev,
  editedAt: m.ts + 1000,
});

function room3() {
  const world = fakeWorld();
  const events: ClientEvent[] = [];
  world.deps.observe = (e) => events.push(e);
  const msgs = [message(1, "Bob"), message(2, "Bob"), message(3, "Bob")];
  const room = joinedRoom(world, welcome(user("Alice"), { messages: msgs }));
  return { world, room, events, msgs };
}

describe("messages by seq and rev", () => {
  it("replaces a held message by an update with a higher rev, in its place", () => {
    const { world, room, msgs } = room3();
    world.last().receive({ type: "update", message: edited(msgs[1] as Message, "two!", 4) });
    expect(held(room)).toEqual([
      [1, "message 1", 1],
      [2, "two!", 4],
      [3, "message 3", 3],
    ]);
    expect(room.message(2)?.editedAt).toBe((msgs[1] as Message).ts + 1000);
  });

  it("ignores an update whose rev is not higher than the one held", () => {
    const { world, room, msgs, events } = room3();
    world.last().receive({ type: "update", message: edited(msgs[1] as Message, "new", 5) });
    world.last().receive({ type: "update", message: edited(msgs[1] as Message, "older", 4) });
    world.last().receive({ type: "update", message: edited(msgs[1] as Message, "same", 5) });
    expect(room.message(2)?.text).toBe("new");
    expect(events.filter((e) => e.type === "dropped")).toEqual([
      { type: "dropped", seq: 2 },
      { type: "dropped", seq: 2 },
    ]);
    expect(events.filter((e) => e.type === "replaced")).toEqual([
      { type: "replaced", seq: 2, rev: 5 },
    ]);
  });

  it("ignores an update for a seq it does not hold", () => {
    const { world, room } = room3();
    world.last().receive({ type: "update", message: edited(message(9, "Bob"), "far", 10) });
    expect(room.message(9)).toBeUndefined();
    expect(held(room).map(([seq]) => seq)).toEqual([1, 2, 3]);
  });

  it("takes a live message, a welcome's message and a page's message by the same rule", async () => {
    const { world, room, msgs } = room3();
    // The room's answer to a repeated id is the message as it is now.
    world.last().receive({ type: "message", ...edited(msgs[0] as Message, "one, edited", 4) });
    world.last().receive({ type: "message", ...edited(msgs[0] as Message, "stale", 2) });
    expect(room.message(1)?.text).toBe("one, edited");
    world.last().serverClose(1006);
    world.clock.advance(room.retryAt.value - world.clock.now);
    world.last().open();
    world.last().receive(
      welcome(user("Alice"), {
        messages: [edited(msgs[2] as Message, "three, edited", 5), message(4, "Bob", "4")],
        seq: 4,
        rev: 6,
      }),
    );
    expect(held(room)).toEqual([
      [1, "one, edited", 4],
      [2, "message 2", 2],
      [3, "three, edited", 5],
      [4, "4", 4],
    ]);
    // A page of older messages that holds seq 2 changed since, and seq 1 as before.
    const w2 = fakeWorld();
    const room2 = joinedRoom(
      w2,
      welcome(user("Alice"), { messages: [message(2, "Bob"), message(3, "Bob")], seq: 3 }),
    );
    w2.responses.push({
      status: 200,
      body: { messages: [message(1, "Bob"), edited(message(2, "Bob"), "two", 7)], more: false },
    });
    await room2.loadOlder();
    expect(held(room2)).toEqual([
      [1, "message 1", 1],
      [2, "two", 7],
      [3, "message 3", 3],
    ]);
  });

  it("keeps a deleted message as a tombstone in its place", () => {
    const { world, room, msgs } = room3();
    const { text: _, ...rest } = msgs[1] as Message;
    world.last().receive({
      type: "update",
      message: { ...rest, text: "", rev: 4, deleted: "author" },
    });
    const m = room.message(2);
    expect(m?.deleted).toBe("author");
    expect(m?.text).toBe("");
    expect(held(room).map(([seq]) => seq)).toEqual([1, 2, 3]);
  });

  it("leaves a catch-up or live message below the oldest held to paging back, so that nothing held has a hole", async () => {
    const world = fakeWorld();
    const room = joinedRoom(
      world,
      welcome(user("Alice"), { messages: [message(51, "Bob"), message(52, "Bob")], seq: 52 }),
    );
    expect(room.hasMore.value).toBe(true);
    // Away: seq 3 was reacted to, and 53 posted. The catch-up holds both.
    world.last().serverClose(1006);
    world.clock.advance(room.retryAt.value - world.clock.now);
    world.last().open();
    const reacted = message(3, "Bob", undefined, undefined, {
      rev: 54,
      reactions: [{ emoji: "👍", users: ["u-Carol"] }],
    });
    world
      .last()
      .receive(
        welcome(user("Alice"), { messages: [reacted, message(53, "Bob")], seq: 53, rev: 54 }),
      );
    // The room's answer to an old repeated id comes as a live message.
    world.last().receive({ type: "message", ...message(7, "Bob") });
    expect(held(room).map(([seq]) => seq)).toEqual([51, 52, 53]);
    expect(room.rev()).toBe(54);
    // Paging back brings both as they are now.
    world.responses.push({
      status: 200,
      body: {
        messages: [
          message(1, "Bob"),
          message(2, "Bob"),
          reacted,
          ...Array.from({ length: 47 }, (_, i) => message(4 + i, "Bob")),
        ],
        more: false,
      },
    });
    await room.loadOlder();
    expect(held(room).map(([seq]) => seq)).toEqual(Array.from({ length: 53 }, (_, i) => i + 1));
    expect(room.message(3)?.reactions).toEqual([{ emoji: "👍", users: ["u-Carol"] }]);
  });

  it("adds nothing below what it holds from a page asked for before the latest welcome", async () => {
    const world = fakeWorld();
    const range = (a: number, b: number) =>
      Array.from({ length: b - a + 1 }, (_, i) => message(a + i, "Bob"));
    const room = joinedRoom(world, welcome(user("Alice"), { messages: range(23, 72), seq: 72 }));
    const answers: Array<(v: HttpResponseLike) => void> = [];
    world.deps.fetch = (url) => {
      world.requests.push(url);
      return new Promise((r) => answers.push(r));
    };
    const page = (body: object): HttpResponseLike => ({
      ok: true,
      status: 200,
      json: async () => body,
    });
    // Read by the room before seq 1 was edited while this client was away.
    const loading = room.loadOlder();
    world.last().serverClose(1006);
    world.clock.advance(room.retryAt.value - world.clock.now);
    world.last().open();
    world
      .last()
      .receive(
        welcome(user("Alice"), { messages: range(102, 121), seq: 121, rev: 122, gap: true }),
      );
    answers[0]?.(page({ messages: range(1, 22), more: false }));
    await loading;
    expect(room.log.value[0]?.kind === "message" && room.log.value[0].message.seq).toBe(23);
    expect(room.hasMore.value).toBe(true);
    expect(room.loadingOlder.value).toBe(false);
    // The gap fill, asked for after the welcome, is fresh; so is the next page back.
    answers[1]?.(page({ messages: range(2, 101), more: true }));
    await flushPromises();
    expect(room.rev()).toBe(122);
    const again = room.loadOlder();
    answers[2]?.(page({ messages: [edited(message(1, "Bob"), "one", 122)], more: false }));
    await again;
    expect(held(room).slice(0, 2)).toEqual([
      [1, "one", 122],
      [2, "message 2", 2],
    ]);
  });

  it("applies an update that came while a page was on its way over that page", async () => {
    const world = fakeWorld();
    const room = joinedRoom(
      world,
      welcome(user("Alice"), { messages: [message(3, "Bob")], seq: 3 }),
    );
    // The page was read by the room before seq 2 was edited; the update came first.
    let answer: (v: HttpResponseLike) => void = () => {};
    world.deps.fetch = (url) => {
      world.requests.push(url);
      return new Promise((r) => {
        answer = r;
      });
    };
    const loading = room.loadOlder();
    world.last().receive({ type: "update", message: edited(message(2, "Bob"), "two", 4) });
    answer({
      ok: true,
      status: 200,
      json: async () => ({ messages: [message(1, "Bob"), message(2, "Bob")], more: false }),
    });
    await loading;
    expect(held(room)).toEqual([
      [1, "message 1", 1],
      [2, "two", 4],
      [3, "message 3", 3],
    ]);
  });
});

describe("an update is not news", () => {
  it("counts no unread and reports no mention for an update or a repeated message", () => {
    const world = fakeWorld();
    const mentioned: string[] = [];
    const room = joinedRoom(world, welcome(user("Alice"), { messages: [message(1, "Bob")] }), {
      onMention: (m) => mentioned.push(m.text),
    });
    room.setVisible(false);
    world
      .last()
      .receive({ type: "update", message: edited(message(1, "Bob"), "hey Alice, edited", 2) });
    world.last().receive({ type: "message", ...edited(message(1, "Bob"), "hey Alice, again", 3) });
    expect(room.unread.value).toBe(0);
    expect(mentioned).toEqual([]);
    expect(room.message(1)?.text).toBe("hey Alice, again");
    world.last().receive({ type: "message", ...message(2, "Bob", "Alice?") });
    expect(room.unread.value).toBe(1);
    expect(mentioned).toEqual(["Alice?"]);
  });
});

describe("batch frames", () => {
  it("handles the frames of a batch in order, as if they came one by one", () => {
    const world = fakeWorld();
    const room = joinedRoom(world);
    world.last().receive({
      type: "batch",
      frames: [
        { type: "joined", user: user("Bob") },
        { type: "message", ...message(1, "Bob", "hi") },
        { type: "update", message: edited(message(1, "Bob"), "hi!", 2) },
        { type: "message", ...message(2, "Bob", "there", "id-2-xxxxxxxxxxxxxx", { rev: 3 }) },
      ],
    });
    expect(room.users.value.map((u) => u.name)).toEqual(["Alice", "Bob"]);
    expect(held(room)).toEqual([
      [1, "hi!", 2],
      [2, "there", 3],
    ]);
    expect(room.rev()).toBe(3);
  });

  it("takes a user frame about you as your new state", async () => {
    const world = fakeWorld();
    const alice = user("Alice");
    const room = joinedRoom(world, welcome(alice));
    world.last().receive({ type: "user", user: { ...alice, role: "owner" } });
    expect(room.you.value?.role).toBe("owner");
    expect(room.users.value.find((u) => u.id === alice.id)?.role).toBe("owner");
    await flushPromises();
  });
});
