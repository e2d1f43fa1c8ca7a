// The one id generator of roomchat: random bytes as unpadded base64url. A
// message id is 128 random bits (22 characters), which matches the
// protocol's ^[A-Za-z0-9_-]{16,64}$; session ids and tokens use the same
// encoding. The random bytes come from the caller (crypto.getRandomValues in
// the worker and the page, Node's crypto in tests, a seeded source in unit
// tests), so this module imports nothing.

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** Bytes of randomness in an id: 128 bits, above the protocol's 96-bit floor. */
export const ID_BYTES = 16;

/** Encodes bytes as unpadded base64url. */
export function base64url(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out +=
      ALPHABET.charAt((n >> 18) & 63) +
      ALPHABET.charAt((n >> 12) & 63) +
      ALPHABET.charAt((n >> 6) & 63) +
      ALPHABET.charAt(n & 63);
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = (bytes[i] ?? 0) << 16;
    out += ALPHABET.charAt((n >> 18) & 63) + ALPHABET.charAt((n >> 12) & 63);
  } else if (rest === 2) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8);
    out +=
      ALPHABET.charAt((n >> 18) & 63) +
      ALPHABET.charAt((n >> 12) & 63) +
      ALPHABET.charAt((n >> 6) & 63);
  }
  return out;
}

/** A source of `n` fresh cryptographically random bytes. */
export type RandomBytes = (n: number) => Uint8Array;

/** `bytes` random bytes as base64url: ids (16 bytes), tokens (32 bytes = 256 bits). */
export function randomId(randomBytes: RandomBytes, bytes: number = ID_BYTES): string {
  return base64url(randomBytes(bytes));
}

/** A new message id from `randomBytes`. */
export function newMessageId(randomBytes: RandomBytes): string {
  return randomId(randomBytes, ID_BYTES);
}
