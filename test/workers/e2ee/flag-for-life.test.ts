// `settings.e2ee` is the room's for life: an owner's `settings` frame that
// names `e2ee` (a field the frame does not have, so ignored) changes the
// fields it has and leaves the room encrypted; the operator's claim with
// ADMIN_KEY replaces the owner key and keeps it encrypted too.
import { describe, expect, it } from "vitest";
import type { ClaimedRoom } from "../../../protocol";
import { getJson, newId, roomInfo } from "../helpers";
import { ADMIN_KEY, enter, enterAsOwner } from "../moderation/support";
import { encryptedRoom } from "./support";

describe("the e2ee flag", () => {
  it("cannot be turned off by a settings frame", async () => {
    const { room, ownerKey } = await encryptedRoom();
    const { client } = await enterAsOwner(room, "alice", ownerKey);
    client.send({ type: "settings", e2ee: false, locked: true });
    expect((await client.next("settings")).settings).toMatchObject({ e2ee: true, locked: true });
    client.send({ type: "settings", e2ee: false });
    expect((await client.next("settings")).settings).toMatchObject({ e2ee: true });
    expect((await roomInfo(room)).settings.e2ee).toBe(true);
    // And plaintext is still refused.
    const id = newId();
    client.send({ type: "send", id, text: "now in the clear?" });
    expect(await client.next("error")).toMatchObject({ code: "text_invalid", id });
  });

  it("stays through the operator's claim with ADMIN_KEY", async () => {
    const { room } = await encryptedRoom();
    const res = await getJson<ClaimedRoom>(`/api/rooms/${room}/claim`, {
      method: "POST",
      headers: { Authorization: `Bearer ${ADMIN_KEY}` },
    });
    expect(res.status).toBe(201);
    expect((await roomInfo(room)).settings).toMatchObject({ e2ee: true, owned: true });
    const { welcome } = await enter(room, "bob");
    expect(welcome.settings.e2ee).toBe(true);
  });
});
