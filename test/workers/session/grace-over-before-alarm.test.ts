// A session whose grace period is over does not resume, even when the alarm
// that ends it has not run yet (a late alarm, or a restart in between): the
// join is a fresh one, and the others see the old session leave.
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Env } from "../../../worker/config";
import { freshRoom, join } from "../helpers";

describe("grace over before the alarm", () => {
  it("makes the token start a fresh session", async () => {
    const room = freshRoom();
    const alice = await join(room, "alice");
    const bob = await join(room, "bob");
    bob.client.close();
    await alice.client.next("away");

    // Move bob's disconnection an hour back, as if the alarm had been missed.
    const stub = (env as unknown as Env).ROOM.getByName(room);
    await runInDurableObject(stub, (_room, state) => {
      state.storage.sql.exec(
        "UPDATE sessions SET away_since = ? WHERE user_id = ?",
        Date.now() - 3_600_000,
        bob.welcome.you.id,
      );
    });

    const again = await join(room, "bob", { token: bob.welcome.token });
    expect(again.welcome.you.id).not.toBe(bob.welcome.you.id);
    expect(again.welcome.token).not.toBe(bob.welcome.token);
    const left = await alice.client.next("left");
    expect(left).toMatchObject({ user: { id: bob.welcome.you.id }, reason: "disconnect" });
    const joined = await alice.client.next("joined");
    expect(joined.user.id).toBe(again.welcome.you.id);
  });
});
