// A platform fact the room relies on, pinned: an object reached with
// `getByName(name)` reads that name as `ctx.id.name`, so the room needs no
// header and no stored row to know its own name (worker/room.ts). The name
// in `welcome` and in the room's info is that name, also for a name that is
// not ASCII. (After a wake from hibernation: test/live/hibernation.test.ts,
// whose `room_started` lines are found by the room's name.)
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { RoomInfo } from "../../../protocol";
import type { Env } from "../../../worker/config";
import { freshRoom, getJson, join } from "../helpers";

describe("the room's name", () => {
  it("is ctx.id.name, given by getByName", async () => {
    const room = freshRoom("name");
    const stub = (env as unknown as Env).ROOM.getByName(room);
    expect(await runInDurableObject(stub, (_, state) => state.id.name)).toBe(room);
  });

  it("is what welcome and the room's info say, in its normal form", async () => {
    const room = `café-${freshRoom()}`;
    const { welcome } = await join(room, "alice");
    expect(welcome.room).toBe(room);
    const info = await getJson<RoomInfo>(`/api/rooms/${encodeURIComponent(room)}`);
    expect(info.body.room).toBe(room);
  });
});
