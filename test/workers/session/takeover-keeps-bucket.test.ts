// Finding: a takeover refilled the session's rate bucket (a client sent its
// burst, was limited, re-joined with its own token and sent a burst more).
// The bucket belongs to the session: a send on the connection that took the
// session over is as limited as on the one it replaced, three takeovers
// running, and the same after an away and a resume within the grace.
import { describe, expect, it } from "vitest";
import { type Client, freshRoom, join, newId, post } from "../helpers";
import { LIMITS } from "../limits";

/** Sends one message on `c` and expects error rate_limited for its id, not the echo. */
async function expectLimited(c: Client) {
  const id = newId();
  c.send({ type: "send", id, text: "one more" });
  const answer = await c.next();
  expect(answer).toMatchObject({ type: "error", code: "rate_limited", id });
  if (answer.type !== "error") return;
  expect(answer.retryAfterMs).toBeGreaterThan(0);
}

/** A session that has used its whole burst and was refused once. */
async function exhausted(room: string) {
  const alice = await join(room, "alice");
  for (let i = 0; i < LIMITS.RATE_BURST; i++) await post(alice.client, `m${i}`);
  await expectLimited(alice.client);
  return alice;
}

describe("the rate bucket moves with a takeover", () => {
  it("a send on the taking-over connection is still rate_limited, three takeovers running", async () => {
    const room = freshRoom();
    const alice = await exhausted(room);
    let current = alice.client;
    for (let i = 0; i < 3; i++) {
      const next = await join(room, "alice", { token: alice.welcome.token });
      expect(next.welcome.you.id).toBe(alice.welcome.you.id);
      expect((await current.closed()).code).toBe(4000);
      await expectLimited(next.client);
      current = next.client;
    }
  });

  it("a send after an away and a resume is still rate_limited", async () => {
    const room = freshRoom();
    const bob = await join(room, "bob");
    const alice = await exhausted(room);
    await bob.client.next("joined");
    alice.client.close();
    expect((await bob.client.next("away")).user.id).toBe(alice.welcome.you.id);
    const back = await join(room, "alice", { token: alice.welcome.token });
    expect(back.welcome.you).toMatchObject({ id: alice.welcome.you.id, away: false });
    await expectLimited(back.client);
  });
});
