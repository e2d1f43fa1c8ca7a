// Room names are NFC-normalised and lower-cased before use: `Lobby` and
// `lobby` (and precomposed "é" and "e" + U+0301) are one room, Unicode letters
// are welcome, and a name that breaks the rule is 400 room_invalid on every route.
import { describe, expect, it } from "vitest";
import {
  DEFAULT_SETTINGS,
  type HttpError,
  type MessagePage,
  type RoomInfo,
} from "../../../protocol";
import { freshRoom, getJson, join, post, upgrade } from "../helpers";

const enc = encodeURIComponent;
const suffix = () => freshRoom("").slice(1);

async function infoOf(raw: string) {
  return getJson<RoomInfo>(`/api/rooms/${enc(raw)}`);
}

let n = 0;
const ip = () => `192.0.2.${200 + (++n % 50)}`;

describe("one room under several spellings", () => {
  it("`Lobby…` and `lobby…`: posted in one, read from the other", async () => {
    const s = suffix();
    const upper = `Lobby${s}`;
    const lower = `lobby${s}`;
    const { client, welcome } = await join(upper, "alice", { ip: ip() });
    expect(welcome.room).toBe(lower);
    await post(client, "hello from Lobby");

    const page = await getJson<MessagePage>(`/api/rooms/${enc(lower)}/messages`);
    expect(page.status).toBe(200);
    expect(page.body.messages.map((m) => m.text)).toEqual(["hello from Lobby"]);

    const b = await join(`LOBBY${s}`, "bob", { ip: ip() });
    expect(b.welcome.messages.map((m) => m.text)).toEqual(["hello from Lobby"]);
    expect(b.welcome.users.map((u) => u.name).sort()).toEqual(["alice", "bob"]);
    client.close();
    b.client.close();
  });

  it('NFC: precomposed "é" and "e" + U+0301 are one room', async () => {
    const s = suffix();
    const composed = `caf\u00e9${s}`;
    const decomposed = `cafe\u0301${s}`;
    expect(composed).not.toBe(decomposed);
    const { client, welcome } = await join(decomposed, "alice", { ip: ip() });
    expect(welcome.room).toBe(composed);
    await post(client, "accent");

    const page = await getJson<MessagePage>(`/api/rooms/${enc(composed)}/messages`);
    expect(page.body.messages.map((m) => m.text)).toEqual(["accent"]);
    const info = await infoOf(decomposed);
    expect(info.body).toEqual({
      room: composed,
      online: 1,
      seq: 1,
      rev: 1,
      settings: DEFAULT_SETTINGS,
    });
    client.close();
  });
});

describe("valid names", () => {
  const cases: [raw: string, normalised: string][] = [
    ["中文聊天室", "中文聊天室"],
    ["Ünïcode", "ünïcode"],
    ["ΑΘΗΝΑ", "αθηνα"],
    ["room-1_2.3", "room-1_2.3"],
    ["_under", "_under"],
    ["-dash", "-dash"],
    ["42", "42"],
    ["a".repeat(64), "a".repeat(64)],
    // 64 code points, 128 UTF-16 units: the limit counts code points.
    ["𝒜".repeat(64), "𝒜".repeat(64)],
  ];
  for (const [raw, normalised] of cases) {
    it(`${JSON.stringify(raw)} → ${JSON.stringify(normalised)}`, async () => {
      const res = await infoOf(raw);
      expect(res.status).toBe(200);
      expect(res.body.room).toBe(normalised);
    });
  }

  it("the welcome names the room in its normalised form", async () => {
    const raw = `Ünïcode${suffix()}`;
    const { client, welcome } = await join(raw, "alice", { ip: ip() });
    expect(welcome.room).toBe(raw.toLowerCase());
    client.close();
  });
});

describe("400 room_invalid", () => {
  // Each case is the path segment exactly as sent.
  const cases: [what: string, segment: string][] = [
    ["65 code points", "a".repeat(65)],
    ["65 astral letters", enc("𝒜".repeat(65))],
    ["starting with '.'", ".hidden"],
    ["starting with an encoded '.'", "%2Ehidden"],
    ["with an encoded '/'", "a%2Fb"],
    ["with a space", "a%20b"],
    ["with '!'", "a!"],
    ["with '~'", "a~b"],
    ["starting with a combining mark", enc("\u0301a")],
    ["with a zero-width space", enc("a\u200Bb")],
    ["with a NUL", "a%00b"],
    ["with a newline", "a%0Ab"],
    ["with an encoded '%'", "a%25b"],
    ["with a broken escape", "a%ZZb"],
    ["with an encoded apostrophe", "a%27b"],
  ];
  for (const [what, segment] of cases) {
    it(`${what}: info, messages and ws`, async () => {
      for (const path of [
        `/api/rooms/${segment}`,
        `/api/rooms/${segment}/messages`,
        `/api/rooms/${segment}/ws`,
      ]) {
        const res = await getJson<HttpError>(path, { headers: { Upgrade: "websocket" } });
        expect(res.status, path).toBe(400);
        expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
        expect(res.body.error.code, path).toBe("room_invalid");
        expect(res.body.error.message.length).toBeGreaterThan(0);
      }
    });
  }

  it("an empty name: the messages and ws routes", async () => {
    for (const path of ["/api/rooms//messages", "/api/rooms//ws"]) {
      const res = await getJson<HttpError>(path, { headers: { Upgrade: "websocket" } });
      expect(res.status, path).toBe(400);
      expect(res.body.error.code, path).toBe("room_invalid");
    }
  });

  it("an invalid name never opens a socket", async () => {
    const res = await upgrade(".hidden");
    expect(res.status).toBe(400);
    expect(res.webSocket).toBeFalsy();
  });
});
