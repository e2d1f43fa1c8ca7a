// Names are unique among a room's sessions, compared case-insensitively and
// after NFC, away sessions included, until the session ends; a name is stored
// trimmed and NFC; name_taken leaves the connection open for another join.
import { describe, expect, it } from "vitest";
import { connect, freshRoom, join } from "../helpers";

describe("unique names", () => {
  it("refuses a name that differs only in case, with name_taken", async () => {
    const room = freshRoom();
    await join(room, "Bob");
    for (const name of ["bob", "BOB", " bOb "]) {
      const c = await connect(room, { ip: "198.51.100.2" });
      c.send({ type: "join", name });
      const err = await c.next("error");
      expect(err.code).toBe("name_taken");
      c.close();
    }
  });

  it("leaves the connection open after name_taken: a second join succeeds", async () => {
    const room = freshRoom();
    const bob = await join(room, "Bob");
    const c = await connect(room, { ip: "198.51.100.2" });
    c.send({ type: "join", name: "bob" });
    expect((await c.next("error")).code).toBe("name_taken");
    c.send({ type: "join", name: "bobby" });
    const welcome = await c.next("welcome");
    expect(welcome.you.name).toBe("bobby");
    const joined = await bob.client.next("joined");
    expect(joined.user.name).toBe("bobby");
    // No session was made by the refused join.
    expect(welcome.users.map((u) => u.name).sort()).toEqual(["Bob", "bobby"]);
  });

  it("keeps an away session's name taken during the grace period", async () => {
    const room = freshRoom();
    const alice = await join(room, "alice");
    const bob = await join(room, "Bob");
    bob.client.close();
    const away = await alice.client.next("away");
    expect(away.user.id).toBe(bob.welcome.you.id);

    const c = await connect(room, { ip: "198.51.100.2" });
    c.send({ type: "join", name: "BOB" });
    expect((await c.next("error")).code).toBe("name_taken");
  });

  it("frees the name when its session leaves", async () => {
    const room = freshRoom();
    const alice = await join(room, "alice");
    const bob = await join(room, "Bob");
    bob.client.send({ type: "leave" });
    await alice.client.next("left");
    const again = await join(room, "bob", { ip: "198.51.100.2" });
    expect(again.welcome.you.name).toBe("bob");
    expect(again.welcome.you.id).not.toBe(bob.welcome.you.id);
  });

  it("stores the name trimmed and NFC, and compares it after NFC", async () => {
    const room = freshRoom();
    // "Zoë" with a decomposed ë (e + U+0308), between spaces.
    const { welcome } = await join(room, " Zoe\u0308 ");
    expect(welcome.you.name).toBe("Zo\u00eb");
    expect(welcome.you.name).toHaveLength(3);
    expect(welcome.users[0]?.name).toBe("Zo\u00eb");

    // The precomposed form, and an upper-case decomposed one, are the same name.
    for (const name of ["zo\u00eb", "ZOE\u0308"]) {
      const c = await connect(room, { ip: "198.51.100.2" });
      c.send({ type: "join", name });
      expect((await c.next("error")).code).toBe("name_taken");
      c.close();
    }
  });
});
