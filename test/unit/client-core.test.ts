// What the client core adds beyond the page's model: the events it reports
// to an observer (how each send was acknowledged, sends written again,
// dropped and late messages, gaps and pages), `echoOnly`, a send with a
// given id, and the open timeout as an option. The fault tests and the soak
// count from these events, so they must say what the core really did.
import { describe, expect, it } from "vitest";
import type { ClientEvent } from "../../client/events";
import { type Room, RoomModel, type RoomOptions } from "../../client/room";
import type { Limits } from "../../protocol";
import { type FakeWorld, fakeWorld, joinedRoom, message, user, welcome } from "./client-fakes";

function observed(options: Partial<RoomOptions> = {}, limits: Partial<Limits> = {}) {
  const world = fakeWorld();
  const events: ClientEvent[] = [];
  world.deps.observe = (e) => events.push(e);
  const room = joinedRoom(
    world,
    welcome(user("Alice"), { messages: [message(1, "Bob")], seq: 1, limits }),
    options,
  );
  return { world, room, events };
}

const ofType = <T extends ClientEvent["type"]>(events: ClientEvent[], type: T) =>
  events.filter((e): e is Extract<ClientEvent, { type: T }> => e.type === type);

function reconnect(world: FakeWorld, room: Room, w: object) {
  world.last().serverClose(1006);
  world.clock.advance(room.retryAt.value - world.clock.now);
  world.last().open();
  world.last().receive(w);
}

describe("the observer", () => {
  it("reports an echo, and a send written again after a reconnect", () => {
    const { world, room, events } = observed();
    const id = "AAAAAAAAAAAAAAAAAAAAAA";
    expect(room.send("hello", id)).toEqual({ ok: true });
    expect(world.last().framesOf("send")).toEqual([{ type: "send", id, text: "hello" }]);
    expect(ofType(events, "written")).toEqual([{ type: "written", id, again: false }]);
    reconnect(world, room, welcome(user("Alice"), { messages: [], seq: 1 }));
    expect(ofType(events, "written").at(-1)).toEqual({ type: "written", id, again: true });
    world.last().receive({ type: "message", ...message(2, "Alice", "hello", id) });
    expect(ofType(events, "acknowledged")).toEqual([
      { type: "acknowledged", id, seq: 2, by: "echo" },
    ]);
    expect(room.pending.value).toEqual([]);
  });

  it("reports a send found in a welcome's catch-up", () => {
    const { world, room, events } = observed();
    room.send("lost echo");
    const id = world.last().framesOf("send")[0]?.id as string;
    reconnect(
      world,
      room,
      welcome(user("Alice"), { messages: [message(2, "Alice", "lost echo", id)], seq: 2 }),
    );
    expect(ofType(events, "acknowledged")).toEqual([
      { type: "acknowledged", id, seq: 2, by: "catch-up" },
    ]);
    // Confirmed before the flush: not written again.
    expect(world.last().framesOf("send")).toEqual([]);
  });

  it("reports `error duplicate` with the seq the log holds, or 0", () => {
    const { world, room, events } = observed();
    room.send("once");
    const id = world.last().framesOf("send")[0]?.id as string;
    world.last().receive({ type: "error", code: "duplicate", message: "dup", id });
    expect(ofType(events, "acknowledged")).toEqual([
      { type: "acknowledged", id, seq: 0, by: "duplicate" },
    ]);
  });

  it("reports queued sends, refusals, dropped and late messages, closes and pongs", () => {
    // The room says 10 000 and refuses 5 000 anyway.
    const { world, room, events } = observed({}, { MAX_TEXT: 10_000 });
    world.last().receive({ type: "message", ...message(1, "Bob") });
    expect(ofType(events, "dropped")).toEqual([{ type: "dropped", seq: 1 }]);
    world.last().receive({ type: "message", ...message(5, "Bob") });
    world.last().receive({ type: "message", ...message(3, "Bob") });
    expect(ofType(events, "out-of-order")).toEqual([{ type: "out-of-order", seq: 3 }]);
    room.send("y".repeat(5000));
    const id = world.last().framesOf("send")[0]?.id as string;
    world.last().receive({ type: "error", code: "text_invalid", message: "too long", id });
    expect(ofType(events, "refused")).toEqual([{ type: "refused", id, code: "text_invalid" }]);
    world.last().serverClose(1006);
    expect(ofType(events, "closed")).toEqual([{ type: "closed", code: 1006 }]);
    const queued = room.send("while away");
    expect(queued.ok).toBe(true);
    expect(ofType(events, "queued")).toHaveLength(1);
    world.clock.advance(room.retryAt.value - world.clock.now);
    expect(ofType(events, "connecting")).toHaveLength(2);
    world.last().open();
    room.wake();
    world.last().receive(welcome(user("Alice"), { seq: 5 }));
    room.wake();
    world.last().receive("pong");
    expect(ofType(events, "pong")).toHaveLength(1);
  });

  it("reports a gap and the pages that fill it", async () => {
    const { world, room, events } = observed();
    // Nothing older than 2 is retained: the fill ends there.
    world.responses.push({
      status: 200,
      body: { messages: [message(2, "Bob"), message(3, "Bob")], more: false },
    });
    reconnect(
      world,
      room,
      welcome(user("Alice"), { messages: [message(4, "Bob")], seq: 4, gap: true }),
    );
    await new Promise((r) => setTimeout(r, 0));
    expect(ofType(events, "gap")).toEqual([{ type: "gap", after: 1, before: 4 }]);
    expect(ofType(events, "page")).toEqual([{ type: "page", before: 4, count: 2 }]);
    expect(room.latestSeq()).toBe(4);
  });
});

describe("echoOnly", () => {
  it("writes a send again whatever the welcome holds; the room's answer confirms it", () => {
    const { world, room, events } = observed({ echoOnly: true });
    room.send("lost echo");
    const id = world.last().framesOf("send")[0]?.id as string;
    reconnect(
      world,
      room,
      welcome(user("Alice"), { messages: [message(2, "Alice", "lost echo", id)], seq: 2 }),
    );
    expect(room.pending.value.map((p) => p.id)).toEqual([id]);
    expect(world.last().framesOf("send")).toEqual([{ type: "send", id, text: "lost echo" }]);
    // The room answers the repeated id with the stored message, already shown.
    world.last().receive({ type: "message", ...message(2, "Alice", "lost echo", id) });
    expect(room.pending.value).toEqual([]);
    expect(ofType(events, "acknowledged")).toEqual([
      { type: "acknowledged", id, seq: 2, by: "repeat" },
    ]);
    const seqs = room.log.value.flatMap((e) => (e.kind === "message" ? [e.message.seq] : []));
    expect(seqs).toEqual([1, 2]);
  });
});

describe("options", () => {
  it("gives up on a socket that does not open within openWithinMs", () => {
    const world = fakeWorld();
    const room = new RoomModel(world.deps, {
      room: "lobby",
      base: "http://x",
      name: "Alice",
      openWithinMs: 500,
    });
    room.start();
    world.clock.advance(499);
    expect(world.last().closed).toBeNull();
    world.clock.advance(1);
    expect(world.last().closed).not.toBeNull();
    expect(room.status.value).toBe("waiting");
  });
});
