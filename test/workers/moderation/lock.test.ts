// (v2) `settings.locked`: while the room is locked, a join that would start
// a new session is refused with `error room_locked` and the connection stays
// open (a later join, once unlocked, works on it); a resume with a token
// still works, away or live (a takeover); an owner's fresh join (with the
// key) works; an unknown token is a fresh join, so it is refused.
import { describe, expect, it } from "vitest";
import { connect, unbatch } from "../helpers";
import { ADMIN_KEY, createRoom, enter, enterAsOwner, joinFrame } from "./support";

async function lockedRoom() {
  const { room, ownerKey } = await createRoom();
  const own = await enterAsOwner(room, "olive", ownerKey);
  const bob = await enter(room, "bob");
  own.client.send({ type: "settings", locked: true });
  for (const c of [own.client, bob.client]) {
    expect((await c.next("settings")).settings.locked).toBe(true);
  }
  return { room, ownerKey, own, bob };
}

describe("a locked room", () => {
  it("refuses a fresh join with room_locked; the connection stays open", async () => {
    const { room, own } = await lockedRoom();
    const client = unbatch(await connect(room));
    client.send(joinFrame("carol"));
    expect((await client.next("error")).code).toBe("room_locked");
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    await own.client.expectNothing(200, "joined");

    // Once unlocked, the same connection joins.
    own.client.send({ type: "settings", locked: false });
    await own.client.next("settings");
    client.send(joinFrame("carol"));
    expect((await client.next("welcome")).you.name).toBe("carol");
  });

  it("an unknown token is a fresh join: room_locked", async () => {
    const { room } = await lockedRoom();
    const client = await connect(room);
    client.send(joinFrame("carol", { token: "not-a-token-of-this-room" }));
    expect((await client.next("error")).code).toBe("room_locked");
  });

  it("a resume with a token works (away, then a takeover of a live one)", async () => {
    const { room, own, bob } = await lockedRoom();
    bob.client.close();
    await own.client.next("away");
    const again = await enter(room, "bob", { token: bob.welcome.token });
    expect(again.welcome.you.id).toBe(bob.welcome.you.id);
    expect(again.welcome.settings.locked).toBe(true);
    await own.client.next("back");

    const takeover = await enter(room, "bob", { token: bob.welcome.token });
    expect(takeover.welcome.you.id).toBe(bob.welcome.you.id);
    expect((await again.client.closed()).code).toBe(4000);
  });

  it("an owner's fresh join works, with the room's key or ADMIN_KEY", async () => {
    const { room, ownerKey, bob } = await lockedRoom();
    const second = await enterAsOwner(room, "otto", ownerKey);
    expect(second.welcome.you.role).toBe("owner");
    expect(second.welcome.settings.locked).toBe(true);
    expect((await bob.client.next("joined")).user.id).toBe(second.welcome.you.id);
    const admin = await enterAsOwner(room, "admin", ADMIN_KEY);
    expect(admin.welcome.you.role).toBe("owner");
    expect((await bob.client.next("joined")).user.id).toBe(admin.welcome.you.id);
  });
});
