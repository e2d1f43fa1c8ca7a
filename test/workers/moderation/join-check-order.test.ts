// (v2) The order of the checks of a `join` with an owner key or a trip, as
// docs/protocol.md reads the spec: the frame, `already_joined`,
// `version_unsupported`, then a wrong `ownerKey` (`forbidden`, also on a
// resume with a token, which then does not resume), then a trip secret out
// of its rules (`name_invalid`); for a fresh session then `room_locked`
// (owners exempt), then the name rules. Every refusal leaves the connection
// open. A session that resumes with a valid owner key becomes an owner, and
// the others get `user` with `role: "owner"`.
import { describe, expect, it } from "vitest";
import { connect, unbatch } from "../helpers";
import { createRoom, enter, enterAsOwner, joinFrame, nextUserOf } from "./support";

describe("the order of a join's checks", () => {
  it("already_joined before a wrong key", async () => {
    const { room } = await createRoom();
    const a = await enter(room, "alice");
    a.client.send(joinFrame("alice2", { ownerKey: "wrong" }));
    expect((await a.client.next("error")).code).toBe("already_joined");
  });

  it("version_unsupported before a wrong key", async () => {
    const { room } = await createRoom();
    const c = await connect(room);
    c.send({ ...joinFrame("alice", { ownerKey: "wrong" }), v: 99 });
    expect((await c.next("error")).code).toBe("version_unsupported");
  });

  it("a wrong key before a trip secret out of its rules; the right key then name_invalid", async () => {
    const { room, ownerKey } = await createRoom();
    const c = unbatch(await connect(room));
    c.send(joinFrame("alice#", { ownerKey: "wrong" }));
    expect((await c.next("error")).code).toBe("forbidden");
    c.send(joinFrame("alice#", { ownerKey }));
    expect((await c.next("error")).code).toBe("name_invalid");
    c.send(joinFrame("alice#ok", { ownerKey }));
    expect((await c.next("welcome")).you).toMatchObject({ name: "alice", role: "owner" });
  });

  it("a wrong key before the name rules and before room_locked", async () => {
    const { room, ownerKey } = await createRoom();
    const own = await enterAsOwner(room, "olive", ownerKey);
    const c = await connect(room);
    c.send(joinFrame("   ", { ownerKey: "wrong" }));
    expect((await c.next("error")).code).toBe("forbidden");
    own.client.send({ type: "settings", locked: true });
    await own.client.next("settings");
    c.send(joinFrame("carol", { ownerKey: "wrong" }));
    expect((await c.next("error")).code).toBe("forbidden");
  });

  it("room_locked before the name rules; an owner's fresh join still meets them", async () => {
    const { room, ownerKey } = await createRoom();
    const own = await enterAsOwner(room, "olive", ownerKey);
    own.client.send({ type: "settings", locked: true });
    await own.client.next("settings");
    const c = await connect(room);
    for (const name of ["   ", "olive", "alice#"]) {
      c.send(joinFrame(name));
      const code = (await c.next("error")).code;
      expect(code, name).toBe(name === "alice#" ? "name_invalid" : "room_locked");
    }
    c.send(joinFrame("OLIVE", { ownerKey }));
    expect((await c.next("error")).code).toBe("name_taken");
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
  });

  it("a wrong key on a resume with a token is forbidden and does not resume", async () => {
    const { room, ownerKey } = await createRoom();
    const own = await enterAsOwner(room, "olive", ownerKey);
    const bob = await enter(room, "bob");
    bob.client.close();
    await own.client.next("away");
    const c = await connect(room);
    c.send(joinFrame("bob", { token: bob.welcome.token, ownerKey: "wrong" }));
    expect((await c.next("error")).code).toBe("forbidden");
    await own.client.expectNothing(200, "back");
    // Without the key the same token resumes.
    c.send(joinFrame("bob", { token: bob.welcome.token }));
    expect((await c.next("welcome")).you.id).toBe(bob.welcome.you.id);
  });

  it("a resume with a valid key makes the session an owner; the others get user", async () => {
    const { room, ownerKey } = await createRoom();
    const alice = await enter(room, "alice");
    const bob = await enter(room, "bob");
    await alice.client.next("joined");
    bob.client.close();
    await alice.client.next("away");
    const again = await enter(room, "bob", { token: bob.welcome.token, ownerKey });
    expect(again.welcome.you).toMatchObject({ id: bob.welcome.you.id, role: "owner" });
    expect(again.welcome.bans).toEqual([]);
    const u = await nextUserOf(alice.client, bob.welcome.you.id);
    expect(u.user.role).toBe("owner");
  });
});
