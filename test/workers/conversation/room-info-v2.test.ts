// GET /api/rooms/:room tells, in version 2, the room's latest `rev` (0 in a
// room without messages) and its `settings` (the defaults in a room without
// an owner), beside `room`, `online` and `seq`: exactly those keys.
import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, type RoomInfo } from "../../../protocol";
import { applyChange, freshRoom, getJson, joinV2, postReply, roomInfo } from "../helpers";

describe("GET /api/rooms/:room (v2)", () => {
  it("tells rev and settings, and rev follows every change", async () => {
    const room = freshRoom();
    const empty = await getJson<RoomInfo>(`/api/rooms/${room}`);
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ room, online: 0, seq: 0, rev: 0, settings: DEFAULT_SETTINGS });

    const a = await joinV2(room, "alice");
    expect(await roomInfo(room)).toEqual({
      room,
      online: 1,
      seq: 0,
      rev: 0,
      settings: DEFAULT_SETTINGS,
    });
    await postReply(a.client, "one");
    await postReply(a.client, "two");
    expect(await roomInfo(room)).toMatchObject({ seq: 2, rev: 2 });
    await applyChange(a.client, { type: "react", seq: 1, emoji: "👍", on: true });
    expect(await roomInfo(room)).toMatchObject({ seq: 2, rev: 3 });
    await applyChange(a.client, { type: "edit", seq: 2, text: "two!" });
    await applyChange(a.client, { type: "delete", seq: 1 });
    expect(await roomInfo(room)).toEqual({
      room,
      online: 1,
      seq: 2,
      rev: 5,
      settings: DEFAULT_SETTINGS,
    });
  });
});
