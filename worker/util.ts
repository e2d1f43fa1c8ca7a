// Small helpers of the worker side: random identifiers (the protocol's one
// encoder, fed by Web Crypto) and hex.
import { randomId as encodeRandom } from "../protocol/ids";

const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));

export function hex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

/** `bytes` random bytes as base64url: ids, tokens (32 bytes = 256 bits). */
export function randomId(bytes: number): string {
  return encodeRandom(random, bytes);
}

/** 128 random bits as 32 lower-case hex characters: a private room's name. */
export function privateRoomName(): string {
  return hex(crypto.getRandomValues(new Uint8Array(16)));
}
