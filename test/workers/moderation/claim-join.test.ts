// (v2) POST /api/rooms/:room/claim of a room with no owner gives a key that
// makes an owner on join, and everyone already in the room gets `settings`
// with `owned: true` (the rest unchanged). When the operator replaces the
// key with the ADMIN_KEY bearer, the new key makes an owner and the old one
// is `forbidden`; as docs/protocol.md reads it, that replacement tells the
// room nothing (`owned` does not change).
import { describe, expect, it } from "vitest";
import type { ClaimedRoom } from "../../../protocol";
import { connect, freshRoom, getJson, roomInfo } from "../helpers";
import { ADMIN_KEY, enter, joinFrame } from "./support";

const claim = (room: string, headers: Record<string, string> = {}) =>
  getJson<ClaimedRoom>(`/api/rooms/${room}/claim`, { method: "POST", headers });

describe("claim, then join", () => {
  it("everyone gets settings owned: true; the key makes an owner", async () => {
    const room = freshRoom("claim");
    const alice = await enter(room, "alice");
    const bob = await enter(room, "bob");
    expect(alice.welcome.settings.owned).toBe(false);

    const res = await claim(room);
    expect(res.status).toBe(201);
    for (const c of [alice.client, bob.client]) {
      expect((await c.next("settings")).settings).toEqual({
        ...alice.welcome.settings,
        owned: true,
      });
    }
    expect((await roomInfo(room)).settings.owned).toBe(true);

    const own = await enter(room, "olive", { ownerKey: res.body.ownerKey });
    expect(own.welcome.you.role).toBe("owner");
    expect(own.welcome.settings.owned).toBe(true);
    expect((await alice.client.next("joined")).user.role).toBe("owner");
    own.client.send({ type: "kick", user: bob.welcome.you.id });
    expect((await bob.client.closed()).code).toBe(4002);
    // The key never travels in a frame.
    for (const c of [alice.client, own.client]) {
      expect(JSON.stringify(c.frames)).not.toContain(res.body.ownerKey);
    }
  });

  it("a key replaced by the operator no longer makes an owner; the new one does", async () => {
    const room = freshRoom("claim");
    const first = await claim(room);
    expect(first.status).toBe(201);
    const taken = await claim(room, { Authorization: `Bearer ${ADMIN_KEY}` });
    expect(taken.status).toBe(201);

    const client = await connect(room);
    client.send(joinFrame("olive", { ownerKey: first.body.ownerKey }));
    expect((await client.next("error")).code).toBe("forbidden");
    client.send(joinFrame("olive", { ownerKey: taken.body.ownerKey }));
    expect((await client.next("welcome")).you.role).toBe("owner");
  });

  it("the operator's replacement of an owned room's key tells nobody anything (the reading)", async () => {
    const room = freshRoom("claim");
    expect((await claim(room)).status).toBe(201);
    const alice = await enter(room, "alice");
    expect(alice.welcome.settings.owned).toBe(true);
    const taken = await claim(room, { Authorization: `Bearer ${ADMIN_KEY}` });
    expect(taken.status).toBe(201);
    await alice.client.expectNothing(300, "settings");
  });
});
