// client/crypto.ts under Node 20's Web Crypto: keys, a text's round trip,
// and that a text does not open with a wrong key, when tampered with, or
// when the server moves it to another message, sender, room or from a send
// to an edit; the ciphertext passes the server's rule; every text has its
// own IV; the ciphertext's length known from the plaintext's bytes, and
// that with the default limits every text that passes MAX_TEXT fits
// MAX_CIPHERTEXT (so the core's check matters only on a server that sets
// other limits); and the key in a link's fragment.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decryptText,
  encryptEdit,
  encryptSend,
  fromBase64url,
  importRoomKey,
  isRoomKey,
  keyFromFragment,
  linkWithKey,
  newRoomKey,
  toBase64url,
} from "../../client/crypto";
import {
  CIPHERTEXT_PREFIX,
  checkCiphertext,
  checkText,
  ciphertextLength,
  DEFAULT_LIMITS,
  type Message,
  utf8Length,
} from "../../protocol";

const ROOM = "r-secret";
const ALICE = "u-alice";
const ID = "m-0000000001";

function message(over: Partial<Message>): Message {
  return { seq: 7, id: ID, user: { id: ALICE, name: "alice" }, text: "", ts: 1, rev: 7, ...over };
}

describe("room keys", () => {
  it("are 43 characters of base64url, valid, and different each time", () => {
    const a = newRoomKey();
    const b = newRoomKey();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(isRoomKey(a)).toBe(true);
    expect(a).not.toBe(b);
    expect(fromBase64url(a)?.length).toBe(32);
  });
  it("refuses anything else", async () => {
    expect(isRoomKey("")).toBe(false);
    expect(isRoomKey("a".repeat(42))).toBe(false);
    expect(isRoomKey("a".repeat(44))).toBe(false);
    expect(isRoomKey(`${"a".repeat(42)}+`)).toBe(false);
    expect(isRoomKey(`${"a".repeat(42)}B`)).toBe(false); // non-zero trailing bits
    await expect(importRoomKey("nope")).rejects.toThrow();
  });
  it("import as a non-extractable key", async () => {
    const key = await importRoomKey(newRoomKey());
    expect(key.extractable).toBe(false);
    expect(key.type).toBe("secret");
  });
  it("base64url round-trips every length", () => {
    for (let n = 0; n < 40; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 255);
      expect(fromBase64url(toBase64url(bytes))).toEqual(bytes);
    }
    expect(fromBase64url("a")).toBeNull();
    expect(fromBase64url("ab=c")).toBeNull();
  });
});

describe("texts", () => {
  it("round-trip a send and an edit, in any script", async () => {
    const key = await importRoomKey(newRoomKey());
    const plain = "héllo 世界 👋🏽 @bob";
    const sent = await encryptSend(key, ROOM, ALICE, ID, plain);
    expect(sent.startsWith(CIPHERTEXT_PREFIX)).toBe(true);
    expect(sent).not.toContain("llo");
    expect(await decryptText(key, ROOM, message({ text: sent }))).toBe(plain);
    const edited = await encryptEdit(key, ROOM, ALICE, 7, "fixed");
    expect(await decryptText(key, ROOM, message({ text: edited, editedAt: 2 }))).toBe("fixed");
  });

  it("pass the server's ciphertext rule, the empty and the longest plaintext included", async () => {
    const key = await importRoomKey(newRoomKey());
    for (const plain of ["", "x", "\u{1F600}".repeat(DEFAULT_LIMITS.MAX_TEXT / 2)]) {
      const text = await encryptSend(key, ROOM, ALICE, ID, plain);
      expect(checkCiphertext(text, DEFAULT_LIMITS.MAX_CIPHERTEXT).ok).toBe(true);
    }
  });

  it("are as long as ciphertextLength says, from the plaintext's UTF-8 bytes alone", async () => {
    const key = await importRoomKey(newRoomKey());
    for (const plain of [
      "",
      "a",
      "ab",
      "abc",
      "é",
      "世界",
      "👋🏽",
      "x".repeat(1000),
      "é".repeat(333),
    ]) {
      const text = await encryptSend(key, ROOM, ALICE, ID, plain);
      expect(text.length).toBe(ciphertextLength(utf8Length(plain)));
    }
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "grapheme", maxLength: 300 }), async (plain) => {
        const text = await encryptSend(key, ROOM, ALICE, ID, plain);
        expect(text.length).toBe(ciphertextLength(utf8Length(plain)));
      }),
      { numRuns: 200 },
    );
  });

  it("always fit MAX_CIPHERTEXT and MAX_FRAME with the default limits, whatever passes MAX_TEXT", async () => {
    // A text passes checkText with at most MAX_TEXT code points (and at most
    // 2 * MAX_TEXT UTF-16 units), and a code point is at most 4 UTF-8 bytes:
    // 4000 astral code points (8000 units) are the most bytes, 16000.
    const { MAX_TEXT, MAX_CIPHERTEXT, MAX_FRAME } = DEFAULT_LIMITS;
    const worst = "\u{1F600}".repeat(MAX_TEXT);
    expect(checkText(worst, MAX_TEXT).ok).toBe(true);
    expect(checkText(`${worst}x`, MAX_TEXT).ok).toBe(false);
    expect(utf8Length(worst)).toBe(4 * MAX_TEXT);
    expect(ciphertextLength(4 * MAX_TEXT)).toBe(21_374);
    expect(ciphertextLength(4 * MAX_TEXT)).toBeLessThanOrEqual(MAX_CIPHERTEXT);
    const key = await importRoomKey(newRoomKey());
    const text = await encryptSend(key, ROOM, ALICE, ID, worst);
    expect(text.length).toBe(21_374);
    expect(checkCiphertext(text, MAX_CIPHERTEXT).ok).toBe(true);
    // Its frame, reply included, fits MAX_FRAME too.
    const frame = JSON.stringify({ type: "send", id: ID, text, replyTo: 2 ** 53 - 1 });
    expect(utf8Length(frame)).toBeLessThanOrEqual(MAX_FRAME);
  });

  it("use a fresh IV each time", async () => {
    const key = await importRoomKey(newRoomKey());
    const texts = await Promise.all(
      Array.from({ length: 20 }, () => encryptSend(key, ROOM, ALICE, ID, "same")),
    );
    expect(new Set(texts).size).toBe(20);
    const ivs = texts.map((t) =>
      toBase64url((fromBase64url(t.slice(3)) as Uint8Array).subarray(0, 12)),
    );
    expect(new Set(ivs).size).toBe(20);
  });

  it("do not open with a wrong key", async () => {
    const key = await importRoomKey(newRoomKey());
    const other = await importRoomKey(newRoomKey());
    const text = await encryptSend(key, ROOM, ALICE, ID, "secret");
    expect(await decryptText(other, ROOM, message({ text }))).toBeNull();
  });

  it("do not open when tampered with", async () => {
    const key = await importRoomKey(newRoomKey());
    const text = await encryptSend(key, ROOM, ALICE, ID, "secret");
    const bytes = fromBase64url(text.slice(3)) as Uint8Array;
    for (const at of [0, 12, bytes.length - 1]) {
      const copy = bytes.slice();
      copy[at] = (copy[at] as number) ^ 1;
      const tampered = CIPHERTEXT_PREFIX + toBase64url(copy);
      expect(await decryptText(key, ROOM, message({ text: tampered }))).toBeNull();
    }
    // Cut short, not ciphertext at all, or a plaintext the server made up.
    expect(await decryptText(key, ROOM, message({ text: text.slice(0, 20) }))).toBeNull();
    expect(await decryptText(key, ROOM, message({ text: "hello" }))).toBeNull();
    expect(await decryptText(key, ROOM, message({ text: "e1.!!!!" }))).toBeNull();
    expect(await decryptText(key, ROOM, message({ text: "" }))).toBeNull();
  });

  it("do not open when moved to another message, sender, room, seq, or from a send to an edit", async () => {
    const key = await importRoomKey(newRoomKey());
    const text = await encryptSend(key, ROOM, ALICE, ID, "secret");
    expect(await decryptText(key, ROOM, message({ text, id: "m-0000000002" }))).toBeNull();
    expect(
      await decryptText(key, ROOM, message({ text, user: { id: "u-bob", name: "alice" } })),
    ).toBeNull();
    expect(await decryptText(key, "r-other", message({ text }))).toBeNull();
    expect(await decryptText(key, ROOM, message({ text, editedAt: 2 }))).toBeNull();
    const edit = await encryptEdit(key, ROOM, ALICE, 7, "edited");
    expect(await decryptText(key, ROOM, message({ text: edit }))).toBeNull();
    expect(await decryptText(key, ROOM, message({ text: edit, editedAt: 2, seq: 8 }))).toBeNull();
    expect(
      await decryptText(
        key,
        ROOM,
        message({ text: edit, editedAt: 2, user: { id: "u-bob", name: "b" } }),
      ),
    ).toBeNull();
  });
});

describe("links", () => {
  const k = newRoomKey();
  it("find the key in the fragment, alone or with other parameters", () => {
    expect(keyFromFragment(`#k=${k}`)).toBe(k);
    expect(keyFromFragment(`k=${k}`)).toBe(k);
    expect(keyFromFragment(`#owner=abcdefghijklmnop&k=${k}`)).toBe(k);
    expect(keyFromFragment(`#k=${k}&owner=abcdefghijklmnop`)).toBe(k);
    expect(keyFromFragment("#owner=abcdefghijklmnop")).toBeNull();
    expect(keyFromFragment("")).toBeNull();
    expect(keyFromFragment("#k=short")).toBeNull();
  });
  it("put the key in a link, keeping other parameters and replacing an old key", () => {
    expect(linkWithKey("https://x.example/r/abc", k)).toBe(`https://x.example/r/abc#k=${k}`);
    const old = newRoomKey();
    const link = linkWithKey(`https://x.example/r/abc#owner=abcdefghijklmnop&k=${old}`, k);
    expect(keyFromFragment(link.slice(link.indexOf("#")))).toBe(k);
    expect(link).toContain("owner=abcdefghijklmnop");
    expect(link).not.toContain(old);
  });
});
