// (v2) `user_unknown`: a kick, ban or mute of an id that is no session of
// this room (never was, or of another room, or ended), and an unban of a tag
// that is not banned, are refused with `error user_unknown`; nothing is
// removed, and no `bans` frame is sent.
import { describe, expect, it } from "vitest";
import { createRoom, enter, enterAsOwner, nextLeftOf, refusal } from "./support";

describe("an unknown target", () => {
  it("kick, ban, mute of an id that is no session here: user_unknown", async () => {
    const { room, ownerKey } = await createRoom();
    const elsewhere = await createRoom();
    const stranger = await enter(elsewhere.room, "stranger");
    const own = await enterAsOwner(room, "olive", ownerKey);
    const alice = await enter(room, "alice");
    for (const user of ["no-such-user", "", stranger.welcome.you.id]) {
      for (const frame of [
        { type: "kick", user },
        { type: "ban", user },
        { type: "ban", user, minutes: 3 },
        { type: "mute", user, minutes: 3 },
        { type: "mute", user, minutes: 0 },
      ]) {
        expect((await refusal(own.client, frame)).code, JSON.stringify(frame)).toBe("user_unknown");
      }
    }
    await alice.client.expectNothing(200, "left");
    await alice.client.expectNothing(0, "user");
    expect(stranger.client.ws.readyState).toBe(WebSocket.OPEN);
  });

  it("a session that has ended is unknown", async () => {
    const { room, ownerKey } = await createRoom();
    const own = await enterAsOwner(room, "olive", ownerKey);
    const bob = await enter(room, "bob");
    bob.client.send({ type: "leave" });
    await nextLeftOf(own.client, bob.welcome.you.id);
    expect((await refusal(own.client, { type: "kick", user: bob.welcome.you.id })).code).toBe(
      "user_unknown",
    );
  });

  it("unban of a tag that is not banned: user_unknown, and no bans frame", async () => {
    const { room, ownerKey } = await createRoom();
    const own = await enterAsOwner(room, "olive", ownerKey);
    const alice = await enter(room, "alice");
    for (const tag of ["00000000", alice.welcome.you.tag, ""]) {
      expect((await refusal(own.client, { type: "unban", tag })).code, tag).toBe("user_unknown");
    }
    await own.client.expectNothing(200, "bans");
  });
});
