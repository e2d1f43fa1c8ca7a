// Besides the per-session limit, one address may post ADDR_RATE_BURST (60)
// messages at once across all its sessions and rooms, then ADDR_RATE_PER_SEC
// (10/s): past that, sends get `error rate_limited` with their id, and are not posted.
import { describe, expect, it } from "vitest";
import type { ErrorFrame, MessageFrame } from "../../../protocol";
import { type Client, freshRoom, getJson, join, newId } from "../helpers";
import { LIMITS } from "../limits";

// The protocol's defaults; the workers tests run with wrangler.toml's values.
const ADDR_RATE_BURST = 60;

describe("address rate limit", () => {
  it("one address posting from many sessions in several rooms is limited", async () => {
    const ip = "192.0.2.99"; // used by no other test
    const rooms = [freshRoom(), freshRoom(), freshRoom()];
    const clients: Client[] = [];
    for (const room of rooms) {
      for (let i = 0; i < LIMITS.MAX_CONN_PER_IP; i++) {
        clients.push((await join(room, `user${i}`, { ip })).client);
      }
    }
    // 12 sessions, each within its own burst: 120 messages, twice the address burst.
    const perSession = LIMITS.RATE_BURST;
    expect(clients.length * perSession).toBeGreaterThanOrEqual(2 * ADDR_RATE_BURST);
    const sent = new Map<Client, string[]>();
    for (const c of clients) {
      const ids = Array.from({ length: perSession }, () => newId());
      sent.set(c, ids);
      for (const id of ids) c.send({ type: "send", id, text: "flood" });
    }
    let accepted = 0;
    const refused: ErrorFrame[] = [];
    for (const c of clients) {
      const mine = new Set(sent.get(c));
      for (let answered = 0; answered < perSession; ) {
        const f = (await c.next(undefined, 5000)) as MessageFrame | ErrorFrame;
        if (f.type === "message" && mine.has(f.id)) {
          accepted += 1;
          answered += 1;
        } else if (f.type === "error") {
          expect(f.code).toBe("rate_limited");
          expect(mine.has(f.id as string)).toBe(true);
          expect(f.retryAfterMs).toBeGreaterThan(0);
          refused.push(f);
          answered += 1;
        }
      }
    }
    expect(refused.length).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(clients.length * perSession);
    // Refused sends are not posted.
    let stored = 0;
    for (const room of rooms) {
      stored += (await getJson<{ seq: number }>(`/api/rooms/${room}`)).body.seq;
    }
    expect(stored).toBe(accepted);
  });
});
