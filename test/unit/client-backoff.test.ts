// The reconnect's backoff as the page lives it (issue 12, "honest when
// offline"): while someone looks at the page the cap is short, so that every
// open page is back within a few seconds of the server however long it was
// away; a hidden tab waits up to the long cap; a failed attempt costs one
// socket and nothing else. Fake clock, fake sockets: time is what the test says.
import { describe, expect, it } from "vitest";
import { backoffCap, backoffDelay, DEFAULT_BACKOFF } from "../../client/backoff";
import type { Room } from "../../client/room";
import { type FakeWorld, fakeWorld, joinedRoom, user, welcome } from "./client-fakes";

/** The server is down: each attempt's socket is refused (closed before it opens). */
function failFor(world: FakeWorld, room: Room, attempts: number): number[] {
  const delays: number[] = [];
  for (let i = 0; i < attempts; i++) {
    const wait = room.retryAt.value - world.clock.now;
    delays.push(wait);
    world.clock.advance(wait);
    world.last().serverClose(1006);
  }
  return delays;
}

describe("the backoff's cap", () => {
  it("is short while visible and long while hidden", () => {
    expect(backoffCap(DEFAULT_BACKOFF, true)).toBeLessThanOrEqual(3_000);
    expect(backoffCap(DEFAULT_BACKOFF, false)).toBe(15_000);
    const top = () => 0.999;
    expect(backoffDelay(20, top, DEFAULT_BACKOFF, true)).toBe(2_497);
    expect(backoffDelay(20, top, DEFAULT_BACKOFF, false)).toBe(14_985);
    // Without a visible cap, the one cap holds either way.
    expect(backoffDelay(20, top, { baseMs: 100, capMs: 1_000 }, true)).toBe(999);
    // The visible cap never exceeds the long one.
    expect(backoffCap({ baseMs: 100, capMs: 1_000, visibleCapMs: 5_000 }, true)).toBe(1_000);
  });

  it("keeps a visible page probing every few seconds through a long outage", () => {
    const world = fakeWorld();
    world.randomValue.value = 0.999;
    const room = joinedRoom(world);
    expect(room.connected.value).toBe(true);
    world.last().serverClose(1006);
    expect(room.connected.value).toBe(false);
    const delays = failFor(world, room, 40);
    expect(Math.max(...delays)).toBeLessThanOrEqual(2_500);
    expect(delays.slice(0, 4)).toEqual([499, 999, 1_998, 2_497]);
    // Each failed attempt was one socket, nothing more.
    expect(world.sockets).toHaveLength(1 + 40);
    expect(room.status.value).toBe("waiting");
    // The server is back: the next attempt comes within the short cap and joins.
    world.clock.advance(room.retryAt.value - world.clock.now);
    world.last().open();
    world.last().receive(welcome(user("Alice")));
    expect(room.status.value).toBe("connected");
    expect(room.connected.value).toBe(true);
  });

  it("lets a hidden tab wait up to the long cap, and a tab shown again reconnect at once", () => {
    const world = fakeWorld();
    world.randomValue.value = 0.999;
    const room = joinedRoom(world);
    room.setVisible(false);
    world.last().serverClose(1006);
    const delays = failFor(world, room, 8);
    expect(delays).toEqual([499, 999, 1_998, 3_996, 7_992, 14_985, 14_985, 14_985]);
    const before = world.sockets.length;
    room.setVisible(true);
    expect(world.sockets).toHaveLength(before + 1);
    world.last().serverClose(1006);
    // Visible again: back to the short cap, whatever the attempt count.
    expect(room.retryAt.value - world.clock.now).toBeLessThanOrEqual(2_500);
  });

  it("brings every open page back within a few seconds of the server", () => {
    const world = fakeWorld();
    world.randomValue.value = 0.999;
    const pages = [joinedRoom(world), joinedRoom(world)];
    for (const s of world.sockets.slice()) s.serverClose(1006);
    // A minute of outage: every attempt refused.
    const downUntil = world.clock.now + 60_000;
    const live = new Set(world.sockets);
    while (world.clock.now < downUntil) {
      world.clock.advance(100);
      for (const s of world.sockets) {
        if (!live.has(s)) {
          live.add(s);
          s.serverClose(1006);
        }
      }
    }
    // The server is back: within the short cap every page has a new socket.
    const count = world.sockets.length;
    world.clock.advance(2_500);
    const fresh = world.sockets.slice(count);
    expect(fresh).toHaveLength(2);
    for (const s of fresh) {
      s.open();
      s.receive(welcome(user("Alice")));
    }
    expect(pages.map((p) => p.status.value)).toEqual(["connected", "connected"]);
  });
});
