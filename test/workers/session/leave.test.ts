// `leave` ends the session on purpose: the others get `left` with reason
// "leave" (not `away`), the leaver's socket is closed with 1000, the name is
// free again and the token no longer resumes the session.
import { describe, expect, it } from "vitest";
import { freshRoom, getJson, join } from "../helpers";

describe("leave", () => {
  it("tells the others left/leave and closes the leaver with 1000", async () => {
    const room = freshRoom();
    const alice = await join(room, "alice");
    const bob = await join(room, "bob");
    await alice.client.next("joined");
    bob.client.send({ type: "leave" });

    const left = await alice.client.next("left");
    expect(left.reason).toBe("leave");
    expect(left.user).toMatchObject({ id: bob.welcome.you.id, name: "bob" });
    expect((await bob.client.closed()).code).toBe(1000);
    await alice.client.expectNothing(300, "away");

    const info = await getJson<{ online: number }>(`/api/rooms/${encodeURIComponent(room)}`);
    expect(info.body.online).toBe(1);
  });

  it("frees the name and ends the token", async () => {
    const room = freshRoom();
    const alice = await join(room, "alice");
    const bob = await join(room, "bob");
    bob.client.send({ type: "leave" });
    await bob.client.closed();
    await alice.client.next("left");

    const again = await join(room, "robert", { token: bob.welcome.token });
    expect(again.welcome.you.id).not.toBe(bob.welcome.you.id);
    expect(again.welcome.you.name).toBe("robert");
    expect(again.welcome.users.map((u) => u.name).sort()).toEqual(["alice", "robert"]);

    const bob2 = await join(room, "Bob", { ip: "198.51.100.2" });
    expect(bob2.welcome.you.name).toBe("Bob");
  });
});
