// HMAC-SHA-256, the one keyed hash of the worker side: the worker hashes an
// address under the deployment's key (worker/limiter.ts), and each room
// hashes that hash again under its own key (the tag, the per-address count).
// Both import a raw key once and sign many times. A trip (worker/limiter.ts)
// is the same MAC under the deployment's trip key, written as base64url.
import { base64url } from "../protocol/ids";
import { hex } from "./util";

/** A raw key (bytes, or 64 hex characters) made ready to sign with. */
export function hmacKey(raw: BufferSource | string): Promise<CryptoKey> {
  const bytes = typeof raw === "string" ? fromHex(raw) : raw;
  return crypto.subtle.importKey("raw", bytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}

/** The MAC of `text` as hex, cut to its first `bytes` bytes (all 32 by default). */
export async function hmacHex(key: CryptoKey, text: string, bytes = 32): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(text));
  return hex(new Uint8Array(mac, 0, bytes));
}

/** The MAC of `text` as unpadded base64url (all 32 bytes: 43 characters). */
export async function hmacBase64url(key: CryptoKey, text: string): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(text));
  return base64url(new Uint8Array(mac));
}

function fromHex(text: string): Uint8Array {
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}
