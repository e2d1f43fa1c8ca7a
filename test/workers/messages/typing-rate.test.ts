// `typing` frames do not take from the send rate limit: after many typing
// notices a session still posts its whole burst without a rate_limited error.
import { describe, expect, it } from "vitest";
import { freshRoom, join, newId } from "../helpers";
import { LIMITS } from "../limits";

describe("typing and the rate limit", () => {
  it("typing does not count toward the rate limit", async () => {
    const room = freshRoom();
    const a = await join(room, "alice");
    const b = await join(room, "bob");
    for (let i = 0; i < 3 * LIMITS.RATE_BURST; i++) a.client.send({ type: "typing" });
    const ids = Array.from({ length: LIMITS.RATE_BURST }, () => newId());
    for (const id of ids) a.client.send({ type: "send", id, text: "after typing" });
    const got: string[] = [];
    for (let i = 0; i < ids.length; i++) got.push((await a.client.next("message")).id);
    // Frames sent back to back may be handled in another order; the set is what counts.
    expect(got.sort()).toEqual([...ids].sort());
    await a.client.expectNothing(200, "error");
    expect((await b.client.next("typing")).user.name).toBe("alice");
  });
});
