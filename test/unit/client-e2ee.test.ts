// The client core in an encrypted room (client/room.ts with client/e2ee.ts)
// against scripted servers: what goes out is ciphertext bound to the
// session, what comes in is shown as plaintext (or marked undecryptable,
// never the ciphertext), in the order it came, mentions after decryption,
// the key problems "missing" and "wrong", and plain rooms unchanged.
import { describe, expect, it } from "vitest";
import { decryptText, encryptSend, importRoomKey, newRoomKey } from "../../client/crypto";
import type { Room } from "../../client/room";
import {
  checkCiphertext,
  ciphertextLength,
  DEFAULT_SETTINGS,
  type Message,
  utf8Length,
} from "../../protocol";
import { fakeWorld, joinedRoom, message, openRoom, user, welcome } from "./client-fakes";

const E2EE = { ...DEFAULT_SETTINGS, e2ee: true };
const ROOM = "lobby";

/** Lets the lazy import, Web Crypto and the frame queue run. */
const settle = async () => {
  for (let i = 0; i < 30; i++) await new Promise((r) => setTimeout(r, 0));
};
const texts = (room: Room) =>
  room.log.value.map((e) => (e.kind === "message" ? e.message.text : `* ${e.what} ${e.name}`));
const shown = (room: Room) =>
  room.log.value.flatMap((e) => (e.kind === "message" ? [e.message] : []));

/** The most plaintext bytes whose ciphertext fits `max` characters. */
const ciphertextMaxBytes = (max: number) => {
  let n = 0;
  while (ciphertextLength(n + 1) <= max) n++;
  return n;
};

async function sealed(key: string, from: string, n: number, text: string): Promise<Message> {
  const m = message(n, from);
  return { ...m, text: await encryptSend(await importRoomKey(key), ROOM, m.user.id, m.id, text) };
}

describe("an encrypted room", () => {
  it("sends ciphertext bound to the session, and another model reads it, mention included", async () => {
    const key = newRoomKey();
    const a = fakeWorld();
    const alice = joinedRoom(a, welcome(user("Alice"), { settings: E2EE }), { e2eeKey: key });
    await settle();
    expect(alice.keyProblem.value).toBeNull();
    expect(alice.send("hello @Bob").ok).toBe(true);
    await settle();
    const [frame] = a.last().framesOf("send") as Array<{ id: string; text: string }>;
    expect(frame?.text.startsWith("e1.")).toBe(true);
    expect(frame?.text).not.toContain("hello");
    expect(checkCiphertext(frame?.text as string, 24_000).ok).toBe(true);

    const mentions: Message[] = [];
    const b = fakeWorld();
    const bob = joinedRoom(b, welcome(user("Bob"), { settings: E2EE }), {
      name: "Bob",
      e2eeKey: key,
      onMention: (m) => mentions.push(m),
    });
    b.last().receive({
      type: "message",
      ...message(1, "Alice", frame?.text, frame?.id),
    });
    await settle();
    expect(texts(bob)).toEqual(["hello @Bob"]);
    expect(mentions.map((m) => m.text)).toEqual(["hello @Bob"]);
    expect(bob.keyProblem.value).toBeNull();
    // The key given is kept for the room: a reload without the fragment reads it.
    expect(b.local.getItem("roomchat:e2ee:lobby")).toBe(key);
  });

  it("reads the key kept on the device when none is given", async () => {
    const key = newRoomKey();
    const w = fakeWorld();
    w.local.setItem("roomchat:e2ee:lobby", key);
    const room = joinedRoom(
      w,
      welcome(user("Alice"), { settings: E2EE, messages: [await sealed(key, "Bob", 1, "kept")] }),
    );
    await settle();
    expect(texts(room)).toEqual(["kept"]);
  });

  it("encrypts a send again for a new session when it is resent", async () => {
    const key = newRoomKey();
    const w = fakeWorld();
    const room = joinedRoom(w, welcome(user("Alice", { id: "u-one" }), { settings: E2EE }), {
      e2eeKey: key,
    });
    await settle();
    room.send("again");
    await settle();
    const first = w.last().framesOf("send")[0] as { id: string; text: string };
    w.last().serverClose(1006);
    w.clock.advance(60_000);
    w.last().open();
    w.last().receive(welcome(user("Alice", { id: "u-two" }), { settings: E2EE }));
    await settle();
    const second = w.last().framesOf("send")[0] as { id: string; text: string };
    expect(second.id).toBe(first.id);
    expect(second.text).not.toBe(first.text);
    const k = await importRoomKey(key);
    const as = (id: string, text: string) =>
      decryptText(k, ROOM, { ...message(1, "x", text, first.id), user: { id, name: "Alice" } });
    expect(await as("u-two", second.text)).toBe("again");
    expect(await as("u-two", first.text)).toBeNull();
    expect(await as("u-one", first.text)).toBe("again");
  });

  it("encrypts an edit with the seq, and shows the edited plaintext", async () => {
    const key = newRoomKey();
    const w = fakeWorld();
    const mine = await sealed(key, "Alice", 1, "typo");
    const room = joinedRoom(w, welcome(user("Alice"), { settings: E2EE, messages: [mine] }), {
      e2eeKey: key,
    });
    await settle();
    expect(room.edit(1, "fixed").ok).toBe(true);
    await settle();
    const frame = w.last().framesOf("edit")[0] as { seq: number; text: string };
    expect(frame.seq).toBe(1);
    expect(frame.text.startsWith("e1.")).toBe(true);
    w.last().receive({
      type: "update",
      message: { ...mine, text: frame.text, editedAt: 5, rev: 2 },
    });
    await settle();
    expect(texts(room)).toEqual(["fixed"]);
    expect(room.changes.value).toEqual([]);
  });

  it("marks a text that does not decrypt, never showing the ciphertext", async () => {
    const key = newRoomKey();
    const w = fakeWorld();
    const good = await sealed(key, "Bob", 1, "fine");
    const moved = { ...(await sealed(key, "Bob", 2, "moved")), id: "id-other-xxxxxxxxxxxx" };
    const room = joinedRoom(
      w,
      welcome(user("Alice"), { settings: E2EE, messages: [good, moved] }),
      { e2eeKey: key },
    );
    await settle();
    expect(shown(room).map((m) => [m.text, m.undecryptable])).toEqual([
      ["fine", undefined],
      ["", true],
    ]);
    // One text opened: the key is right, the other was tampered with or moved.
    expect(room.keyProblem.value).toBeNull();
  });

  it("says the key is missing, and sends nothing, when none was given or kept", async () => {
    const w = fakeWorld();
    const room = joinedRoom(
      w,
      welcome(user("Alice"), {
        settings: E2EE,
        messages: [await sealed(newRoomKey(), "Bob", 1, "x")],
      }),
    );
    await settle();
    expect(room.keyProblem.value).toBe("missing");
    expect(shown(room)[0]?.undecryptable).toBe(true);
    room.send("hello");
    await settle();
    expect(w.last().framesOf("send")).toEqual([]);
    expect(room.pending.value).toHaveLength(1);
  });

  it("says the key is wrong when texts came and none decrypted, until one does", async () => {
    const key = newRoomKey();
    const w = fakeWorld();
    const room = joinedRoom(
      w,
      welcome(user("Alice"), {
        settings: E2EE,
        messages: [await sealed(newRoomKey(), "Bob", 1, "x")],
      }),
      { e2eeKey: key },
    );
    await settle();
    expect(room.keyProblem.value).toBe("wrong");
    w.last().receive({ type: "message", ...(await sealed(key, "Bob", 2, "right")) });
    await settle();
    expect(room.keyProblem.value).toBeNull();
    expect(texts(room)).toEqual(["", "right"]);
  });

  it("writes no send with a key found wrong, and keeps it", async () => {
    const w = fakeWorld();
    const room = openRoom(w, { e2eeKey: newRoomKey() });
    // Posted before the welcome, as `roomchat send` does: the welcome's
    // catch-up tells the key wrong before the outbox would write it.
    expect(room.send("nobody could read this").ok).toBe(true);
    w.last().open();
    w.last().receive(
      welcome(user("Alice"), {
        settings: E2EE,
        messages: [await sealed(newRoomKey(), "Bob", 1, "x")],
      }),
    );
    await settle();
    expect(room.keyProblem.value).toBe("wrong");
    expect(room.send("nor this").ok).toBe(true);
    await settle();
    expect(w.last().framesOf("send")).toEqual([]);
    expect(room.pending.value.map((p) => [p.text, p.status])).toEqual([
      ["nobody could read this", "sending"],
      ["nor this", "sending"],
    ]);
  });

  it("no key problem in a room with no texts yet", async () => {
    const w = fakeWorld();
    const room = joinedRoom(w, welcome(user("Alice"), { settings: E2EE }), {
      e2eeKey: newRoomKey(),
    });
    await settle();
    expect(room.keyProblem.value).toBeNull();
  });

  it("keeps the order frames came in although decryption is async", async () => {
    const key = newRoomKey();
    const w = fakeWorld();
    const room = joinedRoom(w, welcome(user("Alice"), { settings: E2EE }), { e2eeKey: key });
    const frames = await Promise.all([1, 2, 3, 4, 5].map((n) => sealed(key, "Bob", n, `m${n}`)));
    w.last().receive({ type: "message", ...frames[0] });
    w.last().receive({ type: "joined", user: user("Carol") });
    w.last().receive({
      type: "batch",
      frames: frames.slice(1, 4).map((m) => ({ type: "message", ...m })),
    });
    w.last().receive({ type: "message", ...frames[4] });
    await settle();
    expect(texts(room)).toEqual(["m1", "* joined Carol", "m2", "m3", "m4", "m5"]);
  });

  it("decrypts history pages and fetched messages, and exports plaintext", async () => {
    const key = newRoomKey();
    const w = fakeWorld();
    const old = await sealed(key, "Bob", 1, "old");
    const room = joinedRoom(
      w,
      welcome(user("Alice"), {
        settings: E2EE,
        seq: 2,
        rev: 2,
        messages: [await sealed(key, "Bob", 2, "new")],
      }),
      { e2eeKey: key },
    );
    await settle();
    w.responses.push({ status: 200, body: { messages: [old], hasMore: false } });
    await room.loadOlder();
    expect(texts(room)).toEqual(["old", "new"]);
    expect((await room.allMessages()).map((m) => m.text)).toEqual(["old", "new"]);
    w.responses.push({ status: 200, body: await sealed(key, "Bob", 9, "fetched") });
    expect((await room.fetchMessage(9))?.text).toBe("fetched");
  });
});

describe("the ciphertext's size (MAX_CIPHERTEXT), checked before anything is sent", () => {
  // With the default limits no text that passes MAX_TEXT is too long once
  // encrypted (test/unit/crypto.test.ts proves it); a server may set other
  // limits, and the welcome says which.
  const bigText = { MAX_TEXT: 8000, MAX_CIPHERTEXT: 24_000 };
  // 6000 four-byte code points: within MAX_TEXT 8000, 24028 bytes sealed, 32041 characters.
  const tooLong = "\u{1F600}".repeat(6000);

  it("refuses a send too long once encrypted (too_long), and writes nothing", async () => {
    const w = fakeWorld();
    const room = joinedRoom(w, welcome(user("Alice"), { settings: E2EE, limits: bigText }), {
      e2eeKey: newRoomKey(),
    });
    await settle();
    expect(room.send(tooLong)).toEqual({ ok: false, reason: "too_long" });
    // The longest that fits: 17969 bytes, sealed in 23999 characters (e1. included).
    const n = ciphertextMaxBytes(24_000);
    expect([n, ciphertextLength(n), ciphertextLength(n + 1)]).toEqual([17969, 23999, 24001]);
    const fits = `${"\u{1F600}".repeat(Math.floor(n / 4))}${"x".repeat(n % 4)}`;
    expect(utf8Length(fits)).toBe(n);
    expect(room.send(`${fits}y`)).toEqual({ ok: false, reason: "too_long" });
    expect(room.send(fits).ok).toBe(true);
    await settle();
    const sent = w.last().framesOf("send") as Array<{ text: string }>;
    expect(sent).toHaveLength(1);
    expect(sent[0]?.text.length).toBe(23_999);
    expect(checkCiphertext(sent[0]?.text as string, 24_000).ok).toBe(true);
    expect(room.pending.value).toHaveLength(1);
  });

  it("marks a send kept from before the welcome failed (too_long) instead of writing it", async () => {
    const w = fakeWorld();
    const room = openRoom(w, { e2eeKey: newRoomKey(), maxText: 8000 });
    // Not known to be encrypted yet: taken into the outbox.
    expect(room.send(tooLong).ok).toBe(true);
    expect(room.send("short").ok).toBe(true);
    w.last().open();
    w.last().receive(welcome(user("Alice"), { settings: E2EE, limits: bigText }));
    await settle();
    const sent = w.last().framesOf("send") as Array<{ text: string }>;
    expect(sent).toHaveLength(1);
    expect(sent[0]?.text.length).toBeLessThan(200);
    expect(room.pending.value.map((p) => [p.text.length, p.status, p.reason])).toEqual([
      [tooLong.length, "failed", "too_long"],
      [5, "sending", undefined],
    ]);
  });

  it("refuses an edit too long once encrypted", async () => {
    const key = newRoomKey();
    const w = fakeWorld();
    const mine = await sealed(key, "Alice", 1, "typo");
    const room = joinedRoom(
      w,
      welcome(user("Alice"), { settings: E2EE, messages: [mine], limits: bigText }),
      { e2eeKey: key },
    );
    await settle();
    expect(room.edit(1, tooLong)).toEqual({ ok: false, reason: "too_long" });
    await settle();
    expect(w.last().framesOf("edit")).toEqual([]);
  });

  it("counts the ciphertext, not the plaintext, against MAX_FRAME", async () => {
    // A frame of 2000 bytes; 1000 characters each escaped as \u0001 in the
    // plaintext's JSON (6000 bytes) seal to 1374 ASCII characters.
    const w = fakeWorld();
    const room = joinedRoom(
      w,
      welcome(user("Alice"), { settings: E2EE, limits: { MAX_FRAME: 2000 } }),
      { e2eeKey: newRoomKey() },
    );
    await settle();
    const escaped = `a${"\u0001".repeat(999)}`;
    expect(room.send(escaped).ok).toBe(true);
    expect(room.send("b".repeat(1500))).toEqual({ ok: false, reason: "too_big" });
  });
});

describe("a plain room", () => {
  it("is handled synchronously as before, with no key problem", () => {
    const w = fakeWorld();
    const room = joinedRoom(w, welcome(user("Alice"), { messages: [message(1, "Bob", "plain")] }));
    expect(texts(room)).toEqual(["plain"]);
    room.send("hi");
    expect(w.last().framesOf("send")[0]?.text).toBe("hi");
    expect(room.keyProblem.value).toBeNull();
  });
});
