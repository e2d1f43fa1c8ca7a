// (v2) Bans are stored: after the room's object is dropped and rebuilt from
// storage alone (every socket closed, the idle object evicted, as in
// test/workers/conversation/rev-after-restart.test.ts), the banned address
// is still refused with 403 banned, an owner's welcome still lists the ban
// with the same tag and until, and another address still joins.
import { describe, expect, it } from "vitest";
import type { HttpError } from "../../../protocol";
import { randomAddress, upgrade } from "../helpers";
import { createRoom, enter, enterAsOwner, restart } from "./support";

describe("a ban after a restart", () => {
  it("still holds", async () => {
    const { room, ownerKey } = await createRoom();
    const own = await enterAsOwner(room, "olive", ownerKey);
    const ip = randomAddress();
    const bob = await enter(room, "bob", { ip });
    own.client.send({ type: "ban", user: bob.welcome.you.id, minutes: 30 });
    await bob.client.closed();
    const { bans } = await own.client.next("bans");
    expect(bans).toHaveLength(1);

    await restart(room, [own.client]);

    const res = await upgrade(room, { ip });
    expect(res.status).toBe(403);
    expect(((await res.json()) as HttpError).error.code).toBe("banned");
    const again = await enterAsOwner(room, "olive", ownerKey);
    expect(again.welcome.bans).toEqual(bans);
    const carol = await enter(room, "carol");
    expect(carol.welcome.you.name).toBe("carol");
  }, 40_000);
});
