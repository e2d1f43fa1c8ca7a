// A join with the token of an earlier welcome, after the connection dropped,
// resumes that session: same id, name and joinedAt, whatever `name` says.
// An unknown token is ignored and the join is a fresh one under `name`.
import { describe, expect, it } from "vitest";
import { freshRoom, join, post } from "../helpers";

describe("resume with a token", () => {
  it("gives back the same id, name and joinedAt, ignoring the name field", async () => {
    const room = freshRoom();
    const alice = await join(room, "alice");
    const bob = await join(room, "bob");
    bob.client.close();
    await alice.client.next("away");

    const again = await join(room, "someone-else", { token: bob.welcome.token });
    expect(again.welcome.you).toMatchObject({
      id: bob.welcome.you.id,
      name: "bob",
      joinedAt: bob.welcome.you.joinedAt,
      away: false,
    });
    // Still one session for bob, none for "someone-else".
    expect(again.welcome.users.map((u) => u.name).sort()).toEqual(["alice", "bob"]);
    await alice.client.expectNothing(200, "joined");

    // It speaks as the same user.
    const m = await post(again.client, "back again");
    expect(m.user).toEqual({ id: bob.welcome.you.id, name: "bob" });
  });

  it("ignores the name field even when that name belongs to someone else", async () => {
    const room = freshRoom();
    const alice = await join(room, "alice");
    const bob = await join(room, "bob");
    bob.client.close();
    await alice.client.next("away");
    const again = await join(room, "alice", { token: bob.welcome.token });
    expect(again.welcome.you.id).toBe(bob.welcome.you.id);
    expect(again.welcome.you.name).toBe("bob");
  });

  it("treats an unknown token as a fresh join under the given name", async () => {
    const room = freshRoom();
    const alice = await join(room, "alice");
    const bob = await join(room, "bob", { token: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" });
    expect(bob.welcome.you.name).toBe("bob");
    expect(bob.welcome.you.id).not.toBe(alice.welcome.you.id);
    expect(bob.welcome.token).not.toBe("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    expect((await alice.client.next("joined")).user).toEqual(bob.welcome.you);
  });

  it("does not resume a session of another room with its token", async () => {
    const roomA = freshRoom();
    const roomB = freshRoom();
    const bob = await join(roomA, "bob");
    bob.client.close();
    const other = await join(roomB, "carol", { token: bob.welcome.token });
    expect(other.welcome.you.id).not.toBe(bob.welcome.you.id);
    expect(other.welcome.you.name).toBe("carol");
  });
});
