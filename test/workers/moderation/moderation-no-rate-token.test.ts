// (v2) Owners' moderation frames take no rate token: an owner that has used
// its whole send bucket (RATE_BURST sends, the next one `rate_limited`; owners
// are not exempt from the rate limits) can still kick, mute, ban, unban and
// change settings at once, and its sends are still refused after them.
// The clock is pinned so that the bucket cannot refill while a loaded machine
// runs the test slowly (it once did, and "one too many" went through). Each
// frame waits for its answer before the next is sent: this runtime may hand
// the room frames sent at once on one test socket in another order (seen
// under load, the unban before the ban), and this test is not about order.
import { afterEach, describe, expect, it, vi } from "vitest";
import { newId, postReply, shiftClock } from "../helpers";
import { LIMITS } from "../limits";
import { createRoom, enter, enterAsOwner, nextLeftOf, nextUserOf } from "./support";

afterEach(() => {
  vi.restoreAllMocks();
});

// Generous waits: the full workers run on a loaded machine once took more
// than 5 s here.
describe("moderation and the rate limit", () => {
  it("kick, mute, ban, unban and settings work with an empty send bucket", async () => {
    shiftClock({ at: Date.now() });
    const { room, ownerKey } = await createRoom();
    const own = await enterAsOwner(room, "olive", ownerKey);
    const alice = await enter(room, "alice");
    const bob = await enter(room, "bob");
    const carl = await enter(room, "carl");

    for (let i = 0; i < LIMITS.RATE_BURST; i++) await postReply(own.client, `m${i}`);
    const id = newId();
    own.client.send({ type: "send", id, text: "one too many" });
    expect(await own.client.next("error")).toMatchObject({ code: "rate_limited", id });

    own.client.send({ type: "mute", user: alice.welcome.you.id, minutes: 5 });
    expect(
      (await nextUserOf(own.client, alice.welcome.you.id, 15_000)).user.mutedUntil,
    ).toBeGreaterThan(Date.now());
    own.client.send({ type: "kick", user: bob.welcome.you.id });
    expect((await nextLeftOf(own.client, bob.welcome.you.id, 15_000)).reason).toBe("kick");
    own.client.send({ type: "ban", user: carl.welcome.you.id, minutes: 5 });
    expect((await nextLeftOf(own.client, carl.welcome.you.id, 15_000)).reason).toBe("ban");
    expect((await own.client.next("bans", 15_000)).bans.map((b) => b.tag)).toEqual([
      carl.welcome.you.tag,
    ]);
    own.client.send({ type: "settings", topic: "quiet please" });
    expect((await own.client.next("settings", 15_000)).settings.topic).toBe("quiet please");
    own.client.send({ type: "unban", tag: carl.welcome.you.tag });
    expect((await own.client.next("bans", 15_000)).bans).toEqual([]);
    await own.client.expectNothing(100, "error");

    // Sends are still limited: moderation did not refill the bucket either.
    const id2 = newId();
    own.client.send({ type: "send", id: id2, text: "still too many" });
    expect(await own.client.next("error")).toMatchObject({ code: "rate_limited", id: id2 });
  });
});
