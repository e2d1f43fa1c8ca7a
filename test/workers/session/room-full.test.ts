// A room holds at most MAX_USERS sessions, away ones included: one more join
// gets error room_full, with its connection left open so that a later join
// on it works once someone has left.
import { describe, expect, it } from "vitest";
import { connect, freshRoom, join } from "../helpers";
import { LIMITS } from "../limits";

/** Fills a room with MAX_USERS sessions, from different addresses. */
async function fill(room: string) {
  const sessions = [];
  for (let i = 0; i < LIMITS.MAX_USERS; i++) {
    sessions.push(await join(room, `user${i}`, { ip: `198.51.100.${20 + i}` }));
  }
  return sessions;
}

describe("room full", () => {
  it("refuses one session more with room_full and keeps the connection open", async () => {
    const room = freshRoom();
    const sessions = await fill(room);
    const late = await connect(room, { ip: "198.51.100.99" });
    late.send({ type: "join", name: "late" });
    expect((await late.next("error")).code).toBe("room_full");
    // The last to join has heard of nobody joining since: the refused one made no session.
    const watcher = sessions[LIMITS.MAX_USERS - 1];
    await watcher?.client.expectNothing(200, "joined");

    // Someone leaves; the same connection joins now.
    const leaver = sessions[0];
    leaver?.client.send({ type: "leave" });
    await leaver?.client.closed();
    await watcher?.client.next("left");
    late.send({ type: "join", name: "late" });
    const welcome = await late.next("welcome");
    expect(welcome.you.name).toBe("late");
    expect(welcome.users).toHaveLength(LIMITS.MAX_USERS);
  });

  it("counts away sessions toward the limit", async () => {
    const room = freshRoom();
    const sessions = await fill(room);
    const dropped = sessions[LIMITS.MAX_USERS - 1];
    dropped?.client.close();
    await sessions[0]?.client.next("away");

    const late = await connect(room, { ip: "198.51.100.99" });
    late.send({ type: "join", name: "late" });
    expect((await late.next("error")).code).toBe("room_full");
  });
});
