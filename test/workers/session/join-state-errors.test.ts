// The connection's state decides before the content: a second join on a
// joined connection is already_joined; send, typing and leave before a join
// are not_joined (send's error carries its id); none closes the connection.
import { describe, expect, it } from "vitest";
import { connect, freshRoom, getJson, join, newId, post } from "../helpers";

describe("join state errors", () => {
  it("answers a second join on a joined connection with already_joined", async () => {
    const room = freshRoom();
    const alice = await join(room, "alice");
    const bob = await join(room, "bob");
    await alice.client.next("joined");

    bob.client.send({ type: "join", name: "robert" });
    expect((await bob.client.next("error")).code).toBe("already_joined");
    // Even with a name that is invalid: the state comes first.
    bob.client.send({ type: "join", name: "" });
    expect((await bob.client.next("error")).code).toBe("already_joined");

    // Nothing changed: no new session, bob is still bob, the socket is open.
    await alice.client.expectNothing(300, "joined");
    const m = await post(bob.client, "still bob");
    expect(m.user).toEqual({ id: bob.welcome.you.id, name: "bob" });
  });

  it("answers send before join with not_joined carrying the id", async () => {
    const room = freshRoom();
    const c = await connect(room);
    const id = newId();
    c.send({ type: "send", id, text: "hello" });
    const err = await c.next("error");
    expect(err.code).toBe("not_joined");
    expect(err.id).toBe(id);
    // A blank text too: the state comes before the content.
    const id2 = newId();
    c.send({ type: "send", id: id2, text: "   " });
    expect(await c.next("error")).toMatchObject({ code: "not_joined", id: id2 });

    const info = await getJson<{ seq: number }>(`/api/rooms/${encodeURIComponent(room)}`);
    expect(info.body.seq).toBe(0);
  });

  it("answers typing and leave before join with not_joined, and stays open", async () => {
    const room = freshRoom();
    const alice = await join(room, "alice");
    const c = await connect(room, { ip: "198.51.100.2" });
    c.send({ type: "typing" });
    expect((await c.next("error")).code).toBe("not_joined");
    c.send({ type: "leave" });
    expect((await c.next("error")).code).toBe("not_joined");
    await alice.client.expectNothing(300);

    // Still open: it can join now.
    c.send({ type: "join", name: "bob" });
    const welcome = await c.next("welcome");
    expect(welcome.you.name).toBe("bob");
    expect((await alice.client.next("joined")).user.id).toBe(welcome.you.id);
  });
});
