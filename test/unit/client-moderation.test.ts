// The client core's side of owners and moderation (protocol v2, issue 14):
// the owner key sent with every join (and no longer after a `forbidden`),
// settings and bans from the welcome and their frames, roles, mutes and trips
// from `user` frames, a muted send waiting like a rate limit, slow mode's
// countdown, kicks and bans in the log, the end on 4002, 4003 and
// `room_locked` with no reconnect (a ban's end, from its 4003, kept across
// reloads), the owners' frames (written only when
// welcomed, by an owner, with arguments the room takes), and the ignored tags
// kept across models on the same storage.
import { describe, expect, it } from "vitest";
import type { Room } from "../../client/room";
import { DEFAULT_SETTINGS } from "../../protocol";
import {
  type FakeWorld,
  fakeWorld,
  joinedRoom,
  MemoryStorage,
  message,
  openRoom,
  user,
  welcome,
} from "./client-fakes";

const HOUR = 3_600_000;

const alice = user("Alice");
const owner = user("Alice", { role: "owner" });
const bob = user("Bob", { tag: "b0b0b0b0" });
const carol = user("Carol", { tag: "c0c0c0c0" });

const lines = (room: Room) =>
  room.log.value.map((e) => (e.kind === "message" ? e.message.text : `* ${e.what} ${e.name}`));

/** Lets the clock run until the model opens its next socket (after a close, with backoff). */
function reconnect(world: FakeWorld) {
  const had = world.sockets.length;
  for (let i = 0; i < 600 && world.sockets.length === had; i++) world.clock.advance(100);
  expect(world.sockets).toHaveLength(had + 1);
}

/** The frames of the owners' types written on the current socket. */
const ownerFrames = (world: FakeWorld) =>
  world
    .last()
    .frames()
    .filter(
      (f): f is Record<string, unknown> =>
        typeof f !== "string" &&
        ["kick", "ban", "unban", "mute", "settings"].includes(f.type as string),
    );

describe("the owner key", () => {
  it("is sent with every join, resumes included, when given in the options", () => {
    const world = fakeWorld();
    openRoom(world, { ownerKey: "key-from-options" });
    world.last().open();
    expect(world.last().framesOf("join")[0]).toMatchObject({ ownerKey: "key-from-options" });
    world.last().receive(welcome(owner));
    world.last().serverClose(1006);
    reconnect(world);
    world.last().open();
    expect(world.last().framesOf("join")[0]).toMatchObject({
      token: "tok-1",
      ownerKey: "key-from-options",
    });
  });

  it("is read from local storage for the room at every join, and absent without one", () => {
    const world = fakeWorld();
    openRoom(world);
    world.last().open();
    expect(world.last().framesOf("join")[0]).not.toHaveProperty("ownerKey");
    world.last().receive(welcome(alice));
    // The page keeps the key once it makes or claims the room.
    world.local.setItem("roomchat:owner:lobby", "stored-key");
    world.local.setItem("roomchat:owner:other", "not-this-room");
    world.last().serverClose(1006);
    reconnect(world);
    world.last().open();
    expect(world.last().framesOf("join")[0]).toMatchObject({ ownerKey: "stored-key" });
  });

  it("refused with forbidden: said, kept, and the join goes again without it on the same socket", () => {
    const world = fakeWorld();
    world.local.setItem("roomchat:owner:lobby", "wrong-key");
    const room = openRoom(world);
    world.last().open();
    world.last().receive({ type: "error", code: "forbidden", message: "Wrong owner key." });
    expect(room.notice.value).toEqual({ kind: "owner_key_refused" });
    expect(world.sockets).toHaveLength(1);
    const joins = world.last().framesOf("join");
    expect(joins).toHaveLength(2);
    expect(joins[1]).not.toHaveProperty("ownerKey");
    world.last().receive(welcome(alice));
    expect(room.isOwner.value).toBe(false);
    // Kept on the device, not sent again by this model.
    expect(world.local.getItem("roomchat:owner:lobby")).toBe("wrong-key");
    world.last().serverClose(1006);
    reconnect(world);
    world.last().open();
    expect(world.last().framesOf("join")[0]).not.toHaveProperty("ownerKey");
  });

  it("a forbidden after the welcome (an owner's frame refused) is only a notice", () => {
    const world = fakeWorld();
    const room = joinedRoom(world, welcome(owner, { users: [owner, bob] }));
    world.last().receive({ type: "error", code: "forbidden", message: "Not that one." });
    expect(room.notice.value).toMatchObject({ kind: "error", code: "forbidden" });
    expect(world.last().framesOf("join")).toHaveLength(1);
    expect(room.status.value).toBe("connected");
  });
});

describe("settings and bans", () => {
  it("are the defaults and none before the welcome, then the welcome's", () => {
    const world = fakeWorld();
    const room = openRoom(world, { ownerKey: "k" });
    expect(room.settings.value).toEqual(DEFAULT_SETTINGS);
    expect(room.bans.value).toEqual([]);
    world.last().open();
    const settings = { topic: "Rules", slowMs: 5000, locked: true, e2ee: false, owned: true };
    const bans = [{ tag: "deadbeef", until: world.clock.now + HOUR }];
    world.last().receive(welcome(owner, { settings, bans }));
    expect(room.settings.value).toEqual(settings);
    expect(room.bans.value).toEqual(bans);
  });

  it("follow the settings and bans frames, which replace them", () => {
    const world = fakeWorld();
    const room = joinedRoom(
      world,
      welcome(owner, { bans: [{ tag: "deadbeef", until: world.clock.now + HOUR }] }),
    );
    const next = { topic: "New topic", slowMs: 0, locked: false, e2ee: false, owned: true };
    world.last().receive({ type: "settings", settings: next });
    expect(room.settings.value).toEqual(next);
    const bans = [{ tag: "0badf00d", until: world.clock.now + 2 * HOUR }];
    world.last().receive({ type: "bans", bans });
    expect(room.bans.value).toEqual(bans);
    // No longer an owner: the bans are for owners only.
    world.last().receive({ type: "user", user: { ...owner, role: undefined } });
    expect(room.bans.value).toEqual([]);
    world.last().receive({ type: "user", user: owner });
    world.last().receive({ type: "bans", bans });
    expect(room.bans.value).toEqual(bans);
    // The room's alarm lifts an expired ban and says so.
    world.last().receive({ type: "batch", frames: [{ type: "bans", bans: [] }] });
    expect(room.bans.value).toEqual([]);
  });

  it("a member's welcome has no bans, and settings missing a field keep its default", () => {
    const world = fakeWorld();
    const w = welcome(alice);
    (w as Record<string, unknown>).settings = { topic: "Hi", locked: "yes" };
    const room = joinedRoom(world, w);
    expect(room.bans.value).toEqual([]);
    expect(room.settings.value).toEqual({ ...DEFAULT_SETTINGS, topic: "Hi" });
  });
});

describe("users: roles, mutes and trips", () => {
  it("isOwner follows your role, from the welcome and from a user frame about you", () => {
    const world = fakeWorld();
    const room = joinedRoom(world, welcome(alice, { users: [alice, bob] }));
    expect(room.isOwner.value).toBe(false);
    world.last().receive({ type: "user", user: { ...alice, role: "owner" } });
    expect(room.isOwner.value).toBe(true);
    expect(room.you.value?.role).toBe("owner");
    expect(room.users.value.find((u) => u.id === alice.id)?.role).toBe("owner");
  });

  it("a user frame updates that user's role, mute and trip in the users", () => {
    const world = fakeWorld();
    const room = joinedRoom(world, welcome(alice, { users: [alice, bob, carol] }));
    const until = world.clock.now + 10 * 60_000;
    world.last().receive({ type: "user", user: { ...bob, mutedUntil: until, trip: "AbCdEfGhIj" } });
    world.last().receive({ type: "user", user: { ...carol, role: "owner" } });
    const byName = (n: string) => room.users.value.find((u) => u.name === n);
    expect(byName("Bob")).toMatchObject({ mutedUntil: until, trip: "AbCdEfGhIj" });
    expect(byName("Carol")?.role).toBe("owner");
    expect(room.users.value).toHaveLength(3);
    // Someone else's mute is not yours.
    expect(room.mutedUntil.value).toBe(0);
    world.last().receive({ type: "user", user: bob });
    expect(byName("Bob")?.mutedUntil).toBeUndefined();
  });

  it("mutedUntil is yours: from the welcome and user frames, and 0 once it has passed", () => {
    const world = fakeWorld();
    const until = world.clock.now + 20_000;
    const room = joinedRoom(world, welcome(user("Alice", { mutedUntil: until })));
    expect(room.mutedUntil.value).toBe(until);
    world.clock.advance(19_999);
    expect(room.mutedUntil.value).toBe(until);
    world.clock.advance(1);
    expect(room.mutedUntil.value).toBe(0);
    const later = world.clock.now + 5 * 60_000;
    world.last().receive({ type: "user", user: { ...alice, mutedUntil: later } });
    expect(room.mutedUntil.value).toBe(later);
    // Lifted (mute with 0 minutes): the user comes without mutedUntil.
    world.last().receive({ type: "user", user: alice });
    expect(room.mutedUntil.value).toBe(0);
  });

  it("remembers the tag of a user who left (a message names only the id)", () => {
    const world = fakeWorld();
    const room = joinedRoom(world, welcome(alice, { users: [alice, bob] }));
    world.last().receive({ type: "left", user: bob, reason: "leave" });
    expect(room.tagOf(bob.id)).toBe("b0b0b0b0");
    expect(room.tagOf("u-nobody")).toBeUndefined();
  });
});

describe("a name with a trip secret", () => {
  it("is kept whole on the device after the welcome, so a fresh join has the same trip", () => {
    const world = fakeWorld();
    const room = openRoom(world, { name: "  Ada#my secret" });
    world.last().open();
    expect(world.last().framesOf("join")[0]).toMatchObject({ name: "  Ada#my secret" });
    world.last().receive(welcome(user("Ada", { trip: "KGPqvcm-h_" })));
    expect(room.you.value?.name).toBe("Ada");
    expect(room.name.value).toBe("Ada#my secret");
    expect(world.local.getItem("roomchat:name")).toBe("Ada#my secret");
    // A new session (the old one is gone) joins with the secret again.
    world.session.removeItem("roomchat:token:lobby");
    world.last().serverClose(1006);
    reconnect(world);
    world.last().open();
    expect(world.last().framesOf("join")[0]).toMatchObject({ name: "Ada#my secret" });
  });

  it("a name without one is kept as the room wrote it", () => {
    const world = fakeWorld();
    const room = openRoom(world, { name: " Ada " });
    world.last().open();
    world.last().receive(welcome(user("Ada")));
    expect(room.name.value).toBe("Ada");
    expect(world.local.getItem("roomchat:name")).toBe("Ada");
  });
});

describe("muted", () => {
  it("a muted send waits until retryAfterMs, then goes again with the same id", () => {
    const world = fakeWorld();
    const room = joinedRoom(world);
    room.send("hello");
    const id = world.last().framesOf("send")[0]?.id;
    world.last().receive({
      type: "error",
      code: "muted",
      message: "Muted.",
      id,
      retryAfterMs: 30_000,
    });
    expect(room.mutedUntil.value).toBe(world.clock.now + 30_000);
    expect(room.pending.value.map((p) => p.status)).toEqual(["waiting"]);
    expect(room.rateUntil.value).toBe(world.clock.now + 30_000);
    expect(room.notice.value).toBeNull();
    world.clock.advance(29_999);
    expect(world.last().framesOf("send")).toHaveLength(1);
    world.clock.advance(1);
    expect(
      world
        .last()
        .framesOf("send")
        .map((f) => f.id),
    ).toEqual([id, id]);
    expect(room.mutedUntil.value).toBe(0);
  });

  it("a lifted mute lets the waiting send go at once", () => {
    const world = fakeWorld();
    const room = joinedRoom(world);
    room.send("hello");
    const id = world.last().framesOf("send")[0]?.id;
    world.last().receive({
      type: "error",
      code: "muted",
      message: "Muted.",
      id,
      retryAfterMs: HOUR,
    });
    world.clock.advance(1000);
    world.last().receive({ type: "user", user: alice });
    expect(room.mutedUntil.value).toBe(0);
    expect(room.rateUntil.value).toBe(0);
    expect(world.last().framesOf("send")).toHaveLength(2);
    world.last().receive({ type: "message", ...message(1, "Alice", "hello", id as string) });
    expect(room.pending.value).toEqual([]);
  });

  it("a mute lifted while away: the welcome's flush writes the waiting send once", () => {
    const world = fakeWorld();
    const room = joinedRoom(world);
    room.send("hello");
    const id = world.last().framesOf("send")[0]?.id;
    world.last().receive({
      type: "error",
      code: "muted",
      message: "Muted.",
      id,
      retryAfterMs: HOUR,
    });
    world.last().serverClose(1006);
    reconnect(world);
    world.last().open();
    world.last().receive(welcome(alice));
    expect(room.mutedUntil.value).toBe(0);
    expect(
      world
        .last()
        .framesOf("send")
        .map((f) => f.id),
    ).toEqual([id]);
  });

  it("a mute still running at the welcome keeps the send waiting", () => {
    const world = fakeWorld();
    const room = joinedRoom(world);
    room.send("hello");
    const id = world.last().framesOf("send")[0]?.id;
    world.last().receive({
      type: "error",
      code: "muted",
      message: "Muted.",
      id,
      retryAfterMs: HOUR,
    });
    world.last().serverClose(1006);
    reconnect(world);
    world.last().open();
    world.last().receive(welcome(user("Alice", { mutedUntil: world.clock.now + HOUR / 2 })));
    expect(room.mutedUntil.value).toBeGreaterThan(world.clock.now);
    expect(world.last().framesOf("send")).toEqual([]);
  });

  it("a muted change is dropped and said, and tells until when", () => {
    const world = fakeWorld();
    const room = joinedRoom(world, welcome(alice, { messages: [message(1, "Alice")] }));
    expect(room.react(1, "👍", true)).toEqual({ ok: true });
    world.last().receive({
      type: "error",
      code: "muted",
      message: "Muted.",
      seq: 1,
      retryAfterMs: 5000,
    });
    expect(room.changes.value).toEqual([]);
    expect(room.notice.value).toMatchObject({ kind: "error", code: "muted" });
    expect(room.mutedUntil.value).toBe(world.clock.now + 5000);
  });
});

describe("slow mode", () => {
  const slow = (slowMs: number) => ({ ...DEFAULT_SETTINGS, slowMs });

  it("counts from your own message's live arrival, and goes back to 0", () => {
    const world = fakeWorld();
    const room = joinedRoom(world, welcome(alice, { settings: slow(10_000) }));
    expect(room.slowUntil.value).toBe(0);
    room.send("one");
    const id = world.last().framesOf("send")[0]?.id as string;
    world.clock.advance(200);
    world.last().receive({ type: "message", ...message(1, "Alice", "one", id) });
    expect(room.slowUntil.value).toBe(world.clock.now + 10_000);
    // Someone else's message starts nothing.
    world.last().receive({ type: "message", ...message(2, "Bob") });
    expect(room.slowUntil.value).toBe(world.clock.now + 10_000);
    world.clock.advance(10_000);
    expect(room.slowUntil.value).toBe(0);
  });

  it("takes a rate_limited answer to a send as slow mode's while slowMs > 0", () => {
    const world = fakeWorld();
    const room = joinedRoom(world, welcome(alice, { settings: slow(60_000) }));
    room.send("too soon");
    const id = world.last().framesOf("send")[0]?.id;
    world.last().receive({
      type: "error",
      code: "rate_limited",
      message: "Slow mode.",
      id,
      retryAfterMs: 20_000,
    });
    expect(room.slowUntil.value).toBe(world.clock.now + 20_000);
    expect(room.rateUntil.value).toBe(world.clock.now + 20_000);
    world.clock.advance(20_000);
    expect(room.slowUntil.value).toBe(0);
    expect(world.last().framesOf("send")).toHaveLength(2);
  });

  it("without slow mode a rate limit is only rateUntil", () => {
    const world = fakeWorld();
    const room = joinedRoom(world);
    room.send("hi");
    const id = world.last().framesOf("send")[0]?.id;
    world.last().receive({
      type: "error",
      code: "rate_limited",
      message: "Slow down.",
      id,
      retryAfterMs: 500,
    });
    expect(room.slowUntil.value).toBe(0);
    expect(room.rateUntil.value).toBe(world.clock.now + 500);
  });

  it("follows the settings: slowMs changed or turned off", () => {
    const world = fakeWorld();
    const room = joinedRoom(world, welcome(alice, { settings: slow(10_000) }));
    room.send("one");
    const id = world.last().framesOf("send")[0]?.id as string;
    world.last().receive({ type: "message", ...message(1, "Alice", "one", id) });
    const at = world.clock.now;
    world.clock.advance(1000);
    world.last().receive({ type: "settings", settings: slow(30_000) });
    expect(room.slowUntil.value).toBe(at + 30_000);
    world.last().receive({ type: "settings", settings: slow(0) });
    expect(room.slowUntil.value).toBe(0);
  });

  it("owners are exempt", () => {
    const world = fakeWorld();
    const room = joinedRoom(world, welcome(owner, { settings: slow(10_000) }));
    room.send("one");
    const id = world.last().framesOf("send")[0]?.id as string;
    world.last().receive({ type: "message", ...message(1, "Alice", "one", id) });
    expect(room.slowUntil.value).toBe(0);
  });
});

describe("kicks and bans", () => {
  it("left by kick or ban adds a kicked or banned line", () => {
    const world = fakeWorld();
    const room = joinedRoom(world, welcome(alice, { users: [alice, bob, carol] }));
    world.last().receive({ type: "left", user: bob, reason: "kick" });
    world.last().receive({ type: "left", user: carol, reason: "ban" });
    expect(lines(room)).toEqual(["* kicked Bob", "* banned Carol"]);
    expect(room.users.value.map((u) => u.name)).toEqual(["Alice"]);
  });

  for (const [code, why] of [
    [4002, "kicked"],
    [4003, "banned"],
  ] as const) {
    it(`closed with ${code}: ends as ${why} and never reconnects on its own`, () => {
      const world = fakeWorld();
      const room = joinedRoom(world);
      room.send("queued before the close");
      world.last().serverClose(code);
      expect(room.ended.value).toBe(why);
      expect(room.status.value).toBe("idle");
      expect(world.session.getItem("roomchat:token:lobby")).toBeNull();
      world.clock.advance(24 * HOUR);
      room.wake();
      room.setOnline(false);
      room.setOnline(true);
      room.setVisible(false);
      room.setVisible(true);
      world.clock.advance(24 * HOUR);
      expect(world.sockets).toHaveLength(1);
      // The page may offer to join again: a new session.
      room.reclaim();
      expect(world.sockets).toHaveLength(2);
      world.last().open();
      expect(world.last().framesOf("join")[0]).not.toHaveProperty("token");
    });
  }

  it("a 4003 that says until when: kept on the device, so a reload does not try the room on its own", () => {
    const world = fakeWorld();
    const room = joinedRoom(world);
    const until = world.clock.now + HOUR;
    world.last().serverClose(4003, `ban until ${new Date(until).toISOString()}`);
    expect(room.ended.value).toBe("banned");
    expect(room.bannedUntil.value).toBe(until);
    // Joining again before the end is one try: refused (the upgrade fails), banned again, no backoff.
    room.reclaim();
    expect(world.sockets).toHaveLength(2);
    world.last().serverClose(1006);
    expect(room.ended.value).toBe("banned");
    world.clock.advance(HOUR / 2);
    expect(world.sockets).toHaveLength(2);

    // A reload: a new model on the same storage shows the ban and opens no socket.
    const again = fakeWorld({ local: world.local, clock: world.clock });
    const reloaded = openRoom(again);
    expect(reloaded.ended.value).toBe("banned");
    expect(reloaded.bannedUntil.value).toBe(until);
    reloaded.join("Alice");
    reloaded.wake();
    world.clock.advance(HOUR / 2 - 1);
    expect(again.sockets).toHaveLength(0);

    // An owner lifted the ban: the one try gets a welcome, and the kept end is forgotten.
    reloaded.reclaim();
    expect(again.sockets).toHaveLength(1);
    again.last().open();
    again.last().receive(welcome(alice));
    expect(reloaded.ended.value).toBeNull();
    expect(reloaded.bannedUntil.value).toBe(0);
    expect(world.local.getItem("roomchat:banned:lobby")).toBeNull();

    // A model made after the end forgets it at once and connects.
    world.local.setItem("roomchat:banned:lobby", String(world.clock.now - 1));
    const later = fakeWorld({ local: world.local, clock: world.clock });
    expect(openRoom(later).ended.value).toBeNull();
    expect(later.sockets).toHaveLength(1);
    expect(world.local.getItem("roomchat:banned:lobby")).toBeNull();
  });

  it("room_locked on a join ends as room_locked and does not reconnect", () => {
    const world = fakeWorld();
    const room = openRoom(world);
    world.last().open();
    world.last().receive({ type: "error", code: "room_locked", message: "Locked." });
    expect(room.ended.value).toBe("room_locked");
    expect(world.last().closed).not.toBeNull();
    world.clock.advance(24 * HOUR);
    room.wake();
    expect(world.sockets).toHaveLength(1);
  });
});

describe("the owners' frames", () => {
  it("are written only when welcomed", () => {
    const world = fakeWorld();
    const room = openRoom(world, { ownerKey: "k" });
    expect(room.kick(bob.id)).toBe(false);
    world.last().open();
    expect(room.updateSettings({ topic: "x" })).toBe(false);
    world.last().receive(welcome(owner, { users: [owner, bob] }));
    expect(ownerFrames(world)).toEqual([]);
    expect(room.kick(bob.id)).toBe(true);
    world.last().serverClose(1006);
    // No queue: nothing is written again after the reconnect.
    expect(room.mute(bob.id, 5)).toBe(false);
    reconnect(world);
    world.last().open();
    world.last().receive(welcome(owner, { users: [owner, bob] }));
    expect(ownerFrames(world)).toEqual([]);
  });

  it("write kick, ban, unban, mute and settings as the protocol says", () => {
    const world = fakeWorld();
    const room = joinedRoom(world, welcome(owner, { users: [owner, bob] }), { ownerKey: "k" });
    expect(room.isOwner.value).toBe(true);
    expect(room.kick(bob.id)).toBe(true);
    expect(room.ban(bob.id, 30)).toBe(true);
    expect(room.ban(bob.id)).toBe(true);
    expect(room.unban("b0b0b0b0")).toBe(true);
    expect(room.mute(bob.id, 10)).toBe(true);
    expect(room.mute(bob.id, 0)).toBe(true);
    expect(room.updateSettings({ topic: "Be kind", slowMs: 5000, locked: true })).toBe(true);
    expect(room.updateSettings({ locked: false })).toBe(true);
    expect(ownerFrames(world)).toEqual([
      { type: "kick", user: bob.id },
      { type: "ban", user: bob.id, minutes: 30 },
      { type: "ban", user: bob.id },
      { type: "unban", tag: "b0b0b0b0" },
      { type: "mute", user: bob.id, minutes: 10 },
      { type: "mute", user: bob.id, minutes: 0 },
      { type: "settings", topic: "Be kind", slowMs: 5000, locked: true },
      { type: "settings", locked: false },
    ]);
  });

  it("refuse locally what the room would refuse: not an owner, yourself, another owner, out of range", () => {
    const world = fakeWorld();
    const other = user("Olga", { role: "owner" });
    const room = joinedRoom(world, welcome(alice, { users: [alice, bob, other] }));
    expect(room.kick(bob.id)).toBe(false);
    expect(room.updateSettings({ topic: "x" })).toBe(false);
    world.last().receive({ type: "user", user: { ...alice, role: "owner" } });
    expect(room.kick(alice.id)).toBe(false);
    expect(room.mute(other.id, 5)).toBe(false);
    expect(room.ban(bob.id, 0)).toBe(false);
    expect(room.ban(bob.id, 10_081)).toBe(false);
    expect(room.mute(bob.id, -1)).toBe(false);
    expect(room.mute(bob.id, 1.5)).toBe(false);
    expect(room.unban("")).toBe(false);
    expect(room.updateSettings({})).toBe(false);
    expect(room.updateSettings({ topic: "x".repeat(301) })).toBe(false);
    expect(room.updateSettings({ topic: "bell\u0007" })).toBe(false);
    expect(room.updateSettings({ slowMs: 3_600_001 })).toBe(false);
    expect(ownerFrames(world)).toEqual([]);
    // The room's refusal of what the client could not foresee is a notice.
    expect(room.kick("u-gone")).toBe(true);
    world.last().receive({ type: "error", code: "user_unknown", message: "No such user." });
    expect(room.notice.value).toMatchObject({ kind: "error", code: "user_unknown" });
  });
});

describe("ignored tags", () => {
  it("are kept per room in local storage and read by a new model", () => {
    const world = fakeWorld();
    const room = joinedRoom(world, welcome(alice, { users: [alice, bob, carol] }));
    room.ignore("b0b0b0b0");
    room.ignore("c0c0c0c0");
    room.ignore("b0b0b0b0");
    room.unignore("c0c0c0c0");
    expect([...room.ignored.value]).toEqual(["b0b0b0b0"]);
    expect(JSON.parse(world.local.getItem("roomchat:ignored:lobby") ?? "null")).toEqual([
      "b0b0b0b0",
    ]);
    room.close();
    const again = fakeWorld({ local: world.local });
    const next = openRoom(again);
    expect([...next.ignored.value]).toEqual(["b0b0b0b0"]);
    // Another room has its own.
    const elsewhere = openRoom(fakeWorld({ local: world.local }), { room: "other" });
    expect(elsewhere.ignored.value.size).toBe(0);
    next.unignore("b0b0b0b0");
    expect(world.local.getItem("roomchat:ignored:lobby")).toBeNull();
  });

  it("keep their messages in the log, and count no unread and no mention", () => {
    const world = fakeWorld({ local: new MemoryStorage() });
    const mentions: string[] = [];
    const room = joinedRoom(world, welcome(alice, { users: [alice, bob, carol] }), {
      onMention: (m) => mentions.push(m.text),
    });
    room.ignore("b0b0b0b0");
    room.setVisible(false);
    world.last().receive({ type: "message", ...message(1, "Bob", "hey Alice") });
    world.last().receive({ type: "message", ...message(2, "Carol", "hi Alice") });
    expect(lines(room)).toEqual(["hey Alice", "hi Alice"]);
    expect(room.unread.value).toBe(1);
    expect(mentions).toEqual(["hi Alice"]);
  });
});
