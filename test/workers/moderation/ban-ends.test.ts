// (v2) Bans end on their own. With the clock moved past `until` (Date.now,
// shared by the test and the worker), the banned address's upgrade works
// again at once; the room's alarm is set for the end, and when it runs (runDurableObjectAlarm), the
// ended ban is removed and every owner gets `bans` without it (a ban still
// in force stays listed).
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { randomAddress, roomStub, shiftClock, upgrade } from "../helpers";
import { LIMITS } from "../limits";
import { createRoom, enter, enterAsOwner } from "./support";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the end of a ban", () => {
  it("after until the upgrade works, and the alarm tells owners bans without it", async () => {
    const { room, ownerKey } = await createRoom();
    const own = await enterAsOwner(room, "olive", ownerKey);
    const watcher = await enterAsOwner(room, "otto", ownerKey);
    const shortIp = randomAddress();
    const longIp = randomAddress();
    const shortBan = await enter(room, "bob", { ip: shortIp });
    const longBan = await enter(room, "carl", { ip: longIp });

    own.client.send({ type: "ban", user: shortBan.welcome.you.id, minutes: 1 });
    const first = (await own.client.next("bans")).bans;
    own.client.send({ type: "ban", user: longBan.welcome.you.id, minutes: 10 });
    const both = (await own.client.next("bans")).bans;
    expect(both.map((b) => b.tag).sort()).toEqual(
      [shortBan.welcome.you.tag, longBan.welcome.you.tag].sort(),
    );
    const short = first[0];
    if (!short) throw new Error("no ban");
    await watcher.client.next("bans");
    await watcher.client.next("bans");
    // Once the joins' own timeouts are past, the room's alarm is set for the first ban's end.
    await new Promise((r) => setTimeout(r, LIMITS.JOIN_TIMEOUT_MS + 300));
    const alarm = await runInDurableObject(roomStub(room), (_, state) => state.storage.getAlarm());
    expect(alarm).toBe(short.until);

    // Still banned just before until.
    shiftClock({ at: short.until - 1 });
    expect((await upgrade(room, { ip: shortIp })).status).toBe(403);

    // Past until: the upgrade works even before the alarm has run.
    shiftClock({ at: short.until + 1 });
    const back = await enter(room, "bob", { ip: shortIp });
    expect(back.welcome.you.tag).toBe(shortBan.welcome.you.tag);
    expect((await upgrade(room, { ip: longIp })).status).toBe(403);

    // The alarm removes the ended ban and tells the owners.
    expect(await runDurableObjectAlarm(roomStub(room))).toBe(true);
    for (const c of [own.client, watcher.client]) {
      const { bans } = await c.next("bans");
      expect(bans).toEqual(both.filter((b) => b.tag === longBan.welcome.you.tag));
    }
    await back.client.expectNothing(200, "bans");
    const later = await enterAsOwner(room, "oscar", ownerKey);
    expect(later.welcome.bans?.map((b) => b.tag)).toEqual([longBan.welcome.you.tag]);
  });

  it("after its end the tag is no longer banned: an unban of it is user_unknown", async () => {
    const { room, ownerKey } = await createRoom();
    const own = await enterAsOwner(room, "olive", ownerKey);
    const bob = await enter(room, "bob");
    own.client.send({ type: "ban", user: bob.welcome.you.id, minutes: 1 });
    const [ban] = (await own.client.next("bans")).bans;
    if (!ban) throw new Error("no ban");
    shiftClock({ at: ban.until + 1 });
    own.client.send({ type: "unban", tag: ban.tag });
    expect((await own.client.next("error")).code).toBe("user_unknown");
  });
});
