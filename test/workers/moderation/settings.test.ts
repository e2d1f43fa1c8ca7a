// (v2) The `settings` frame of an owner: everyone (the owner included) gets
// `settings` with the whole Settings object; a field left out stays as it
// is (an empty frame changes nothing and is still told); a later welcome and
// GET /api/rooms/:room show the settings; and they are stored: after the
// room's object is rebuilt, both still show them.
import { describe, expect, it } from "vitest";
import type { Settings } from "../../../protocol";
import { roomInfo } from "../helpers";
import { createRoom, enter, enterAsOwner, restart } from "./support";

describe("settings", () => {
  it("are told to everyone; fields left out stay; welcome and room info show them", async () => {
    const { room, ownerKey } = await createRoom();
    const own = await enterAsOwner(room, "olive", ownerKey);
    const alice = await enter(room, "alice");
    expect(own.welcome.settings).toEqual({
      topic: "",
      slowMs: 0,
      locked: false,
      e2ee: false,
      owned: true,
    });
    const everyone = [own.client, alice.client];
    const expectAll = async (want: Settings) => {
      for (const c of everyone) expect((await c.next("settings")).settings).toEqual(want);
    };

    own.client.send({ type: "settings", topic: "Release planning ☕" });
    const s1 = { topic: "Release planning ☕", slowMs: 0, locked: false, e2ee: false, owned: true };
    await expectAll(s1);

    own.client.send({ type: "settings", slowMs: 2500 });
    const s2 = { ...s1, slowMs: 2500 };
    await expectAll(s2);

    own.client.send({ type: "settings", locked: true });
    const s3 = { ...s2, locked: true };
    await expectAll(s3);

    // An empty settings frame changes nothing; everyone still hears the settings.
    own.client.send({ type: "settings" });
    await expectAll(s3);

    own.client.send({ type: "settings", topic: "", locked: false });
    const s4 = { ...s3, topic: "", locked: false };
    await expectAll(s4);

    own.client.send({ type: "settings", topic: "final", slowMs: 1000, locked: true });
    const s5 = { ...s4, topic: "final", slowMs: 1000, locked: true };
    await expectAll(s5);

    expect((await roomInfo(room)).settings).toEqual(s5);
    const later = await enterAsOwner(room, "otto", ownerKey);
    expect(later.welcome.settings).toEqual(s5);
  });

  it("are kept across a restart", async () => {
    const { room, ownerKey } = await createRoom();
    const own = await enterAsOwner(room, "olive", ownerKey);
    own.client.send({ type: "settings", topic: "kept", slowMs: 3000, locked: true });
    const { settings } = await own.client.next("settings");
    expect(settings).toMatchObject({ topic: "kept", slowMs: 3000, locked: true, owned: true });

    await restart(room, [own.client]);

    expect((await roomInfo(room)).settings).toEqual(settings);
    const again = await enterAsOwner(room, "olive", ownerKey);
    expect(again.welcome.settings).toEqual(settings);
  }, 40_000);
});
