// A token bucket: `burst` tokens, refilled at `perSec`, one taken per
// message. Its whole state is two numbers, so it lives in a WebSocket
// attachment or a table row and survives hibernation without keeping the
// object awake: refill is computed from the time passed, never by a timer.

export interface Bucket {
  /** Tokens left at `at`. */
  tokens: number;
  /** Milliseconds since the epoch when `tokens` was last computed. */
  at: number;
}

export type Take = { ok: true; bucket: Bucket } | { ok: false; retryAfterMs: number };

export function fullBucket(burst: number, now: number): Bucket {
  return { tokens: burst, at: now };
}

/** Takes one token at `now`; when none is left, says how long until there is. */
export function take(bucket: Bucket, burst: number, perSec: number, now: number): Take {
  const elapsed = Math.max(0, now - bucket.at);
  const tokens = Math.min(burst, bucket.tokens + (elapsed * perSec) / 1000);
  if (tokens >= 1) return { ok: true, bucket: { tokens: tokens - 1, at: now } };
  let wait = Math.max(1, Math.ceil(((1 - tokens) * 1000) / perSec));
  // Refill is summed in floating point, and at the promised time the sum can
  // fall a hair short of a whole token (0.9999999999999999): a client that
  // waited as told would be refused again. Promise the first millisecond
  // that really holds the token.
  while (bucket.tokens + ((elapsed + wait) * perSec) / 1000 < 1) wait += 1;
  return { ok: false, retryAfterMs: wait };
}
