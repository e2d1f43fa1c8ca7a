// Fresh joins are limited per address and room by a bucket of JOIN_BURST
// tokens (refilled at JOIN_PER_SEC): the join past it gets error
// rate_limited with retryAfterMs, and its connection stays open. A resume
// with a token takes no join token and is never limited by it; another room
// and another address have buckets of their own; a join refused for another
// reason (name_taken, name_invalid) takes no token.
import { describe, expect, it } from "vitest";
import { type Client, connectWhenAllowed, freshRoom, HARDENING_LIMITS, join } from "../helpers";

const IP_A = "198.51.100.81";

/** A fresh join that succeeds, then leave, from `ip`. */
async function joinAndLeave(room: string, name: string, ip: string) {
  const c = await connectWhenAllowed(room, { ip });
  c.send({ type: "join", name });
  const answer = await c.next();
  expect(answer.type === "error" ? answer.code : answer.type).toBe("welcome");
  c.send({ type: "leave" });
  await c.closed();
}

/** Sends a fresh join on `c` and expects error rate_limited with a wait. */
async function expectRateLimited(c: Client, name: string) {
  c.send({ type: "join", name });
  const answer = await c.next();
  expect(answer).toMatchObject({ type: "error", code: "rate_limited" });
  if (answer.type !== "error") return;
  expect(answer.retryAfterMs).toBeGreaterThan(0);
}

describe("join rate limit", () => {
  it("refuses the fresh join past the burst, keeps the connection open, lets resumes through", async () => {
    expect(HARDENING_LIMITS.JOIN_BURST).toBe(10);
    const room = freshRoom();
    const observer = await join(room, "observer", { ip: "198.51.100.82" });
    // One session kept (a token of the burst), the others join and leave.
    const keeper = await join(room, "keeper", { ip: IP_A });
    for (let i = 1; i < HARDENING_LIMITS.JOIN_BURST; i++) await joinAndLeave(room, `u${i}`, IP_A);

    const over = await connectWhenAllowed(room, { ip: IP_A });
    await expectRateLimited(over, "one-too-many");
    // The connection is open: a second try on it gets an answer too.
    await expectRateLimited(over, "one-too-many");

    // A resume is not limited: a takeover of the live session…
    const taken = await join(room, "keeper", { ip: IP_A, token: keeper.welcome.token });
    expect(taken.welcome.you.id).toBe(keeper.welcome.you.id);
    expect((await keeper.client.closed()).code).toBe(4000);
    // …and a resume of it once away.
    taken.client.close();
    expect((await observer.client.next("away")).user.id).toBe(keeper.welcome.you.id);
    const back = await join(room, "keeper", { ip: IP_A, token: keeper.welcome.token });
    expect(back.welcome.you.id).toBe(keeper.welcome.you.id);
    await expectRateLimited(over, "one-too-many");

    // Another room, same address: its own bucket.
    const elsewhere = await join(freshRoom(), "someone", { ip: IP_A });
    expect(elsewhere.welcome.you.name).toBe("someone");
    // Same room, another address: its own bucket.
    const other = await join(room, "other", { ip: "198.51.100.83" });
    expect(other.welcome.you.name).toBe("other");
  });

  it("a join refused for another reason takes no join token", async () => {
    const room = freshRoom();
    await join(room, "alice", { ip: "198.51.100.84" });
    const c = await connectWhenAllowed(room, { ip: IP_A });
    for (let i = 0; i < 12; i++) {
      c.send({ type: "join", name: "Alice" });
      expect(await c.next()).toMatchObject({ type: "error", code: "name_taken" });
    }
    for (const name of ["   ", "a\u0007b"]) {
      c.send({ type: "join", name });
      expect(await c.next()).toMatchObject({ type: "error", code: "name_invalid" });
    }
    c.close();

    // The whole burst is still there, and no more.
    for (let i = 0; i < HARDENING_LIMITS.JOIN_BURST; i++) await joinAndLeave(room, `u${i}`, IP_A);
    const over = await connectWhenAllowed(room, { ip: IP_A });
    await expectRateLimited(over, "one-too-many");
  });
});
