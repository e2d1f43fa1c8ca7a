// Message ids for `send`: 128 random bits as base64url (22 characters), which
// matches the protocol's ^[A-Za-z0-9_-]{16,64}$. The random bytes come from
// the caller (crypto.getRandomValues in the page, a seeded source in tests),
// so this module stays free of DOM and Web Crypto.

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

/** A new message id from `randomBytes` (which must return `n` fresh random bytes). */
export function newMessageId(randomBytes: (n: number) => Uint8Array): string {
  return base64url(randomBytes(ID_BYTES));
}
