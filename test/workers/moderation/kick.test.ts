// (v2) `kick`: the kicked session's connection is closed with 4002, every
// other session gets `left` with reason "kick", the session is over (its
// token no longer resumes it, its name is free), and it may join again as
// a new session. An away session can be kicked too.
import { describe, expect, it } from "vitest";
import { connect, post } from "../helpers";
import { createRoom, enter, enterAsOwner, joinFrame, nextLeftOf } from "./support";

describe("kick", () => {
  it("closes the kicked with 4002 and tells the others left, reason kick", async () => {
    const { room, ownerKey } = await createRoom();
    const own = await enterAsOwner(room, "olive", ownerKey);
    const alice = await enter(room, "alice");
    const bob = await enter(room, "bob");
    const id = bob.welcome.you.id;

    own.client.send({ type: "kick", user: id });
    expect((await bob.client.closed()).code).toBe(4002);
    for (const c of [own.client, alice.client]) {
      const left = await nextLeftOf(c, id);
      expect(left.reason).toBe("kick");
      expect(left.user).toMatchObject({ id, name: "bob" });
    }
    // The kicked one is told by its close code, not by a left about itself.
    expect(
      bob.client.frames.some((f) => typeof f === "object" && f.type === "left" && f.user.id === id),
    ).toBe(false);
  });

  it("ends the session: no resume with its token; it may join again as a new session", async () => {
    const { room, ownerKey } = await createRoom();
    const own = await enterAsOwner(room, "olive", ownerKey);
    const bob = await enter(room, "bob");
    own.client.send({ type: "kick", user: bob.welcome.you.id });
    await bob.client.closed();
    await nextLeftOf(own.client, bob.welcome.you.id);

    const again = await enter(room, "bob", { token: bob.welcome.token });
    expect(again.welcome.you.id).not.toBe(bob.welcome.you.id);
    expect(again.welcome.you.name).toBe("bob");
    const joined = await own.client.next("joined");
    expect(joined.user.id).toBe(again.welcome.you.id);
    expect(again.welcome.users.map((u) => u.id)).not.toContain(bob.welcome.you.id);
    // The new session posts like anyone.
    const m = await post(again.client, "back again");
    expect(m.user.id).toBe(again.welcome.you.id);
  });

  it("an away session can be kicked: left reason kick, its token starts a fresh session", async () => {
    const { room, ownerKey } = await createRoom();
    const own = await enterAsOwner(room, "olive", ownerKey);
    const bob = await enter(room, "bob");
    bob.client.close();
    await own.client.next("away");
    own.client.send({ type: "kick", user: bob.welcome.you.id });
    expect((await nextLeftOf(own.client, bob.welcome.you.id)).reason).toBe("kick");
    const c = await connect(room);
    c.send(joinFrame("bob", { token: bob.welcome.token }));
    expect((await c.next("welcome")).you.id).not.toBe(bob.welcome.you.id);
  });
});
