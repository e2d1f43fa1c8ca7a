// (v2) `ban`: every session of the banned session's address is ended, also
// one under another name (4003 to each, its reason "ban until <ISO time>";
// `left` with reason "ban" to the
// others); owners get `bans` with {tag, until} (until = now + minutes, 60 by
// default), non-owners get no `bans` at all; an owner who joins later finds
// the ban in `welcome.bans` (a non-owner's welcome has none); a new upgrade
// from that address is refused with HTTP 403 {"error":{"code":"banned"}}
// before any socket opens, whatever name it would use; another address
// still joins. Away sessions of the address end too, and a connection of
// that address opened before the ban cannot start a session after it.
import { describe, expect, it } from "vitest";
import { banEndOf, type HttpError } from "../../../protocol";
import { connect, randomAddress, unbatch, upgrade } from "../helpers";
import { createRoom, enter, enterAsOwner, framesOf, joinFrame, nextLeftOf } from "./support";

describe("ban", () => {
  it("ends every session of that address with 4003 and left reason ban", async () => {
    const { room, ownerKey } = await createRoom();
    const own = await enterAsOwner(room, "olive", ownerKey);
    const alice = await enter(room, "alice");
    const ip = randomAddress();
    const bob = await enter(room, "bob", { ip });
    const sock = await enter(room, "sockpuppet", { ip });
    expect(sock.welcome.you.tag).toBe(bob.welcome.you.tag);

    const before = Date.now();
    own.client.send({ type: "ban", user: bob.welcome.you.id, minutes: 5 });
    const bobClosed = await bob.client.closed();
    const sockClosed = await sock.client.closed();
    expect(bobClosed.code).toBe(4003);
    expect(sockClosed.code).toBe(4003);
    for (const c of [own.client, alice.client]) {
      for (const s of [bob, sock]) {
        const left = await nextLeftOf(c, s.welcome.you.id);
        expect(left.reason).toBe("ban");
        expect(left.user.name).toBe(s.welcome.you.name);
      }
    }

    const { bans } = await own.client.next("bans");
    expect(bans).toHaveLength(1);
    expect(Object.keys(bans[0] ?? {}).sort()).toEqual(["tag", "until"]);
    expect(bans[0]?.tag).toBe(bob.welcome.you.tag);
    expect(bans[0]?.until).toBeGreaterThanOrEqual(before + 5 * 60_000);
    expect(bans[0]?.until).toBeLessThanOrEqual(Date.now() + 5 * 60_000);
    // The banned are told until when, in the close's reason (a reading).
    expect(bobClosed.reason).toBe(`ban until ${new Date(bans[0]?.until ?? 0).toISOString()}`);
    expect(banEndOf(sockClosed.reason ?? "")).toBe(bans[0]?.until);
    // Only owners hear of bans.
    await alice.client.expectNothing(200, "bans");
    expect(alice.welcome.bans).toBeUndefined();
  });

  it("lasts 60 minutes by default", async () => {
    const { room, ownerKey } = await createRoom();
    const own = await enterAsOwner(room, "olive", ownerKey);
    const bob = await enter(room, "bob");
    const before = Date.now();
    own.client.send({ type: "ban", user: bob.welcome.you.id });
    const { bans } = await own.client.next("bans");
    expect(bans[0]?.until).toBeGreaterThanOrEqual(before + 60 * 60_000);
    expect(bans[0]?.until).toBeLessThanOrEqual(Date.now() + 60 * 60_000);
  });

  it("an owner who joins later gets the bans in its welcome; a non-owner does not", async () => {
    const { room, ownerKey } = await createRoom();
    const own = await enterAsOwner(room, "olive", ownerKey);
    const bob = await enter(room, "bob");
    own.client.send({ type: "ban", user: bob.welcome.you.id, minutes: 10 });
    const { bans } = await own.client.next("bans");

    const second = await enterAsOwner(room, "otto", ownerKey);
    expect(second.welcome.bans).toEqual(bans);
    const carol = await enter(room, "carol");
    expect(carol.welcome.bans).toBeUndefined();
    // An owner's welcome in a room with no bans has an empty list.
    const fresh = await createRoom();
    const o = await enterAsOwner(fresh.room, "olive", fresh.ownerKey);
    expect(o.welcome.bans).toEqual([]);
  });

  it("refuses a new upgrade from that address with 403 banned; another address joins", async () => {
    const { room, ownerKey } = await createRoom();
    const own = await enterAsOwner(room, "olive", ownerKey);
    const ip = randomAddress();
    const bob = await enter(room, "bob", { ip });
    own.client.send({ type: "ban", user: bob.welcome.you.id, minutes: 5 });
    await bob.client.closed();
    await own.client.next("bans");

    const res = await upgrade(room, { ip });
    expect(res.status).toBe(403);
    expect(res.webSocket).toBeFalsy();
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    const body = (await res.json()) as HttpError;
    expect(body.error.code).toBe("banned");
    expect(body.error.message.length).toBeGreaterThan(0);
    // The address is never told back.
    expect(JSON.stringify(body)).not.toContain(ip);

    const other = await enter(room, "bob");
    expect(other.welcome.you.name).toBe("bob");
    expect(other.welcome.you.tag).not.toBe(bob.welcome.you.tag);
    // The ban is of this room only.
    const elsewhere = await createRoom();
    expect((await enter(elsewhere.room, "bob", { ip })).welcome.you.tag).toBeTruthy();
    expect(framesOf(own.client, "bans")).toHaveLength(1);
  });

  it("ends the away sessions of that address too", async () => {
    const { room, ownerKey } = await createRoom();
    const own = await enterAsOwner(room, "olive", ownerKey);
    const ip = randomAddress();
    const bob = await enter(room, "bob", { ip });
    const gone = await enter(room, "zed", { ip });
    gone.client.close();
    await own.client.next("away");
    own.client.send({ type: "ban", user: bob.welcome.you.id, minutes: 5 });
    expect((await nextLeftOf(own.client, gone.welcome.you.id)).reason).toBe("ban");
    expect((await bob.client.closed()).code).toBe(4003);
  });

  it("a connection of that address opened before the ban cannot start a session after it", async () => {
    const { room, ownerKey } = await createRoom();
    const own = await enterAsOwner(room, "olive", ownerKey);
    const ip = randomAddress();
    const bob = await enter(room, "bob", { ip });
    // Opened before the ban, not yet joined.
    const early = unbatch(await connect(room, { ip }));
    own.client.send({ type: "ban", user: bob.welcome.you.id, minutes: 5 });
    await own.client.next("bans");
    try {
      early.send(joinFrame("newname"));
    } catch {
      // closed by the ban: that is one way to keep it out
    }
    await new Promise((r) => setTimeout(r, 500));
    // "Bans are by address hash, so a new session or a new name from the same
    // address does not get around them."
    expect(framesOf(early, "welcome")).toEqual([]);
    await own.client.expectNothing(0, "joined");
  });
});
