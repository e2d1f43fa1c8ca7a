import { describe, expect, it } from "vitest";
import { freshRoom, join, post } from "./helpers";
import { LIMITS } from "./limits";

describe("sanity", () => {
  it("two clients exchange a message", async () => {
    const room = freshRoom();
    const a = await join(room, "alice");
    const b = await join(room, "bob");
    const m = await post(a.client, "hi");
    expect(m.seq).toBe(1);
    const got = await b.client.next("message");
    expect(got.text).toBe("hi");
    expect(LIMITS.HISTORY_LIMIT).toBe(30);
  });
});
