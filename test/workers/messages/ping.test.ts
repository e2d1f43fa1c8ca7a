// The text frame "ping" is answered "pong", before join as well as after, to
// that connection only; it is not an error (no error frame, and many pings
// neither close the connection nor stop a join).
import { describe, expect, it } from "vitest";
import { connect, freshRoom, join, post } from "../helpers";

describe("ping", () => {
  it("is answered pong before join, and is not a not_joined error", async () => {
    const room = freshRoom();
    const c = await connect(room);
    c.sendRaw("ping");
    expect(await c.nextRaw()).toBe("pong");
    await c.expectNothing(100);
    c.send({ type: "join", name: "alice" });
    expect((await c.next("welcome")).you.name).toBe("alice");
  });

  it("is answered pong after join, to the sender only", async () => {
    const room = freshRoom();
    const a = await join(room, "alice");
    const b = await join(room, "bob");
    await a.client.next("joined");
    a.client.sendRaw("ping");
    expect(await a.client.nextRaw()).toBe("pong");
    await b.client.expectNothing(200);
  });

  it("many pings are not errors: the connection stays open and working", async () => {
    const room = freshRoom();
    const a = await join(room, "alice");
    const n = 60;
    for (let i = 0; i < n; i++) a.client.sendRaw("ping");
    for (let i = 0; i < n; i++) expect(await a.client.nextRaw()).toBe("pong");
    await a.client.expectNothing(100, "error");
    expect((await post(a.client, "after pings")).seq).toBe(1);
  });
});
