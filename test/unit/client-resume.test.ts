// The client core's resume point and limits (protocol v2): the join always
// says `v: 2`, and after the first welcome `since` is the highest rev seen,
// not the newest seq; after a welcome with `gap` the client pages back from
// the catch-up down to the oldest message it holds, replacing what it holds,
// and only then moves its resume point up, so that a fill that fails is asked
// for again (and retried on the next welcome). The limits are the latest
// welcome's, and the outbox checks texts against them.
import { describe, expect, it } from "vitest";
import type { HttpResponseLike } from "../../client/deps";
import type { Room } from "../../client/room";
import { DEFAULT_LIMITS, type Message } from "../../protocol";
import {
  BASE,
  type FakeWorld,
  fakeWorld,
  joinedRoom,
  limits,
  message,
  openRoom,
  user,
  welcome,
} from "./client-fakes";

const flushPromises = () => new Promise((r) => setTimeout(r, 0));

function reconnect(world: FakeWorld, room: Room) {
  world.last().serverClose(1006);
  world.clock.advance(room.retryAt.value - world.clock.now);
  world.last().open();
  return world.last().framesOf("join")[0];
}

/** Fetches answered by hand: each request waits until the test answers it. */
function manualFetch(world: FakeWorld) {
  const waiting: Array<{ url: string; answer: (status: number, body: unknown) => void }> = [];
  world.deps.fetch = (url) => {
    world.requests.push(url);
    return new Promise<HttpResponseLike>((resolve) => {
      waiting.push({
        url,
        answer: (status, body) => resolve({ ok: status < 300, status, json: async () => body }),
      });
    });
  };
  return waiting;
}

const pageUrl = (before: number) => `${BASE}/api/rooms/lobby/messages?before=${before}&limit=100`;
const range = (from: number, to: number, extra: Partial<Message> = {}) =>
  Array.from({ length: to - from + 1 }, (_, i) =>
    message(from + i, "Bob", undefined, undefined, extra),
  );

describe("the join", () => {
  it("says v: 2 always, and since = the highest rev seen after the first welcome", () => {
    const world = fakeWorld();
    const room = openRoom(world);
    world.last().open();
    expect(world.last().framesOf("join")).toEqual([{ type: "join", name: "Alice", v: 2 }]);
    expect(room.rev()).toBe(0);
    // Five messages, two of them changed since: the room's rev is 7.
    world.last().receive(
      welcome(user("Alice"), {
        messages: [...range(1, 4), message(5, "Bob", "five", undefined, { rev: 7 })],
        seq: 5,
        rev: 7,
      }),
    );
    expect(room.rev()).toBe(7);
    expect(room.latestSeq()).toBe(5);
    world.last().receive({ type: "message", ...message(6, "Bob", "six", undefined, { rev: 8 }) });
    world.last().receive({
      type: "update",
      message: { ...message(2, "Bob"), text: "two", rev: 9, editedAt: 1 },
    });
    expect(room.rev()).toBe(9);
    // An update for a message not held still moves the resume point: the
    // client does not hold that part, and paging back brings it as it is.
    world.last().receive({ type: "update", message: { ...message(1, "Carol"), seq: 0, rev: 10 } });
    expect(room.rev()).toBe(10);
    expect(reconnect(world, room)).toEqual({
      type: "join",
      name: "Alice",
      v: 2,
      since: 10,
      token: "tok-1",
    });
  });
});

describe("a welcome's gap", () => {
  it("pages back from the catch-up to the oldest message held, and only then moves the resume point", async () => {
    const world = fakeWorld();
    const room = joinedRoom(world, welcome(user("Alice"), { messages: range(1, 3), seq: 3 }));
    expect(room.rev()).toBe(3);
    const waiting = manualFetch(world);
    reconnect(world, room);
    // 250 more messages, and seq 2 edited at rev 260: the catch-up holds the
    // 200 with the highest seq, 54..253, so 2 and 4..53 come from pages.
    world
      .last()
      .receive(welcome(user("Alice"), { messages: range(54, 253), seq: 253, rev: 260, gap: true }));
    expect(room.rev()).toBe(3);
    expect(waiting.map((w) => w.url)).toEqual([pageUrl(54)]);
    // A live change meanwhile does not move it either.
    world
      .last()
      .receive({ type: "message", ...message(254, "Bob", "new", undefined, { rev: 261 }) });
    expect(room.rev()).toBe(3);
    waiting[0]?.answer(200, { messages: range(4, 53), more: true });
    await flushPromises();
    expect(waiting.map((w) => w.url)).toEqual([pageUrl(54), pageUrl(4)]);
    expect(room.rev()).toBe(3);
    waiting[1]?.answer(200, {
      messages: [
        message(1, "Bob"),
        { ...message(2, "Bob"), text: "edited", rev: 260 },
        message(3, "Bob"),
      ],
      more: false,
    });
    await flushPromises();
    expect(room.message(2)?.text).toBe("edited");
    expect(room.log.value.map((e) => (e.kind === "message" ? e.message.seq : 0))).toEqual(
      Array.from({ length: 254 }, (_, i) => i + 1),
    );
    expect(room.rev()).toBe(261);
    expect(reconnect(world, room)?.since).toBe(261);
  });

  it("stops at the oldest message held even when the room has older ones", async () => {
    const world = fakeWorld();
    const room = joinedRoom(world, welcome(user("Alice"), { messages: range(101, 103), seq: 103 }));
    world.responses.push({ status: 200, body: { messages: range(5, 104), more: true } });
    reconnect(world, room);
    world
      .last()
      .receive(welcome(user("Alice"), { messages: range(105, 304), seq: 304, gap: true }));
    await flushPromises();
    expect(world.requests).toEqual([pageUrl(105)]);
    expect(room.rev()).toBe(304);
    // The page went below what was held (5..100): kept, as any page is.
    expect(room.latestSeq()).toBe(304);
  });

  it("knows there is nothing older to load when a fill's last page says so", async () => {
    const world = fakeWorld();
    const room = joinedRoom(world, welcome(user("Alice"), { messages: range(101, 103), seq: 103 }));
    expect(room.hasMore.value).toBe(true);
    world.responses.push({ status: 200, body: { messages: range(60, 104), more: false } });
    reconnect(world, room);
    world
      .last()
      .receive(welcome(user("Alice"), { messages: range(105, 304), seq: 304, gap: true }));
    await flushPromises();
    expect(room.hasMore.value).toBe(false);
  });

  it("keeps the old resume point when the fill fails, and fills again on the next welcome", async () => {
    const world = fakeWorld();
    const room = joinedRoom(world, welcome(user("Alice"), { messages: range(1, 3), seq: 3 }));
    world.responses.push({ status: 500, body: {} });
    reconnect(world, room);
    world
      .last()
      .receive(welcome(user("Alice"), { messages: range(4, 203), seq: 203, rev: 210, gap: true }));
    await flushPromises();
    expect(room.notice.value).toEqual({ kind: "history_failed" });
    expect(room.rev()).toBe(3);
    // The next join asks from the old point again; this welcome says no gap,
    // but the fill still owed is made.
    expect(reconnect(world, room)?.since).toBe(3);
    world.responses.push({
      status: 200,
      body: { messages: [{ ...message(1, "Bob"), text: "one", rev: 205 }], more: false },
    });
    world.last().receive(welcome(user("Alice"), { messages: range(4, 203), seq: 203, rev: 210 }));
    expect(room.rev()).toBe(3);
    await flushPromises();
    expect(world.requests).toEqual([pageUrl(4), pageUrl(4)]);
    expect(room.message(1)?.text).toBe("one");
    expect(room.rev()).toBe(210);
  });

  it("lets only the latest welcome's fill move the resume point", async () => {
    const world = fakeWorld();
    const room = joinedRoom(world, welcome(user("Alice"), { messages: range(1, 3), seq: 3 }));
    const waiting = manualFetch(world);
    reconnect(world, room);
    world.last().receive(welcome(user("Alice"), { messages: range(10, 209), seq: 209, gap: true }));
    // Cut again before the first fill ends; the second welcome has its own gap.
    reconnect(world, room);
    world.last().receive(welcome(user("Alice"), { messages: range(20, 219), seq: 219, gap: true }));
    expect(waiting.map((w) => w.url)).toEqual([pageUrl(10), pageUrl(20)]);
    waiting[0]?.answer(200, { messages: range(1, 9), more: false });
    await flushPromises();
    expect(room.rev()).toBe(3);
    waiting[1]?.answer(200, { messages: range(1, 19), more: false });
    await flushPromises();
    expect(room.rev()).toBe(219);
  });
});

describe("limits", () => {
  it("holds the defaults (and the options' maxText, maxFrame) before a welcome, then the welcome's", () => {
    const world = fakeWorld();
    const room = openRoom(world, { maxText: 100 });
    expect(room.limits.value).toEqual({
      MAX_TEXT: 100,
      MAX_FRAME: DEFAULT_LIMITS.MAX_FRAME,
      MAX_CIPHERTEXT: DEFAULT_LIMITS.MAX_CIPHERTEXT,
      RATE_BURST: DEFAULT_LIMITS.RATE_BURST,
      RATE_PER_SEC: DEFAULT_LIMITS.RATE_PER_SEC,
      EDIT_WINDOW_MS: DEFAULT_LIMITS.EDIT_WINDOW_MS,
      HISTORY_LIMIT: DEFAULT_LIMITS.HISTORY_LIMIT,
      RESUME_GRACE_MS: DEFAULT_LIMITS.RESUME_GRACE_MS,
    });
    expect(room.send("x".repeat(101))).toEqual({ ok: false, reason: "too_long" });
    world.last().open();
    world
      .last()
      .receive(welcome(user("Alice"), { limits: { MAX_TEXT: 20, EDIT_WINDOW_MS: 60_000 } }));
    expect(room.limits.value).toEqual(limits({ MAX_TEXT: 20, EDIT_WINDOW_MS: 60_000 }));
    expect(room.send("x".repeat(21))).toEqual({ ok: false, reason: "too_long" });
    expect(room.send("x".repeat(20))).toEqual({ ok: true });
  });

  it("checks the frame's size against the welcome's MAX_FRAME", () => {
    const world = fakeWorld();
    const room = joinedRoom(world, welcome(user("Alice"), { limits: { MAX_FRAME: 200 } }));
    expect(room.send("y".repeat(150))).toEqual({ ok: false, reason: "too_big" });
    expect(room.send("y".repeat(100))).toEqual({ ok: true });
    expect(world.last().framesOf("send")).toHaveLength(1);
  });

  it("keeps what it holds for a limit a welcome leaves out or gives as no number", () => {
    const world = fakeWorld();
    const room = openRoom(world);
    world.last().open();
    const w = welcome(user("Alice"), { limits: { MAX_TEXT: 50 } });
    const given: Record<string, unknown> = { ...w.limits, HISTORY_LIMIT: "lots" };
    delete given.EDIT_WINDOW_MS;
    world.last().receive({ ...w, limits: given });
    expect(room.limits.value.MAX_TEXT).toBe(50);
    expect(room.limits.value.HISTORY_LIMIT).toBe(DEFAULT_LIMITS.HISTORY_LIMIT);
    expect(room.limits.value.EDIT_WINDOW_MS).toBe(DEFAULT_LIMITS.EDIT_WINDOW_MS);
  });
});
