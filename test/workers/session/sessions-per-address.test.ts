// One address holds at most MAX_CONN_PER_IP sessions in a room, live and away
// together. A fresh join past that makes room by ending the session of the
// address that has been away the longest (the others see it leave with
// reason "disconnect", then the newcomer join); when every session of the
// address is live, the join gets error too_many_sessions and its connection
// stays open. A session keeps the address that made it, also after a
// takeover from another address.
import { describe, expect, it } from "vitest";
import type { ServerFrame } from "../../../protocol";
import { connectWhenAllowed, freshRoom, join } from "../helpers";
import { LIMITS } from "../limits";

const IP_A = "198.51.100.61";
const IP_B = "198.51.100.62";
const IP_OBSERVER = "198.51.100.63";

const notices = (frames: (ServerFrame | string)[]) =>
  frames.filter(
    (f): f is Extract<ServerFrame, { type: "joined" | "left" }> =>
      typeof f !== "string" && (f.type === "joined" || f.type === "left"),
  );

describe("sessions per address", () => {
  it("a fresh join past the cap ends the session away the longest", async () => {
    expect(LIMITS.MAX_CONN_PER_IP).toBe(4);
    const room = freshRoom();
    const observer = await join(room, "observer", { ip: IP_OBSERVER });
    const dropped = [];
    for (let i = 0; i < LIMITS.MAX_CONN_PER_IP; i++) {
      dropped.push(await join(room, `a${i}`, { ip: IP_A }));
      await observer.client.next("joined");
    }
    const tag = dropped[0]?.welcome.you.tag;
    // Dropped without leave, oldest first: each is away for the grace period.
    for (const s of dropped) {
      s.client.close();
      expect((await observer.client.next("away")).user.id).toBe(s.welcome.you.id);
    }

    const fifth = await connectWhenAllowed(room, { ip: IP_A });
    fifth.send({ type: "join", name: "a-fifth" });
    const welcome = await fifth.next("welcome");
    expect(welcome.you.tag).toBe(tag);
    // The address has its cap of sessions, no more: three away, the new one.
    const ofAddress = welcome.users.filter((u) => u.tag === tag);
    expect(ofAddress).toHaveLength(LIMITS.MAX_CONN_PER_IP);
    expect(ofAddress.map((u) => u.id)).not.toContain(dropped[0]?.welcome.you.id);
    expect(welcome.users).toHaveLength(LIMITS.MAX_CONN_PER_IP + 1);

    // The others saw the oldest away session leave, and then the newcomer join.
    const joined = await observer.client.next("joined");
    expect(joined.user.id).toBe(welcome.you.id);
    const tail = notices(observer.client.frames).slice(-2);
    expect(tail.map((f) => f.type)).toEqual(["left", "joined"]);
    expect(tail[0]).toMatchObject({
      type: "left",
      reason: "disconnect",
      user: { id: dropped[0]?.welcome.you.id },
    });

    // Once more: the next oldest away session makes room.
    const sixth = await connectWhenAllowed(room, { ip: IP_A });
    sixth.send({ type: "join", name: "a-sixth" });
    const welcome6 = await sixth.next("welcome");
    const ofAddress6 = welcome6.users.filter((u) => u.tag === tag);
    expect(ofAddress6).toHaveLength(LIMITS.MAX_CONN_PER_IP);
    expect(ofAddress6.map((u) => u.id)).not.toContain(dropped[1]?.welcome.you.id);
    await observer.client.next("joined");
    const tail6 = notices(observer.client.frames).slice(-2);
    expect(tail6.map((f) => f.type)).toEqual(["left", "joined"]);
    expect(tail6[0]).toMatchObject({
      reason: "disconnect",
      user: { id: dropped[1]?.welcome.you.id },
    });
  });

  it("refuses too_many_sessions when every session of the address is live, connection open", async () => {
    const room = freshRoom();
    const observer = await join(room, "observer", { ip: IP_OBSERVER });
    // Four sessions made from A, each taken over from a connection of B: the
    // sessions are live, on B's sockets, and still A's.
    const onB = [];
    for (let i = 0; i < LIMITS.MAX_CONN_PER_IP; i++) {
      const made = await join(room, `a${i}`, { ip: IP_A });
      await observer.client.next("joined");
      const taken = await join(room, `a${i}`, { ip: IP_B, token: made.welcome.token });
      expect(taken.welcome.you).toMatchObject({ id: made.welcome.you.id, away: false });
      expect((await made.client.closed()).code).toBe(4000);
      onB.push(taken);
    }

    const fresh = await connectWhenAllowed(room, { ip: IP_A });
    fresh.send({ type: "join", name: "a-fresh" });
    const refused = await fresh.next();
    expect(refused).toMatchObject({ type: "error", code: "too_many_sessions" });
    // The connection is open: another frame gets an answer.
    fresh.send({ type: "join", name: "a-fresh" });
    expect(await fresh.next()).toMatchObject({ type: "error", code: "too_many_sessions" });
    // Nobody joined or left.
    await observer.client.expectNothing(200);

    // One of A's sessions leaves; the same connection joins now.
    onB[0]?.client.send({ type: "leave" });
    await observer.client.next("left");
    fresh.send({ type: "join", name: "a-fresh" });
    const welcome = await fresh.next("welcome");
    expect(welcome.you.name).toBe("a-fresh");
    expect(welcome.users.filter((u) => u.tag === welcome.you.tag)).toHaveLength(
      LIMITS.MAX_CONN_PER_IP,
    );
  });
});
