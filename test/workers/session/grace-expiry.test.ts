// A session whose connection dropped without `leave` ends when the grace
// period runs out: the others get `left` with reason "disconnect", its token
// no longer resumes it, and its name is free again.
import { describe, expect, it } from "vitest";
import { freshRoom, join } from "../helpers";
import { LIMITS } from "../limits";

const WAIT = LIMITS.RESUME_GRACE_MS + 4000;

describe("grace expiry", () => {
  it("sends away, then left with reason disconnect", async () => {
    const room = freshRoom();
    const alice = await join(room, "alice");
    const bob = await join(room, "bob");
    bob.client.close();
    const away = await alice.client.next("away");
    expect(away.user.id).toBe(bob.welcome.you.id);
    const left = await alice.client.next("left", WAIT);
    expect(left.reason).toBe("disconnect");
    expect(left.user).toMatchObject({ id: bob.welcome.you.id, name: "bob" });
  });

  it("ends the session: its token starts a fresh session, its name is free", async () => {
    const room = freshRoom();
    const alice = await join(room, "alice");
    const bob = await join(room, "bob");
    bob.client.close();
    await alice.client.next("away");
    await alice.client.next("left", WAIT);

    const again = await join(room, "bobby", { token: bob.welcome.token });
    expect(again.welcome.you.id).not.toBe(bob.welcome.you.id);
    expect(again.welcome.you.name).toBe("bobby");
    expect(again.welcome.users.map((u) => u.name).sort()).toEqual(["alice", "bobby"]);
    // A fresh session is announced as joined, not back.
    expect((await alice.client.next("joined")).user.id).toBe(again.welcome.you.id);
    expect(alice.client.frames.some((f) => typeof f !== "string" && f.type === "back")).toBe(false);

    const bob3 = await join(room, "BOB", { ip: "198.51.100.2" });
    expect(bob3.welcome.you.name).toBe("BOB");
  });

  it("does not end a session that resumed in time", async () => {
    const room = freshRoom();
    const alice = await join(room, "alice");
    const bob = await join(room, "bob");
    bob.client.close();
    await alice.client.next("away");
    const again = await join(room, "bob", { token: bob.welcome.token });
    await alice.client.next("back");
    // Past the grace period of the drop: no `left`.
    await alice.client.expectNothing(LIMITS.RESUME_GRACE_MS + 1000, "left");
    expect(again.client.ws.readyState).toBe(WebSocket.OPEN);
  });
});
