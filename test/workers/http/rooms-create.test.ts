// POST /api/rooms hands out a private room: 201 with a name of 32 lower-case
// hex characters (128 random bits) and its page URL; every call gives a new
// one, and the room it names is an ordinary, working room (v2: owned from the
// start, so its settings say `owned`).
import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, type NewRoom, type RoomInfo } from "../../../protocol";
import { getJson, join, post } from "../helpers";

const create = () => getJson<NewRoom>("/api/rooms", { method: "POST" });

describe("POST /api/rooms", () => {
  it("answers 201 with a 32-hex room and its /r/ url", async () => {
    const res = await create();
    expect(res.status).toBe(201);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(res.body.room).toMatch(/^[0-9a-f]{32}$/);
    expect(res.body.url).toBe(`/r/${res.body.room}`);
    // (v2) and its owner key, whose rules test/workers/owners checks.
    expect(Object.keys(res.body).sort()).toEqual(["ownerKey", "room", "url"]);
  });

  it("gives a different room on every call", async () => {
    const names = new Set<string>();
    for (let i = 0; i < 5; i++) names.add((await create()).body.room);
    expect(names.size).toBe(5);
  });

  it("names a room that works: info, join and post", async () => {
    const { room } = (await create()).body;
    const settings = { ...DEFAULT_SETTINGS, owned: true };
    const info = await getJson<RoomInfo>(`/api/rooms/${room}`);
    expect(info.status).toBe(200);
    expect(info.body).toEqual({ room, online: 0, seq: 0, rev: 0, settings });

    const { client, welcome } = await join(room, "alice", { ip: "203.0.113.40" });
    expect(welcome.room).toBe(room);
    await post(client, "in a private room");
    const after = await getJson<RoomInfo>(`/api/rooms/${room}`);
    expect(after.body).toEqual({ room, online: 1, seq: 1, rev: 1, settings });
    client.close();
  });
});
