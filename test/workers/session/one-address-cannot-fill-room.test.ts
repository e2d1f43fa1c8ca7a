// Finding: sessions dropped without leave counted toward MAX_USERS for the
// grace period and joins were not limited, so one address filled a room by
// connect-join-drop (1000 sessions in 7 s) and the next person got
// room_full. Now one address holds at most MAX_CONN_PER_IP sessions of a
// room: after ten quick connect-join-drops from one address (within the join
// burst), someone from another address still gets in.
import { describe, expect, it } from "vitest";
import { connectWhenAllowed, freshRoom, HARDENING_LIMITS } from "../helpers";
import { LIMITS } from "../limits";

const ATTACKER = "198.51.100.71";

describe("one address cannot fill a room", () => {
  it("connect-join-drop from one address leaves room for others", async () => {
    expect(HARDENING_LIMITS.JOIN_BURST).toBeGreaterThanOrEqual(10);
    expect(LIMITS.MAX_USERS).toBeGreaterThan(LIMITS.MAX_CONN_PER_IP);
    const room = freshRoom();
    let tag: string | undefined;
    for (let i = 0; i < 10; i++) {
      const c = await connectWhenAllowed(room, { ip: ATTACKER });
      c.send({ type: "join", name: `bot${i}` });
      // The attacker takes whatever answer comes, and drops the connection.
      const answer = await c.next();
      if (answer.type === "welcome") tag = answer.you.tag;
      c.close();
    }
    expect(tag).toBeDefined();

    const person = await connectWhenAllowed(room, { ip: "198.51.100.72" });
    person.send({ type: "join", name: "person" });
    const answer = await person.next();
    // Not error room_full.
    expect(answer.type === "error" ? answer.code : answer.type).toBe("welcome");
    if (answer.type !== "welcome") return;
    expect(answer.you.name).toBe("person");
    const attackers = answer.users.filter((u) => u.tag === tag);
    expect(attackers.length).toBeLessThanOrEqual(LIMITS.MAX_CONN_PER_IP);
  });
});
