// The per-address rate limit across rooms and sessions (ADDR_RATE_BURST,
// ADDR_RATE_PER_SEC): one small Durable Object per keyed hash of an address,
// never the address itself.
//
// A room must not await anything between accepting a `send` and storing it,
// so it never asks this object while it handles a frame. Instead each room
// holds a small lease of tokens per address, taken from this object ahead of
// time (when the connection opens, and again in the background when the
// lease runs low), and spends it synchronously. A flood spread over many
// rooms and sessions drains the one bucket here, and every room's lease with
// it.
//
// The same class, under the fixed name "keyring", keeps the random key of
// that hash, so that the key is made once per deployment without a secret to
// configure, and a second random key for trip codes (protocol v2: a
// `name#secret` join shows the first 10 characters of
// base64url(HMAC-SHA-256(trip key, secret))), so that the same secret gives
// the same trip in every room. A secret is hashed and forgotten: never
// stored or logged here.
import { DurableObject } from "cloudflare:workers";
import { configOf, type Env } from "./config";
import { hmacBase64url, hmacHex, hmacKey } from "./hmac";
import { type Bucket, fullBucket, takeUpTo } from "./ratelimit";
import { hex } from "./util";

export const KEYRING = "keyring";

export interface Lease {
  granted: number;
  retryAfterMs: number;
}

export class AddressLimiter extends DurableObject<Env> {
  /**
   * In memory only: the object is evicted only after it has been idle for
   * seconds, by which time the bucket would have refilled anyway.
   */
  private bucket: Bucket | undefined;

  /**
   * Grants up to `want` tokens from this address's bucket. When it grants
   * none, it says when the next token will be there.
   */
  lease(want: number): Lease {
    const { ADDR_RATE_BURST: burst, ADDR_RATE_PER_SEC: perSec } = configOf(this.env);
    const now = Date.now();
    const grant = takeUpTo(this.bucket ?? fullBucket(burst, now), want, burst, perSec, now);
    this.bucket = grant.bucket;
    return { granted: grant.granted, retryAfterMs: grant.retryAfterMs };
  }

  /** The keyring's first job: the address key, a random 256-bit key, made once and kept. */
  key(): Promise<string> {
    return this.kept("key");
  }

  /** The keyring's second job: the trip key, made once and kept like the address key, apart from it. */
  tripKey(): Promise<string> {
    return this.kept("tripKey");
  }

  /** The random 256-bit key (64 hex) stored under `name`, made on first use. */
  private async kept(name: string): Promise<string> {
    const stored = await this.ctx.storage.get<string>(name);
    if (stored) return stored;
    const key = hex(crypto.getRandomValues(new Uint8Array(32)));
    await this.ctx.storage.put(name, key);
    return key;
  }
}

let deploymentKey: Promise<CryptoKey> | undefined;

/**
 * HMAC-SHA-256 of an address under the deployment's key, as 64 hex: the name
 * of its limiter, and what the worker hands to a room instead of the address.
 */
export async function addressHash(env: Env, addr: string): Promise<string> {
  deploymentKey ??= env.LIMITER.getByName(KEYRING)
    .key()
    .then(hmacKey)
    .catch((err) => {
      deploymentKey = undefined; // try again on the next request
      throw err;
    });
  return hmacHex(await deploymentKey, addr);
}

/** The characters of a trip: of base64url, so 60 bits of the MAC. */
export const TRIP_LENGTH = 10;

let tripKey: Promise<CryptoKey> | undefined;

/**
 * The trip of a secret (already split off and NFC-normalised by
 * splitTripName in protocol/trip.ts): the first 10 characters of
 * base64url(HMAC-SHA-256(the deployment's trip key, secret)). The key is
 * asked of the keyring once per isolate; a failure is not cached.
 */
export async function tripOf(env: Env, secret: string): Promise<string> {
  tripKey ??= env.LIMITER.getByName(KEYRING)
    .tripKey()
    .then(hmacKey)
    .catch((err) => {
      tripKey = undefined; // try again on the next join
      throw err;
    });
  return (await hmacBase64url(await tripKey, secret)).slice(0, TRIP_LENGTH);
}

/** For tests: forgets this isolate's copy of the trip key, as a new isolate would start. */
export function forgetTripKey(): void {
  tripKey = undefined;
}
