// Helpers for the tests of encrypted rooms (protocol v2, issue 16): a room
// made with POST /api/rooms {"e2ee":true}, and texts of the ciphertext's
// form. The room cannot read a ciphertext, so random bytes in its form are
// as good as a real one here; the encryption itself is tested under Node
// (test/unit/crypto.test.ts). Not a test file itself.
import { expect } from "vitest";
import type { NewRoom } from "../../../protocol";
import { getJson } from "../helpers";

/** POST /api/rooms with that body. */
export const createWith = (body: string) =>
  getJson<NewRoom>("/api/rooms", {
    method: "POST",
    body,
    headers: { "Content-Type": "application/json" },
  });

/** A new encrypted room: its name and owner key. */
export async function encryptedRoom(): Promise<{ room: string; ownerKey: string }> {
  const res = await createWith('{"e2ee":true}');
  expect(res.status).toBe(201);
  return { room: res.body.room, ownerKey: res.body.ownerKey };
}

/** Unpadded base64url of `bytes`. */
export function base64url(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** A text of the ciphertext's form: `e1.` and base64url of `bytes` random bytes (28 by default). */
export function ciphertext(bytes = 28): string {
  return `e1.${base64url(crypto.getRandomValues(new Uint8Array(bytes)))}`;
}

/** A ciphertext of exactly `chars` characters, `e1.` included (its digit count must be a valid one). */
export function ciphertextOfLength(chars: number): string {
  const digits = chars - 3;
  const text = `e1.${"A".repeat(digits)}`;
  expect(digits % 4, "no byte string has that many base64url digits").not.toBe(1);
  return text;
}
