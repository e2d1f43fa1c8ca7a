// (v2) `unban` lifts the ban of the address with that tag before it ends:
// every owner gets `bans` without it (non-owners get nothing), the address's
// upgrade works again, and a second unban of the same tag is user_unknown.
import { describe, expect, it } from "vitest";
import { randomAddress, upgrade } from "../helpers";
import { createRoom, enter, enterAsOwner } from "./support";

describe("unban", () => {
  it("lifts the ban; owners get bans without it", async () => {
    const { room, ownerKey } = await createRoom();
    const own = await enterAsOwner(room, "olive", ownerKey);
    const other = await enterAsOwner(room, "otto", ownerKey);
    const alice = await enter(room, "alice");
    const ip = randomAddress();
    const bob = await enter(room, "bob", { ip });
    const tag = bob.welcome.you.tag;

    own.client.send({ type: "ban", user: bob.welcome.you.id, minutes: 60 });
    await bob.client.closed();
    expect((await own.client.next("bans")).bans.map((b) => b.tag)).toEqual([tag]);
    await other.client.next("bans");
    expect((await upgrade(room, { ip })).status).toBe(403);

    other.client.send({ type: "unban", tag });
    expect((await own.client.next("bans")).bans).toEqual([]);
    expect((await other.client.next("bans")).bans).toEqual([]);
    await alice.client.expectNothing(200, "bans");

    const back = await enter(room, "bob", { ip });
    expect(back.welcome.you.tag).toBe(tag);
    expect((await enterAsOwner(room, "oscar", ownerKey)).welcome.bans).toEqual([]);

    own.client.send({ type: "unban", tag });
    expect((await own.client.next("error")).code).toBe("user_unknown");
  });

  it("lifts only that tag's ban", async () => {
    const { room, ownerKey } = await createRoom();
    const own = await enterAsOwner(room, "olive", ownerKey);
    const bob = await enter(room, "bob");
    const carl = await enter(room, "carl");
    own.client.send({ type: "ban", user: bob.welcome.you.id });
    await own.client.next("bans");
    own.client.send({ type: "ban", user: carl.welcome.you.id });
    await own.client.next("bans");
    own.client.send({ type: "unban", tag: bob.welcome.you.tag });
    expect((await own.client.next("bans")).bans.map((b) => b.tag)).toEqual([carl.welcome.you.tag]);
  });
});
