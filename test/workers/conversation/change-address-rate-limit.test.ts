// Changes take their rate token "like a send": also from the address's
// share, ADDR_RATE_BURST (60) at once across all the address's sessions and
// rooms. Twelve sessions of one address, each within its own burst, making
// 120 reactions in three rooms: some are refused with `rate_limited` and
// their seq, and a refused change is not applied (each room's rev counts
// exactly the accepted ones).
import { describe, expect, it } from "vitest";
import { type Client, freshRoom, joinV2, postReply, roomInfo } from "../helpers";
import { LIMITS } from "../limits";

// The protocol's default; the workers tests run with wrangler.toml's value.
const ADDR_RATE_BURST = 60;
const EMOJI = ["😀", "😂", "😍", "😎", "🤔", "😴", "😡", "😭", "👍", "👎"];

describe("changes and the address's rate limit", () => {
  it("one address reacting from many sessions in several rooms is limited", async () => {
    const ip = "192.0.2.113"; // used by no other test
    const rooms = [freshRoom(), freshRoom(), freshRoom()];
    const sessions: { room: string; client: Client; me: string }[] = [];
    const targets = new Map<string, number>();
    for (const room of rooms) {
      // The message to react to, from another address.
      const poster = await joinV2(room, "poster");
      targets.set(room, (await postReply(poster.client, "react to me")).seq);
      for (let i = 0; i < LIMITS.MAX_CONN_PER_IP; i++) {
        const s = await joinV2(room, `user${i}`, { ip });
        sessions.push({ room, client: s.client, me: s.welcome.you.id });
      }
    }
    const perSession = Math.min(LIMITS.RATE_BURST, EMOJI.length);
    expect(sessions.length * perSession).toBeGreaterThanOrEqual(2 * ADDR_RATE_BURST);
    for (const s of sessions) {
      const seq = targets.get(s.room) as number;
      for (const emoji of EMOJI.slice(0, perSession))
        s.client.send({ type: "react", seq, emoji, on: true });
    }

    let accepted = 0;
    let refused = 0;
    const acceptedIn = new Map<string, number>();
    for (const s of sessions) {
      const seq = targets.get(s.room) as number;
      // An update is this session's own when it is the first to show its reaction to an emoji.
      const shown = new Set<string>();
      for (let answered = 0; answered < perSession; ) {
        const f = await s.client.next(undefined, 5000);
        if (f.type === "error") {
          expect(f).toMatchObject({ code: "rate_limited", seq });
          expect(f.retryAfterMs).toBeGreaterThan(0);
          refused += 1;
          answered += 1;
        } else if (f.type === "update") {
          for (const r of f.message.reactions ?? []) {
            if (r.users.includes(s.me) && !shown.has(r.emoji)) {
              shown.add(r.emoji);
              accepted += 1;
              answered += 1;
              acceptedIn.set(s.room, (acceptedIn.get(s.room) ?? 0) + 1);
            }
          }
        }
      }
    }
    expect(refused).toBeGreaterThan(0);
    expect(accepted + refused).toBe(sessions.length * perSession);
    // Refused changes are not applied: each room's rev is its message plus the accepted ones.
    for (const room of rooms) {
      expect((await roomInfo(room)).rev).toBe(1 + (acceptedIn.get(room) ?? 0));
    }
  });
});
