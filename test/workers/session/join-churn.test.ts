// Finding: 150 join/leave cycles in under 2 s pushed 300 notices, with names
// the attacker chose, to every member. With a join bucket per address, one
// address doing 30 join/leave cycles as fast as it can costs the others at
// most 2 × JOIN_BURST joined/left notices, and the attacker is told
// rate_limited for the rest.
import { describe, expect, it } from "vitest";
import { type Client, connectWhenAllowed, freshRoom, HARDENING_LIMITS, join } from "../helpers";

const ATTACKER = "198.51.100.91";
const CYCLES = 30;

describe("join churn", () => {
  it("30 join/leave cycles from one address reach the others as at most 2 × JOIN_BURST notices", async () => {
    const room = freshRoom();
    const observer = await join(room, "observer", { ip: "198.51.100.92" });

    const refusals: string[] = [];
    let c: Client = await connectWhenAllowed(room, { ip: ATTACKER });
    for (let i = 0; i < CYCLES; i++) {
      c.send({ type: "join", name: `spam${i}` });
      const answer = await c.next();
      if (answer.type === "welcome") {
        c.send({ type: "leave" });
        await c.closed();
        if (i < CYCLES - 1) c = await connectWhenAllowed(room, { ip: ATTACKER });
      } else if (answer.type === "error") {
        // Refused: the attacker tries again at once, on the same connection.
        refusals.push(answer.code);
      }
    }
    c.close();

    // A last join from elsewhere: once the observer has its notice, it has
    // every notice the room sent before it.
    const marker = await join(room, "marker", { ip: "198.51.100.93" });
    for (;;) {
      const joined = await observer.client.next("joined");
      if (joined.user.id === marker.welcome.you.id) break;
    }
    const notices = observer.client.frames.filter(
      (f) =>
        typeof f !== "string" &&
        (f.type === "joined" || f.type === "left") &&
        f.user.id !== marker.welcome.you.id,
    );
    expect(notices.length).toBeLessThanOrEqual(2 * HARDENING_LIMITS.JOIN_BURST);
    expect(refusals.length).toBeGreaterThan(0);
    expect(new Set(refusals)).toEqual(new Set(["rate_limited"]));
  });
});
