// (v2) The order of the checks of an owner's frame: the frame itself first
// (a field out of range or of the wrong type is `bad_message`, before
// anything else, also before joining and also from a non-owner), then the
// connection's state (`not_joined` before a join), then the right
// (`forbidden` for each of kick, ban, unban, mute and settings from a
// session that is not an owner). None of them closes the connection or
// changes anything.
import { describe, expect, it } from "vitest";
import { connect, roomInfo } from "../helpers";
import { createRoom, enter, enterAsOwner, refusal } from "./support";

const wellFormed = (user: string, tag: string) => [
  { type: "kick", user },
  { type: "ban", user },
  { type: "ban", user, minutes: 5 },
  { type: "unban", tag },
  { type: "mute", user, minutes: 5 },
  { type: "mute", user, minutes: 0 },
  { type: "settings", topic: "mine now" },
  { type: "settings", slowMs: 1000 },
  { type: "settings", locked: true },
  { type: "settings" },
];

/** Frames whose fields are out of range or of the wrong type: bad_message first. */
const malformed = (user: string): [string, object][] => [
  ["ban minutes 0", { type: "ban", user, minutes: 0 }],
  ["ban minutes 10081", { type: "ban", user, minutes: 10081 }],
  ["ban minutes 1.5", { type: "ban", user, minutes: 1.5 }],
  ["ban minutes as a string", { type: "ban", user, minutes: "60" }],
  ["ban without user", { type: "ban" }],
  ["kick user as a number", { type: "kick", user: 1 }],
  ["unban without tag", { type: "unban" }],
  ["mute minutes 10081", { type: "mute", user, minutes: 10081 }],
  ["mute minutes -1", { type: "mute", user, minutes: -1 }],
  ["mute without minutes", { type: "mute", user }],
  ["topic of 301 code points", { type: "settings", topic: "😀".repeat(301) }],
  ["topic with a control character", { type: "settings", topic: "new\u0007topic" }],
  ["topic with a line feed", { type: "settings", topic: "two\nlines" }],
  ["topic as a number", { type: "settings", topic: 1 }],
  ["slowMs -1", { type: "settings", slowMs: -1 }],
  ["slowMs 3600001", { type: "settings", slowMs: 3_600_001 }],
  ["slowMs 1.5", { type: "settings", slowMs: 1.5 }],
  ["locked as a string", { type: "settings", locked: "yes" }],
];

describe("owner frames from a non-owner", () => {
  it("each of kick, ban, unban, mute and settings is error forbidden", async () => {
    const { room } = await createRoom();
    const alice = await enter(room, "alice");
    const bob = await enter(room, "bob");
    for (const frame of wellFormed(alice.welcome.you.id, alice.welcome.you.tag)) {
      const error = await refusal(bob.client, frame);
      expect(error.code, JSON.stringify(frame)).toBe("forbidden");
    }
    expect(bob.client.ws.readyState).toBe(WebSocket.OPEN);
    await alice.client.expectNothing(200, "left");
    expect(alice.client.ws.readyState).toBe(WebSocket.OPEN);
    expect((await roomInfo(room)).settings).toMatchObject({ topic: "", slowMs: 0, locked: false });
  });

  it("the 'user' field is not checked before the right: an unknown id is still forbidden", async () => {
    const { room } = await createRoom();
    const bob = await enter(room, "bob");
    expect((await refusal(bob.client, { type: "kick", user: "nobody" })).code).toBe("forbidden");
    expect((await refusal(bob.client, { type: "unban", tag: "00000000" })).code).toBe("forbidden");
  });
});

describe("owner frames before joining", () => {
  it("are error not_joined, the connection open", async () => {
    const { room } = await createRoom();
    const alice = await enter(room, "alice");
    const client = await connect(room);
    for (const frame of wellFormed(alice.welcome.you.id, alice.welcome.you.tag)) {
      const error = await refusal(client, frame);
      expect(error.code, JSON.stringify(frame)).toBe("not_joined");
    }
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
  });
});

describe("bad fields come first: bad_message", () => {
  it("before joining", async () => {
    const { room } = await createRoom();
    const client = await connect(room);
    for (const [label, frame] of malformed("someone")) {
      expect((await refusal(client, frame)).code, label).toBe("bad_message");
    }
  });

  it("from a non-owner", async () => {
    const { room } = await createRoom();
    const alice = await enter(room, "alice");
    const bob = await enter(room, "bob");
    for (const [label, frame] of malformed(alice.welcome.you.id)) {
      expect((await refusal(bob.client, frame)).code, label).toBe("bad_message");
    }
  });

  it("from an owner, and nothing changes", async () => {
    const { room, ownerKey } = await createRoom();
    const alice = await enter(room, "alice");
    const own = await enterAsOwner(room, "olive", ownerKey);
    for (const [label, frame] of malformed(alice.welcome.you.id)) {
      expect((await refusal(own.client, frame)).code, label).toBe("bad_message");
    }
    await alice.client.expectNothing(200, "settings");
    await alice.client.expectNothing(0, "left");
    await alice.client.expectNothing(0, "user");
    expect((await roomInfo(room)).settings).toMatchObject({ topic: "", slowMs: 0, locked: false });
  });

  it("the limits themselves are in range (control): topic of 300 code points, slowMs 3600000", async () => {
    const { room, ownerKey } = await createRoom();
    const alice = await enter(room, "alice");
    const own = await enterAsOwner(room, "olive", ownerKey);
    own.client.send({ type: "settings", topic: "😀".repeat(300), slowMs: 3_600_000 });
    const s = await alice.client.next("settings");
    expect(s.settings).toMatchObject({ topic: "😀".repeat(300), slowMs: 3_600_000 });
  });
});
