// Owner keys (protocol v2): making a room's owner key, the SHA-256 the room
// keeps of it, and comparing secrets (an owner key's hash, the deployment's
// ADMIN_KEY) in constant time. One module so that every secret goes through
// the same few lines: a key is handed out once by `POST /api/rooms` or
// `POST /api/rooms/:room/claim` and never stored, only its hash is; a
// comparison never leaks through its time how much of a guess was right.
// Never log a key, a bearer or a hash of one: logs outlive the rooms.
import { base64url } from "../protocol/ids";
import { hex } from "./util";

/** Bytes of an owner key: 256 bits, above the protocol's 128-bit floor. */
export const OWNER_KEY_BYTES = 32;

/** A new owner key: 32 random bytes as unpadded base64url (43 characters). */
export function newOwnerKey(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(OWNER_KEY_BYTES)));
}

async function sha256(text: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
}

/** The SHA-256 of `text` (UTF-8) as 64 lower-case hex characters: what a room keeps of its key. */
export async function sha256Hex(text: string): Promise<string> {
  return hex(new Uint8Array(await sha256(text)));
}

/**
 * Whether two secrets are equal, in a time that depends on neither. Both are
 * hashed first, so the digests have the same length whatever the inputs
 * (timingSafeEqual throws on different lengths, and a length check would
 * itself tell the length), then compared with the runtime's constant-time
 * `crypto.subtle.timingSafeEqual` (a Workers extension of Web Crypto).
 */
export async function sameSecret(a: string, b: string): Promise<boolean> {
  const [da, db] = await Promise.all([sha256(a), sha256(b)]);
  return crypto.subtle.timingSafeEqual(da, db);
}
