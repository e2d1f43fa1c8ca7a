// Only POST /api/rooms {"e2ee":true} makes an encrypted room: a named room,
// claimed or not, is never one, whatever the body of its claim or the
// owner's settings frames say, and takes plaintext as before.
import { describe, expect, it } from "vitest";
import type { ClaimedRoom } from "../../../protocol";
import { freshRoom, getJson, postReply, roomInfo } from "../helpers";
import { enter, enterAsOwner } from "../moderation/support";

describe("a named room", () => {
  it("is never encrypted", async () => {
    const room = freshRoom("named");
    expect((await roomInfo(room)).settings.e2ee).toBe(false);
    const res = await getJson<ClaimedRoom>(`/api/rooms/${room}/claim`, {
      method: "POST",
      body: '{"e2ee":true}',
      headers: { "Content-Type": "application/json" },
    });
    expect(res.status).toBe(201);
    const { client, welcome } = await enterAsOwner(room, "alice", res.body.ownerKey);
    expect(welcome.settings).toMatchObject({ e2ee: false, owned: true });
    client.send({ type: "settings", e2ee: true, topic: "t" });
    expect((await client.next("settings")).settings).toMatchObject({ e2ee: false, topic: "t" });
    expect((await postReply(client, "plain as ever")).text).toBe("plain as ever");
    expect((await roomInfo(room)).settings.e2ee).toBe(false);
  });

  it("a 32-hex name nobody made with POST /api/rooms is not encrypted either", async () => {
    const room = crypto.randomUUID().replace(/-/g, "");
    const { client, welcome } = await enter(room, "alice");
    expect(welcome.settings.e2ee).toBe(false);
    expect((await postReply(client, "hello")).text).toBe("hello");
  });
});
