// POST /api/rooms {"e2ee":true} makes a private room, owned from the start,
// whose settings say `e2ee: true` from its first read on: in GET room, in the
// welcome, and in every `settings` frame. A room made without it is not
// encrypted.
import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, type RoomInfo } from "../../../protocol";
import { getJson } from "../helpers";
import { enterAsOwner } from "../moderation/support";
import { createWith, encryptedRoom } from "./support";

describe("an encrypted room is made by POST /api/rooms", () => {
  it('{"e2ee":true}: 201 with a private room and its owner key', async () => {
    const res = await createWith('{"e2ee":true}');
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(["ownerKey", "room", "url"]);
    expect(res.body.room).toMatch(/^[0-9a-f]{32}$/);
    expect(res.body.url).toBe(`/r/${res.body.room}`);
  });

  it("says e2ee in GET room before anyone joined, and in the welcome", async () => {
    const { room, ownerKey } = await encryptedRoom();
    const settings = { ...DEFAULT_SETTINGS, e2ee: true, owned: true };
    const info = await getJson<RoomInfo>(`/api/rooms/${room}`);
    expect(info.body).toEqual({ room, online: 0, seq: 0, rev: 0, settings });
    const { welcome } = await enterAsOwner(room, "alice", ownerKey);
    expect(welcome.settings).toEqual(settings);
  });

  it("says e2ee in the settings frame an owner's change sends", async () => {
    const { room, ownerKey } = await encryptedRoom();
    const { client } = await enterAsOwner(room, "alice", ownerKey);
    client.send({ type: "settings", topic: "secrets" });
    const s = await client.next("settings");
    expect(s.settings).toEqual({ ...DEFAULT_SETTINGS, topic: "secrets", e2ee: true, owned: true });
  });

  for (const body of ["", "{}", '{"e2ee":false}']) {
    it(`${JSON.stringify(body)} makes a room that is not encrypted`, async () => {
      const res = await createWith(body);
      expect(res.status).toBe(201);
      const info = await getJson<RoomInfo>(`/api/rooms/${res.body.room}`);
      expect(info.body.settings.e2ee).toBe(false);
    });
  }
});
