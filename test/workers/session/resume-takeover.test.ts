// A join with the token of a session whose connection is still live takes the
// session over: the older connection is closed with 4000, the new one gets a
// welcome for the same session, and the others are told nothing.
import { describe, expect, it } from "vitest";
import { freshRoom, getJson, join, post } from "../helpers";

describe("resume takeover", () => {
  it("closes the older live connection with 4000 and tells the others nothing", async () => {
    const room = freshRoom();
    const alice = await join(room, "alice");
    const bob = await join(room, "bob");
    await alice.client.next("joined");

    const bob2 = await join(room, "whoever", { token: bob.welcome.token, ip: "198.51.100.2" });
    expect(bob2.welcome.you).toMatchObject({
      id: bob.welcome.you.id,
      name: "bob",
      joinedAt: bob.welcome.you.joinedAt,
      away: false,
    });
    const closed = await bob.client.closed();
    expect(closed.code).toBe(4000);

    // No away, back, joined or left: for the others nothing happened.
    await alice.client.expectNothing(500);
    expect(alice.client.frames.map((f) => (typeof f === "string" ? f : f.type))).toEqual([
      "welcome",
      "joined",
    ]);

    // The session is live on the new connection, and still one session.
    const info = await getJson<{ online: number }>(`/api/rooms/${encodeURIComponent(room)}`);
    expect(info.body.online).toBe(2);
    expect(bob2.welcome.users).toHaveLength(2);
    const m = await post(bob2.client, "from the new tab");
    expect(m.user.id).toBe(bob.welcome.you.id);
    expect((await alice.client.next("message")).id).toBe(m.id);
  });

  it("does not mark the session away when the taken-over connection goes", async () => {
    const room = freshRoom();
    const alice = await join(room, "alice");
    const bob = await join(room, "bob");
    await alice.client.next("joined");
    const bob2 = await join(room, "bob", { token: bob.welcome.token, ip: "198.51.100.2" });
    await bob.client.closed();
    await alice.client.expectNothing(500);

    // Dropping the new connection is what makes the session away.
    bob2.client.close();
    const away = await alice.client.next("away");
    expect(away.user.id).toBe(bob.welcome.you.id);
  });
});
