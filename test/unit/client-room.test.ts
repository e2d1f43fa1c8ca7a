// The client core's room model (client/room.ts) against a scripted server: join
// and names, delivery exactly once across reconnects and reloads, backoff,
// the ping watchdog, rate limits, history paging and gaps, typing, unread.
import { describe, expect, it } from "vitest";
import { mentions, PING_EVERY_MS, PONG_WITHIN_MS, type Room, RoomModel } from "../../client/room";
import { isMessageId } from "../../protocol";
import { BASE, fakeWorld, joinedRoom, message, openRoom, user, welcome } from "./client-fakes";

const base = BASE;
const open = openRoom;
const joined = joinedRoom;

const texts = (room: Room) =>
  room.log.value.map((e) => (e.kind === "message" ? e.message.text : `* ${e.what} ${e.name}`));

const flushPromises = () => new Promise((r) => setTimeout(r, 0));

describe("joining", () => {
  it("sends join first and shows the welcome", () => {
    const world = fakeWorld();
    const room = open(world);
    expect(world.last().url).toBe("ws://chat.test/api/rooms/lobby/ws");
    expect(room.status.value).toBe("connecting");
    world.last().open();
    expect(world.last().frames()).toEqual([{ type: "join", name: "Alice", v: 2 }]);
    const alice = user("Alice");
    const bob = user("Bob");
    world.last().receive(
      welcome(alice, {
        users: [bob, alice],
        messages: [message(1, "Bob", "hi")],
      }),
    );
    expect(room.status.value).toBe("connected");
    expect(room.users.value.map((u) => u.name)).toEqual(["Alice", "Bob"]);
    expect(texts(room)).toEqual(["hi"]);
    expect(world.session.getItem("roomchat:token:lobby")).toBe("tok-1");
    expect(world.local.getItem("roomchat:name")).toBe("Alice");
  });

  it("joins again on the same socket when the address's join bucket says when", () => {
    const world = fakeWorld();
    const room = open(world);
    world.last().open();
    world.last().receive({
      type: "error",
      code: "rate_limited",
      message: "Too many joins",
      retryAfterMs: 2000,
    });
    expect(world.last().framesOf("join")).toHaveLength(1);
    world.clock.advance(1999);
    expect(world.last().framesOf("join")).toHaveLength(1);
    world.clock.advance(1);
    expect(world.last().framesOf("join")).toHaveLength(2);
    expect(world.sockets).toHaveLength(1);
    world.last().receive(welcome(user("Alice")));
    expect(room.status.value).toBe("connected");
  });

  it("stops and says why on too_many_sessions", () => {
    const world = fakeWorld();
    const room = open(world);
    world.last().open();
    world.last().receive({ type: "error", code: "too_many_sessions", message: "too many" });
    expect(room.ended.value).toBe("too_many_sessions");
    world.clock.advance(120_000);
    expect(world.sockets).toHaveLength(1);
  });

  it("asks for another name on name_taken, on the same socket", () => {
    const world = fakeWorld();
    const room = open(world);
    world.last().open();
    world.last().receive({ type: "error", code: "name_taken", message: "taken" });
    expect(room.nameError.value).toBe("name_taken");
    expect(room.join("Alice2")).toBe(true);
    expect(world.sockets).toHaveLength(1);
    expect(
      world
        .last()
        .framesOf("join")
        .map((f) => f.name),
    ).toEqual(["Alice", "Alice2"]);
    world.last().receive(welcome(user("Alice2")));
    expect(room.nameError.value).toBeNull();
    expect(room.you.value?.name).toBe("Alice2");
  });

  it("refuses an invalid name locally", () => {
    const world = fakeWorld();
    const room = new RoomModel(world.deps, { room: "lobby", base });
    room.start();
    expect(world.sockets).toHaveLength(0);
    expect(room.join("   ")).toBe(false);
    expect(room.nameError.value).toBe("name_invalid");
    expect(room.join(" Zoë ")).toBe(true);
    world.last().open();
    expect(world.last().framesOf("join")[0]?.name).toBe("Zoë");
  });

  it("keeps the joins and leaves of others as system lines", () => {
    const world = fakeWorld();
    const room = joined(world);
    const bob = user("Bob");
    world.last().receive({ type: "joined", user: bob });
    world.last().receive({ type: "away", user: { ...bob, away: true } });
    expect(room.users.value.find((u) => u.name === "Bob")?.away).toBe(true);
    expect(room.online.value).toBe(1);
    world.last().receive({ type: "back", user: bob });
    world.last().receive({ type: "left", user: bob, reason: "disconnect" });
    expect(texts(room)).toEqual(["* joined Bob", "* disconnected Bob"]);
    expect(room.users.value.map((u) => u.name)).toEqual(["Alice"]);
  });
});

describe("sending", () => {
  it("keeps a send pending until its message comes back", () => {
    const world = fakeWorld();
    const room = joined(world);
    expect(room.send("hello\nworld")).toEqual({ ok: true });
    const [frame] = world.last().framesOf("send");
    expect(frame?.text).toBe("hello\nworld");
    expect(isMessageId(frame?.id)).toBe(true);
    expect(room.pending.value.map((p) => p.status)).toEqual(["sending"]);
    world.last().receive({
      type: "message",
      ...message(1, "Alice", "hello\nworld", frame?.id as string),
      user: { id: "u-Alice", name: "Alice" },
    });
    expect(room.pending.value).toEqual([]);
    const entry = room.log.value[0];
    expect(entry?.kind === "message" && entry.mine).toBe(true);
    expect(world.local.getItem("roomchat:pending:lobby")).toBeNull();
  });

  it("drops a message whose seq it already has", () => {
    const world = fakeWorld();
    const room = joined(world, welcome(user("Alice"), { messages: [message(1, "Bob")] }));
    world.last().receive({ type: "message", ...message(1, "Bob") });
    world.last().receive({ type: "message", ...message(2, "Bob") });
    world.last().receive({ type: "message", ...message(2, "Bob") });
    expect(texts(room)).toEqual(["message 1", "message 2"]);
  });

  it("counts error duplicate as delivered", () => {
    const world = fakeWorld();
    const room = joined(world);
    room.send("once");
    const id = world.last().framesOf("send")[0]?.id;
    world.last().receive({ type: "error", code: "duplicate", message: "dup", id });
    expect(room.pending.value).toEqual([]);
  });

  it("refuses blank and overlong text before sending", () => {
    const world = fakeWorld();
    const room = joined(world);
    expect(room.send("  \n ")).toEqual({ ok: false, reason: "empty" });
    expect(room.send("x".repeat(4001))).toEqual({ ok: false, reason: "too_long" });
    expect(room.send("x".repeat(4000)).ok).toBe(true);
    expect(world.last().framesOf("send")).toHaveLength(1);
  });

  it("marks a send refused for its text as failed, and can discard it", () => {
    const world = fakeWorld();
    // A room that says 10 000 and refuses 5 000 anyway: the client takes its word for the limit.
    const room = joined(world, welcome(user("Alice"), { limits: { MAX_TEXT: 10_000 } }));
    room.send("y".repeat(5000));
    const id = world.last().framesOf("send")[0]?.id as string;
    world.last().receive({ type: "error", code: "text_invalid", message: "too long", id });
    expect(room.pending.value[0]?.status).toBe("failed");
    room.discard(id);
    expect(room.pending.value).toEqual([]);
  });

  it("waits out rate_limited and sends again with the same id", () => {
    const world = fakeWorld();
    const room = joined(world);
    room.send("one");
    const id = world.last().framesOf("send")[0]?.id;
    world.last().receive({
      type: "error",
      code: "rate_limited",
      message: "slow down",
      id,
      retryAfterMs: 1500,
    });
    expect(room.rateUntil.value).toBe(world.clock.now + 1500);
    expect(room.pending.value[0]?.status).toBe("waiting");
    // A send during the wait queues behind it.
    room.send("two");
    expect(world.last().framesOf("send")).toHaveLength(1);
    world.clock.advance(1500);
    expect(room.rateUntil.value).toBe(0);
    // "one" goes again; "two" waits until the room has answered it, so that
    // a token coming back cannot let "two" in before "one".
    expect(
      world
        .last()
        .framesOf("send")
        .map((f) => [f.id === id, f.text]),
    ).toEqual([
      [true, "one"],
      [true, "one"],
    ]);
    world.last().receive({
      type: "message",
      ...message(1, "Alice", "one", id as string),
      user: { id: "u-Alice", name: "Alice" },
    });
    expect(
      world
        .last()
        .framesOf("send")
        .map((f) => [f.id === id, f.text]),
    ).toEqual([
      [true, "one"],
      [true, "one"],
      [false, "two"],
    ]);
  });

  it("writes one send at a time, each after the room answered the one before", () => {
    const world = fakeWorld();
    const room = joined(world);
    room.send("a");
    room.send("b");
    room.send("c");
    const texts = () =>
      world
        .last()
        .framesOf("send")
        .map((f) => f.text);
    expect(texts()).toEqual(["a"]);
    expect(room.pending.value.map((p) => p.text)).toEqual(["a", "b", "c"]);
    const [a] = world.last().framesOf("send");
    // Refused for good: the next goes at once.
    world.last().receive({ type: "error", code: "text_invalid", message: "no", id: a?.id });
    expect(texts()).toEqual(["a", "b"]);
    const b = world.last().framesOf("send")[1];
    world.last().receive({
      type: "message",
      ...message(1, "Alice", "b", b?.id as string),
      user: { id: "u-Alice", name: "Alice" },
    });
    expect(texts()).toEqual(["a", "b", "c"]);
    // A refusal with any other code settles the send too, and is said.
    const c = world.last().framesOf("send")[2];
    world.last().receive({ type: "error", code: "forbidden", message: "no", id: c?.id });
    expect(room.pending.value.map((p) => [p.text, p.status])).toEqual([
      ["a", "failed"],
      ["c", "failed"],
    ]);
    // "d" goes at once, as nothing is in flight; "e" waits behind it.
    room.send("d");
    room.send("e");
    expect(texts()).toEqual(["a", "b", "c", "d"]);
  });

  it("leaves on quit() and /quit, without reconnecting", () => {
    for (const command of ["quit()", "  quit()  ", "/quit"]) {
      const world = fakeWorld();
      const room = joined(world);
      expect(room.send(command)).toEqual({ ok: true, quit: true });
      expect(world.last().framesOf("leave")).toHaveLength(1);
      expect(world.last().framesOf("send")).toHaveLength(0);
      expect(room.ended.value).toBe("left");
      world.clock.advance(60_000);
      expect(world.sockets).toHaveLength(1);
      expect(world.session.getItem("roomchat:token:lobby")).toBeNull();
    }
  });
});

describe("reconnecting", () => {
  it("resumes with token and since, and sends pending messages again with the same id", () => {
    const world = fakeWorld();
    const room = joined(world, welcome(user("Alice"), { messages: [message(1, "Bob")] }));
    const first = world.last();
    first.serverClose(1006);
    expect(room.status.value).toBe("waiting");
    // Typed and sent while offline: kept, not lost.
    room.send("offline words");
    const [pending] = room.pending.value;
    expect(pending?.status).toBe("sending");
    world.clock.advance(room.retryAt.value - world.clock.now);
    expect(world.sockets).toHaveLength(2);
    world.last().open();
    expect(world.last().framesOf("join")).toEqual([
      { type: "join", name: "Alice", v: 2, since: 1, token: "tok-1" },
    ]);
    world.last().receive(welcome(user("Alice"), { messages: [message(2, "Bob")], seq: 2 }));
    expect(world.last().framesOf("send")).toEqual([
      { type: "send", id: pending?.id, text: "offline words" },
    ]);
    world.last().receive({ type: "message", ...message(3, "Alice", "offline words", pending?.id) });
    world.last().receive({ type: "message", ...message(3, "Alice", "offline words", pending?.id) });
    expect(texts(room)).toEqual(["message 1", "message 2", "offline words"]);
    expect(room.pending.value).toEqual([]);
  });

  it("keeps unconfirmed sends across a reload", () => {
    const world = fakeWorld();
    const room = joined(world);
    room.send("before reload");
    const id = world.last().framesOf("send")[0]?.id;
    room.close();
    // A new page in the same browser: same localStorage and sessionStorage.
    const again = fakeWorld({ local: world.local, session: world.session, clock: world.clock });
    const room2 = open(again);
    expect(room2.pending.value.map((p) => p.text)).toEqual(["before reload"]);
    again.last().open();
    expect(again.last().framesOf("join")[0]?.token).toBe("tok-1");
    again.last().receive(welcome(user("Alice")));
    expect(again.last().framesOf("send")).toEqual([{ type: "send", id, text: "before reload" }]);
    // The welcome of the next reload already holds it: confirmed without a send.
    const third = fakeWorld({ local: world.local, session: world.session, clock: world.clock });
    const room3 = open(third);
    third.last().open();
    third
      .last()
      .receive(
        welcome(user("Alice"), { messages: [message(1, "Alice", "before reload", id as string)] }),
      );
    expect(room3.pending.value).toEqual([]);
    expect(third.last().framesOf("send")).toEqual([]);
  });

  it("backs off exponentially with full jitter and resets after a welcome", () => {
    const world = fakeWorld();
    world.randomValue.value = 0.999;
    const room = open(world, { backoff: { baseMs: 100, capMs: 1000 } });
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      world.last().serverClose(1006);
      delays.push(room.retryAt.value - world.clock.now);
      world.clock.advance(room.retryAt.value - world.clock.now);
    }
    expect(delays).toEqual([99, 199, 399, 799, 999, 999]);
    world.last().open();
    world.last().receive(welcome(user("Alice")));
    world.last().serverClose(1006);
    expect(room.retryAt.value - world.clock.now).toBe(99);
  });

  it("reconnects at once when the browser comes online or the tab becomes visible", () => {
    const world = fakeWorld();
    world.randomValue.value = 0.99;
    const room = joined(world, welcome(user("Alice")), {
      backoff: { baseMs: 10_000, capMs: 10_000 },
    });
    room.setOnline(false);
    world.last().serverClose(1006);
    expect(room.status.value).toBe("offline");
    world.clock.advance(9_000);
    expect(world.sockets).toHaveLength(1);
    room.setOnline(true);
    expect(world.sockets).toHaveLength(2);
    world.last().serverClose(1006);
    expect(room.status.value).toBe("waiting");
    room.setVisible(true);
    expect(world.sockets).toHaveLength(3);
  });

  it("still tries now and then while the browser says it is offline", () => {
    const world = fakeWorld();
    const room = joined(world, welcome(user("Alice")), { backoff: { baseMs: 100, capMs: 5_000 } });
    room.setOnline(false);
    world.last().serverClose(1006);
    expect(room.status.value).toBe("offline");
    world.clock.advance(5_000);
    expect(world.sockets).toHaveLength(2);
    expect(room.status.value).toBe("connecting");
    world.last().open();
    world.last().receive(welcome(user("Alice")));
    expect(room.status.value).toBe("connected");
  });

  it("pings every 25 s and reconnects when no pong comes within 10 s", () => {
    const world = fakeWorld();
    joined(world);
    const first = world.last();
    world.clock.advance(PING_EVERY_MS);
    expect(first.sent.at(-1)).toBe("ping");
    first.receive("pong");
    world.clock.advance(PING_EVERY_MS);
    expect(first.sent.filter((s) => s === "ping")).toHaveLength(2);
    world.clock.advance(PONG_WITHIN_MS);
    expect(first.closed).not.toBeNull();
    world.clock.advance(1000);
    expect(world.sockets).toHaveLength(2);
  });

  it("stops on close 4000 (taken over by another tab) until asked", () => {
    const world = fakeWorld();
    const room = joined(world);
    world.last().serverClose(4000);
    expect(room.ended.value).toBe("taken_over");
    world.clock.advance(120_000);
    expect(world.sockets).toHaveLength(1);
    room.reclaim();
    expect(world.sockets).toHaveLength(2);
  });

  it("fills a gap by paging back", async () => {
    const world = fakeWorld();
    const room = joined(world, welcome(user("Alice"), { messages: [message(1, "Bob")] }));
    world.last().serverClose(1006);
    world.clock.advance(room.retryAt.value - world.clock.now);
    world.last().open();
    // Messages 2..250 were posted meanwhile; the welcome carries 51..250.
    // The page before 51 brings 2..50 and says there is nothing older: the
    // room has pruned seq 1 meanwhile (the client keeps what it holds).
    const catchUp = Array.from({ length: 200 }, (_, i) => message(51 + i, "Bob"));
    world.responses.push({
      status: 200,
      body: { messages: Array.from({ length: 49 }, (_, i) => message(2 + i, "Bob")), more: false },
    });
    world.last().receive(welcome(user("Alice"), { messages: catchUp, seq: 250, gap: true }));
    await flushPromises();
    expect(world.requests).toEqual([`${base}/api/rooms/lobby/messages?before=51&limit=100`]);
    const seqs = room.log.value.map((e) => (e.kind === "message" ? e.message.seq : 0));
    expect(seqs).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
  });
});

describe("history", () => {
  it("loads older messages when asked, until there are no more", async () => {
    const world = fakeWorld();
    const room = joined(
      world,
      welcome(user("Alice"), { messages: [message(51, "Bob"), message(52, "Bob")], seq: 52 }),
    );
    expect(room.hasMore.value).toBe(true);
    world.responses.push({
      status: 200,
      body: { messages: Array.from({ length: 50 }, (_, i) => message(1 + i, "Bob")), more: false },
    });
    await room.loadOlder();
    expect(world.requests).toEqual([`${base}/api/rooms/lobby/messages?before=51&limit=50`]);
    expect(room.log.value).toHaveLength(52);
    expect(room.hasMore.value).toBe(false);
  });

  it("tells the user when history cannot be loaded", async () => {
    const world = fakeWorld();
    const room = joined(world, welcome(user("Alice"), { messages: [message(9, "Bob")], seq: 9 }));
    world.responses.push({ status: 500, body: {} });
    await room.loadOlder();
    expect(room.notice.value).toEqual({ kind: "history_failed" });
    expect(room.hasMore.value).toBe(true);
  });
});

describe("typing, unread and mentions", () => {
  it("sends typing at most every 2 s", () => {
    const world = fakeWorld();
    const room = joined(world);
    room.typing();
    room.typing();
    world.clock.advance(1999);
    room.typing();
    world.clock.advance(1);
    room.typing();
    expect(world.last().framesOf("typing")).toHaveLength(2);
  });

  it("shows who is typing for a few seconds, and not after their message", () => {
    const world = fakeWorld();
    const room = joined(world);
    world.last().receive({ type: "typing", user: { id: "u-Bob", name: "Bob" } });
    expect(room.typingNames.value).toEqual(["Bob"]);
    world.last().receive({ type: "message", ...message(1, "Bob") });
    expect(room.typingNames.value).toEqual([]);
    world.last().receive({ type: "typing", user: { id: "u-Carol", name: "Carol" } });
    world.clock.advance(5000);
    expect(room.typingNames.value).toEqual([]);
  });

  it("counts unread messages while hidden, not joins and leaves", () => {
    const world = fakeWorld();
    const room = joined(world);
    room.setVisible(false);
    world.last().receive({ type: "joined", user: user("Bob") });
    world.last().receive({ type: "message", ...message(1, "Bob") });
    world.last().receive({ type: "message", ...message(2, "Bob") });
    expect(room.unread.value).toBe(2);
    room.setVisible(true);
    expect(room.unread.value).toBe(0);
  });

  it("reports live messages that mention you", () => {
    const world = fakeWorld();
    const seen: string[] = [];
    joined(world, welcome(user("Alice")), { onMention: (m) => seen.push(m.text) });
    world.last().receive({ type: "message", ...message(1, "Bob", "hey alice!") });
    world.last().receive({ type: "message", ...message(2, "Bob", "malice") });
    expect(seen).toEqual(["hey alice!"]);
    expect(mentions("你好Alice吗", "alice")).toBe(true);
    expect(mentions("Alice2 is here", "Alice")).toBe(false);
  });
});
