// Trip codes (protocol v2): `tripOf` is the first 10 characters of
// base64url(HMAC-SHA-256(trip key, secret)), under a random trip key that the
// keyring makes once and keeps, apart from the key that hashes addresses.
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { base64url } from "../../../protocol/ids";
import type { Env } from "../../../worker/config";
import { forgetTripKey, KEYRING, TRIP_LENGTH, tripOf } from "../../../worker/limiter";

const workerEnv = env as unknown as Env;
const keyring = () => workerEnv.LIMITER.getByName(KEYRING);

/** The trip computed here, from the key the keyring hands out, with no cache in between. */
async function expectedTrip(secret: string): Promise<string> {
  const raw = await keyring().tripKey();
  const bytes = new Uint8Array(raw.length / 2);
  for (let i = 0; i < bytes.length; i++)
    bytes[i] = Number.parseInt(raw.slice(2 * i, 2 * i + 2), 16);
  const key = await crypto.subtle.importKey(
    "raw",
    bytes,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(secret));
  return base64url(new Uint8Array(mac)).slice(0, 10);
}

describe("tripOf", () => {
  it("is 10 base64url characters", async () => {
    expect(TRIP_LENGTH).toBe(10);
    for (const secret of ["s", "s3cret", "#", " ", "é", "𝒜".repeat(64)]) {
      expect(await tripOf(workerEnv, secret)).toMatch(/^[A-Za-z0-9_-]{10}$/);
    }
  });

  it("is stable for the same secret", async () => {
    const a = await tripOf(workerEnv, "correct horse");
    const b = await tripOf(workerEnv, "correct horse");
    expect(b).toBe(a);
  });

  it("differs for different secrets", async () => {
    const secrets = ["a", "b", "A", "a ", " a", "ab", "correct horse", "correct horsf", "é"];
    const trips = await Promise.all(secrets.map((s) => tripOf(workerEnv, s)));
    expect(new Set(trips).size).toBe(secrets.length);
  });

  it("is the HMAC-SHA-256 of the secret under the keyring's trip key, as base64url", async () => {
    // Computed from the keyring directly, not through tripOf's per-isolate
    // cache: the key that tripOf uses is the one the keyring keeps.
    for (const secret of ["s3cret", "b#c", "caf\u00e9", "𝒜"]) {
      expect(await tripOf(workerEnv, secret)).toBe(await expectedTrip(secret));
    }
  });
});

describe("tripOf's cache of the key", () => {
  afterEach(() => forgetTripKey());

  it("gives the same trip after the cache is emptied: the key is the keyring's, not the isolate's", async () => {
    const before = await tripOf(workerEnv, "kept across isolates");
    forgetTripKey();
    expect(await tripOf(workerEnv, "kept across isolates")).toBe(before);
  });

  it("does not keep a failure: the next call asks the keyring again", async () => {
    forgetTripKey();
    let asked = 0;
    const down = {
      LIMITER: {
        getByName: () => ({
          tripKey: () => {
            asked += 1;
            return Promise.reject(new Error("keyring unreachable"));
          },
        }),
      },
    } as unknown as Env;
    await expect(tripOf(down, "s")).rejects.toThrow("keyring unreachable");
    await expect(tripOf(down, "s")).rejects.toThrow("keyring unreachable");
    expect(asked).toBe(2);
    expect(await tripOf(workerEnv, "s")).toBe(await expectedTrip("s"));
  });
});

describe("the keyring's trip key", () => {
  it("is made once and kept: 64 hex, the same on every call", async () => {
    const key = await keyring().tripKey();
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(await keyring().tripKey()).toBe(key);
    expect(await keyring().tripKey()).toBe(key);
  });

  it("is a key of its own, apart from the address key", async () => {
    const [trip, address] = await Promise.all([keyring().tripKey(), keyring().key()]);
    expect(trip).not.toBe(address);
    // And asking for one does not change the other.
    expect(await keyring().key()).toBe(address);
    expect(await keyring().tripKey()).toBe(trip);
  });

  it("concurrent first requests agree on one key", async () => {
    const keys = await Promise.all(Array.from({ length: 8 }, () => keyring().tripKey()));
    expect(new Set(keys).size).toBe(1);
  });
});
