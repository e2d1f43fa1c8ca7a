// `typing` is relayed to the others as {type:"typing", user:{id,name}}, not
// to the typist, at most once per 2 s per session: a second notice within
// 2 s is dropped, one after 2 s is relayed again.
import { describe, expect, it } from "vitest";
import { freshRoom, join } from "../helpers";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("typing", () => {
  it("is relayed to the others with the typist's id and name, not to the typist", async () => {
    const room = freshRoom();
    const alice = await join(room, "alice");
    const bob = await join(room, "bob");
    const carol = await join(room, "carol");
    alice.client.send({ type: "typing" });
    const expected = { type: "typing", user: { id: alice.welcome.you.id, name: "alice" } };
    expect(await bob.client.next("typing")).toEqual(expected);
    expect(await carol.client.next("typing")).toEqual(expected);
    await alice.client.expectNothing(300, "typing");
  });

  it("drops a second notice within 2 s and relays one after 2 s", async () => {
    const room = freshRoom();
    const alice = await join(room, "alice");
    const bob = await join(room, "bob");
    const firstSent = Date.now();
    alice.client.send({ type: "typing" });
    await bob.client.next("typing");
    alice.client.send({ type: "typing" });
    await bob.client.expectNothing(500, "typing");

    await sleep(Math.max(0, firstSent + 2300 - Date.now()));
    alice.client.send({ type: "typing" });
    const again = await bob.client.next("typing");
    expect(again.user.id).toBe(alice.welcome.you.id);
  });

  it("limits each session on its own", async () => {
    const room = freshRoom();
    const alice = await join(room, "alice");
    const bob = await join(room, "bob");
    alice.client.send({ type: "typing" });
    expect((await bob.client.next("typing")).user.id).toBe(alice.welcome.you.id);
    bob.client.send({ type: "typing" });
    expect((await alice.client.next("typing")).user.id).toBe(bob.welcome.you.id);
  });
});
