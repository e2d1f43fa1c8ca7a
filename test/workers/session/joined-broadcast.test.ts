// A successful join is announced with `joined` to every other joined
// connection, carrying the new session's user; the joiner itself gets only
// its welcome, and a refused join announces nothing.
import { describe, expect, it } from "vitest";
import { connect, freshRoom, join } from "../helpers";

describe("joined", () => {
  it("goes to everyone else with the new user, not to the joiner", async () => {
    const room = freshRoom();
    const a = await join(room, "alice");
    const b = await join(room, "bob");
    expect((await a.client.next("joined")).user).toEqual(b.welcome.you);

    const c = await join(room, "carol");
    expect((await a.client.next("joined")).user).toEqual(c.welcome.you);
    expect((await b.client.next("joined")).user).toEqual(c.welcome.you);

    await c.client.expectNothing(300);
    // Not even before its welcome.
    const types = c.client.frames.map((f) => (typeof f === "string" ? f : f.type));
    expect(types).toEqual(["welcome"]);
    expect(
      b.client.frames.filter((f) => typeof f !== "string" && f.type === "joined"),
    ).toHaveLength(1);
  });

  it("does not go to connections that have not joined", async () => {
    const room = freshRoom();
    const lurker = await connect(room, { ip: "198.51.100.2" });
    await join(room, "alice");
    await lurker.expectNothing(300);
    expect(lurker.frames).toEqual([]);
  });

  it("is not sent for a refused join", async () => {
    const room = freshRoom();
    const a = await join(room, "alice");
    const c = await connect(room, { ip: "198.51.100.2" });
    c.send({ type: "join", name: "ALICE" });
    expect((await c.next("error")).code).toBe("name_taken");
    await a.client.expectNothing(300, "joined");
  });
});
