// (v2) `join.ownerKey`: in a room made with POST /api/rooms, joining with the
// key it answered makes the session an owner, `role: "owner"` in its own
// welcome, in the `joined` the others get and in the `users` of later
// welcomes. A wrong key is `error forbidden`, the connection stays open and
// a later join without a key works (as a plain session). A resumed session
// keeps its role (resumed without the key), and the role is stored (an
// object rebuilt from storage still knows it); the room keeps the key's
// SHA-256, never the key. The deployment's ADMIN_KEY is an
// owner key of every room, also of one that has no owner (and it does not
// make that room owned).
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { connect, freshRoom, roomInfo, roomStub, unbatch } from "../helpers";
import { ADMIN_KEY, createRoom, enter, joinFrame, storageText } from "./support";

const MARK = Symbol.for("roomchat.test.moderation.owner-before-hibernation");

describe("joining with the owner key", () => {
  it("gives role owner, seen by all in joined and in welcome users", async () => {
    const { room, ownerKey } = await createRoom();
    const bob = await enter(room, "bob");
    expect(bob.welcome.you.role).toBeUndefined();

    const own = await enter(room, "olive", { ownerKey });
    expect(own.welcome.you.role).toBe("owner");
    expect(own.welcome.users.find((u) => u.id === own.welcome.you.id)?.role).toBe("owner");
    expect(own.welcome.users.find((u) => u.id === bob.welcome.you.id)?.role).toBeUndefined();

    const joined = await bob.client.next("joined");
    expect(joined.user).toMatchObject({ id: own.welcome.you.id, name: "olive", role: "owner" });

    const carol = await enter(room, "carol");
    expect(carol.welcome.users.find((u) => u.id === own.welcome.you.id)?.role).toBe("owner");
    expect(carol.welcome.you.role).toBeUndefined();
    // The key is never echoed.
    for (const c of [bob.client, own.client, carol.client]) {
      expect(JSON.stringify(c.frames)).not.toContain(ownerKey);
    }
  });

  it("a wrong key is error forbidden; the connection stays open and a join without it works", async () => {
    const { room, ownerKey } = await createRoom();
    const bob = await enter(room, "bob");
    const client = unbatch(await connect(room));
    client.send(joinFrame("mallory", { ownerKey: `${ownerKey}x` }));
    const error = await client.next("error");
    expect(error.code).toBe("forbidden");
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    await bob.client.expectNothing(200, "joined");

    client.send(joinFrame("mallory"));
    const welcome = await client.next("welcome");
    expect(welcome.you.name).toBe("mallory");
    expect(welcome.you.role).toBeUndefined();
    expect((await bob.client.next("joined")).user.role).toBeUndefined();
  });

  it("an empty key and another room's key are wrong too", async () => {
    const { room } = await createRoom();
    const other = await createRoom();
    for (const key of ["", other.ownerKey]) {
      const client = unbatch(await connect(room));
      client.send(joinFrame("mallory", { ownerKey: key }));
      expect((await client.next("error")).code).toBe("forbidden");
      expect(client.ws.readyState).toBe(WebSocket.OPEN);
      client.close();
    }
  });

  it("a resumed session keeps its role", async () => {
    const { room, ownerKey } = await createRoom();
    const bob = await enter(room, "bob");
    const own = await enter(room, "olive", { ownerKey });
    await bob.client.next("joined");
    own.client.close();
    await bob.client.next("away");

    // Resumed with its token alone, without the key.
    const again = await enter(room, "ignored", { token: own.welcome.token });
    expect(again.welcome.you).toMatchObject({ id: own.welcome.you.id, role: "owner" });
    const back = await bob.client.next("back");
    expect(back.user).toMatchObject({ id: own.welcome.you.id, role: "owner" });
    // And it may still act as an owner.
    again.client.send({ type: "settings", topic: "still mine" });
    expect((await bob.client.next("settings")).settings.topic).toBe("still mine");
  });

  it("ADMIN_KEY is an owner key in any room, owned or not", async () => {
    expect(ADMIN_KEY.length).toBeGreaterThan(0);
    const made = await createRoom();
    const a = await enter(made.room, "admin", { ownerKey: ADMIN_KEY });
    expect(a.welcome.you.role).toBe("owner");

    const plain = freshRoom("mod");
    const b = await enter(plain, "admin", { ownerKey: ADMIN_KEY });
    expect(b.welcome.you.role).toBe("owner");
    // ADMIN_KEY does not make a room owned.
    expect(b.welcome.settings.owned).toBe(false);
    expect((await roomInfo(plain)).settings.owned).toBe(false);
  });

  it("in a room with no owner key, any other key is forbidden", async () => {
    const plain = freshRoom("mod");
    const client = unbatch(await connect(plain));
    client.send(joinFrame("mallory", { ownerKey: "not-a-key-of-this-room" }));
    expect((await client.next("error")).code).toBe("forbidden");
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
  });

  it("the role is stored: an object rebuilt from storage (hibernation) still knows its owner", async () => {
    const { room, ownerKey } = await createRoom();
    const own = await enter(room, "olive", { ownerKey });
    const bob = await enter(room, "bob");
    await runInDurableObject(roomStub(room), (instance) => {
      (instance as unknown as Record<symbol, boolean>)[MARK] = true;
    });
    // About 10 s without events: workerd drops the object, the sockets stay.
    await new Promise((r) => setTimeout(r, 12_000));
    own.client.send({ type: "settings", topic: "after the rebuild" });
    expect((await bob.client.next("settings")).settings.topic).toBe("after the rebuild");
    bob.client.send({ type: "settings", topic: "mine?" });
    expect((await bob.client.next("error")).code).toBe("forbidden");
    const rebuilt = await runInDurableObject(
      roomStub(room),
      (instance) => !(instance as unknown as Record<symbol, boolean>)[MARK],
    );
    expect(rebuilt, "the object was not rebuilt: nothing was proven").toBe(true);
    expect((await enter(room, "carol")).welcome.users.find((u) => u.name === "olive")?.role).toBe(
      "owner",
    );
  }, 40_000);

  it("the room keeps only the key's SHA-256, never the key", async () => {
    const { room, ownerKey } = await createRoom();
    await enter(room, "olive", { ownerKey });
    const digest = new Uint8Array(
      await crypto.subtle.digest("SHA-256", new TextEncoder().encode(ownerKey)),
    );
    const hex = [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
    const stored = await storageText(room);
    expect(stored).not.toContain(ownerKey);
    expect(stored).toContain(hex);
    expect(stored).not.toContain(ADMIN_KEY);
  });
});
