// The room keeps its list of users in memory (worker/room.ts `roster`)
// instead of reading the sessions table on every join. What a joiner's
// welcome lists must still be exactly the stored sessions, in join order,
// each with its away state, through joins, drops, resumes, leaves, `quit()`
// and the end of a grace period.
import { describe, expect, it } from "vitest";
import { freshRoom, join } from "../helpers";
import { LIMITS } from "../limits";

type Joined = Awaited<ReturnType<typeof join>>;
const listed = (j: Joined) => j.welcome.users.map((u) => [u.name, u.away]);

describe("the users a welcome lists", () => {
  it("follow every change to the sessions, in join order", async () => {
    const room = freshRoom();
    const alice = await join(room, "alice");
    const bob = await join(room, "bob");
    const carol = await join(room, "carol");
    expect(listed(carol)).toEqual([
      ["alice", false],
      ["bob", false],
      ["carol", false],
    ]);

    // bob drops (away), carol leaves, dave joins.
    bob.client.close();
    await alice.client.next("away");
    carol.client.send({ type: "leave" });
    await alice.client.next("left");
    const dave = await join(room, "dave");
    expect(listed(dave)).toEqual([
      ["alice", false],
      ["bob", true],
      ["dave", false],
    ]);

    // bob resumes: back in his own place, not at the end.
    const bob2 = await join(room, "bob", { token: bob.welcome.token });
    expect(listed(bob2)).toEqual([
      ["alice", false],
      ["bob", false],
      ["dave", false],
    ]);

    // dave quits with quit(); the name carol gave up is free for a newcomer.
    dave.client.send({ type: "send", id: "roster-quit-0001", text: "quit()" });
    await alice.client.next("left");
    const carol2 = await join(room, "carol");
    expect(listed(carol2)).toEqual([
      ["alice", false],
      ["bob", false],
      ["carol", false],
    ]);

    // alice drops and her grace runs out: she is gone for the next joiner.
    alice.client.close();
    await bob2.client.next("away");
    await bob2.client.next("left", LIMITS.RESUME_GRACE_MS + 4000);
    const erin = await join(room, "erin");
    expect(listed(erin)).toEqual([
      ["bob", false],
      ["carol", false],
      ["erin", false],
    ]);
  });

  it("count toward MAX_USERS until they end", async () => {
    const room = freshRoom();
    const people: Joined[] = [];
    for (let i = 0; i < LIMITS.MAX_USERS; i++) {
      people.push(await join(room, `p${i}`, { ip: `198.51.100.${i + 1}` }));
    }
    // One leaves: there is room for exactly one more.
    people[0]?.client.send({ type: "leave" });
    await people[1]?.client.next("left");
    const late = await join(room, "late", { ip: "198.51.100.200" });
    expect(late.welcome.users).toHaveLength(LIMITS.MAX_USERS);
  });
});
