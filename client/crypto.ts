// The encryption of an encrypted room's texts (PROTOCOL.md, "End-to-end
// encrypted rooms (v2)"): the room key (32 random bytes in unpadded
// base64url, carried in the link's fragment as `#k=`), AES-256-GCM with a
// fresh 12-byte IV per text, and the additional data that binds a text to its
// room, sender and message id (or seq, for an edit) so that the server cannot
// move it. Only Web Crypto does cryptography here (`globalThis.crypto`, the
// same in browsers, Node 20 and workerd); this file only encodes bytes.
// The core imports it lazily, so plain rooms do not pay for it in the page.
import { CIPHERTEXT_PREFIX, type Message } from "../protocol";

/**
 * The slice of Web Crypto used here, declared locally because the client
 * core is compiled without the DOM or Node types (client/tsconfig.json).
 */
export interface CryptoKey {
  readonly type: string;
  readonly extractable: boolean;
}
interface Subtle {
  importKey(
    format: "raw",
    data: Uint8Array,
    algorithm: { name: "AES-GCM" },
    extractable: boolean,
    usages: ("encrypt" | "decrypt")[],
  ): Promise<CryptoKey>;
  encrypt(
    algorithm: { name: "AES-GCM"; iv: Uint8Array; additionalData: Uint8Array },
    key: CryptoKey,
    data: Uint8Array,
  ): Promise<ArrayBuffer>;
  decrypt(
    algorithm: { name: "AES-GCM"; iv: Uint8Array; additionalData: Uint8Array },
    key: CryptoKey,
    data: Uint8Array,
  ): Promise<ArrayBuffer>;
}
interface WebCrypto {
  getRandomValues<T extends Uint8Array>(array: T): T;
  subtle: Subtle;
}
function webCrypto(): WebCrypto {
  return (globalThis as unknown as { crypto: WebCrypto }).crypto;
}

const KEY_BYTES = 32;
const IV_BYTES = 12;
const KEY_RE = /^[A-Za-z0-9_-]{43}$/;

// --- base64url, unpadded (an encoding, not cryptography) -------------------

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const DIGIT: Record<string, number> = {};
for (let i = 0; i < ALPHABET.length; i++) DIGIT[ALPHABET[i] as string] = i;

export function toBase64url(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const left = bytes.length - i;
    out += ALPHABET[(n >> 18) & 63];
    out += ALPHABET[(n >> 12) & 63];
    if (left > 1) out += ALPHABET[(n >> 6) & 63];
    if (left > 2) out += ALPHABET[n & 63];
  }
  return out;
}

/** Null for anything that is not unpadded base64url. */
export function fromBase64url(text: string): Uint8Array | null {
  if (text.length % 4 === 1) return null;
  const out = new Uint8Array((text.length * 3) >> 2);
  let bits = 0;
  let acc = 0;
  let j = 0;
  for (const ch of text) {
    const d = DIGIT[ch];
    if (d === undefined) return null;
    acc = (acc << 6) | d;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[j++] = (acc >> bits) & 255;
    }
  }
  return out;
}

// TextEncoder and TextDecoder exist wherever Web Crypto does; declared here
// for the same reason as Subtle.
const g = globalThis as unknown as {
  TextEncoder: new () => { encode(s: string): Uint8Array };
  TextDecoder: new (
    label: string,
    options: { fatal: boolean },
  ) => { decode(b: ArrayBuffer): string };
};
const utf8 = new g.TextEncoder();
const utf8Decoder = new g.TextDecoder("utf-8", { fatal: true });

// --- keys -----------------------------------------------------------------

/** A new room key: 32 random bytes, unpadded base64url (43 characters). */
export function newRoomKey(): string {
  return toBase64url(webCrypto().getRandomValues(new Uint8Array(KEY_BYTES)));
}

export function isRoomKey(k: string): boolean {
  // 43 digits carry 258 bits: the last digit's low 2 bits must be zero, or
  // two spellings would name one key.
  return KEY_RE.test(k) && (DIGIT[k[42] as string] as number) % 4 === 0;
}

/** The key for AES-256-GCM, never extractable again once imported. */
export async function importRoomKey(k: string): Promise<CryptoKey> {
  const raw = isRoomKey(k) ? fromBase64url(k) : null;
  if (!raw) throw new Error("not a room key");
  return webCrypto().subtle.importKey("raw", raw, { name: "AES-GCM" }, false, [
    "encrypt",
    "decrypt",
  ]);
}

// --- texts ----------------------------------------------------------------

/** The additional data of a send: the room, the sender's session id, the message id. */
export function sendAd(room: string, userId: string, id: string): string {
  return `roomchat:e1:${room}:${userId}:${id}`;
}
/** The additional data of an edit: the seq of the message edited, and `:edit`. */
export function editAd(room: string, userId: string, seq: number): string {
  return `roomchat:e1:${room}:${userId}:${seq}:edit`;
}

async function encrypt(key: CryptoKey, ad: string, plaintext: string): Promise<string> {
  const iv = webCrypto().getRandomValues(new Uint8Array(IV_BYTES));
  const sealed = new Uint8Array(
    await webCrypto().subtle.encrypt(
      { name: "AES-GCM", iv, additionalData: utf8.encode(ad) },
      key,
      utf8.encode(plaintext),
    ),
  );
  const all = new Uint8Array(IV_BYTES + sealed.length);
  all.set(iv);
  all.set(sealed, IV_BYTES);
  return CIPHERTEXT_PREFIX + toBase64url(all);
}

/** The text of a `send` frame: bound to this room, this session's user id and the message id. */
export function encryptSend(
  key: CryptoKey,
  room: string,
  userId: string,
  id: string,
  plaintext: string,
): Promise<string> {
  return encrypt(key, sendAd(room, userId, id), plaintext);
}

/** The text of an `edit` frame: bound to the editor's user id and the seq edited. */
export function encryptEdit(
  key: CryptoKey,
  room: string,
  userId: string,
  seq: number,
  plaintext: string,
): Promise<string> {
  return encrypt(key, editAd(room, userId, seq), plaintext);
}

/** Opens a ciphertext with one additional data; null on any failure. */
export async function decryptWith(
  key: CryptoKey,
  ad: string,
  text: string,
): Promise<string | null> {
  if (!text.startsWith(CIPHERTEXT_PREFIX)) return null;
  const all = fromBase64url(text.slice(CIPHERTEXT_PREFIX.length));
  if (!all || all.length < IV_BYTES + 16) return null;
  try {
    const plain = await webCrypto().subtle.decrypt(
      { name: "AES-GCM", iv: all.subarray(0, IV_BYTES), additionalData: utf8.encode(ad) },
      key,
      all.subarray(IV_BYTES),
    );
    return utf8Decoder.decode(plain);
  } catch {
    return null;
  }
}

/**
 * The plaintext of a message, or null when it does not decrypt. An edited
 * message (`editedAt` set) carries the text of its latest edit, bound to
 * its seq (the edit AD); the author is the only one who can edit, so the
 * user id is the message's author's (docs/protocol.md, readings).
 */
export function decryptText(
  key: CryptoKey,
  room: string,
  message: Message,
): Promise<string | null> {
  const ad =
    message.editedAt !== undefined
      ? editAd(room, message.user.id, message.seq)
      : sendAd(room, message.user.id, message.id);
  return decryptWith(key, ad, message.text);
}

// --- links ----------------------------------------------------------------

/**
 * The room key in a link's fragment (`#k=<key>`, alone or with other
 * parameters such as `owner=`, as the page reads it), or null.
 */
export function keyFromFragment(hash: string): string | null {
  const body = hash.startsWith("#") ? hash.slice(1) : hash;
  for (const part of body.split("&")) {
    const eq = part.indexOf("=");
    if (eq < 0 || part.slice(0, eq) !== "k") continue;
    const k = part.slice(eq + 1);
    return isRoomKey(k) ? k : null;
  }
  return null;
}

/** The link with the key in its fragment, replacing any `k=` already there and keeping other parameters. */
export function linkWithKey(url: string, key: string): string {
  const hashAt = url.indexOf("#");
  const base = hashAt < 0 ? url : url.slice(0, hashAt);
  const rest =
    hashAt < 0
      ? []
      : url
          .slice(hashAt + 1)
          .split("&")
          .filter((p) => p !== "" && !p.startsWith("k="));
  return `${base}#${[`k=${key}`, ...rest].join("&")}`;
}
