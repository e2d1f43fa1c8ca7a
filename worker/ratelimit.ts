// A token bucket: `burst` tokens, refilled at `perSec`, one taken per
// message. Its whole state is two numbers, so it lives in a WebSocket
// attachment or a table row and survives hibernation without keeping the
// object awake: refill is computed from the time passed, never by a timer.
// The room's buckets take one token at a time (`take`); the address limiter
// grants several at once (`takeUpTo`). Both refill and promise a wait here.

export interface Bucket {
  /** Tokens left at `at`. */
  tokens: number;
  /** Milliseconds since the epoch when `tokens` was last computed. */
  at: number;
}

export type Take = { ok: true; bucket: Bucket } | { ok: false; retryAfterMs: number };

export interface Grant {
  /** Whole tokens taken, 0 to `want`. */
  granted: number;
  /** The bucket after the grant. */
  bucket: Bucket;
  /** 0 when something was granted; otherwise the wait until a token is there. */
  retryAfterMs: number;
}

export function fullBucket(burst: number, now: number): Bucket {
  return { tokens: burst, at: now };
}

/** The tokens a bucket holds at `now`: what it held, plus the refill since, at most `burst`. */
export function refill(bucket: Bucket, burst: number, perSec: number, now: number): number {
  const elapsed = Math.max(0, now - bucket.at);
  return Math.min(burst, bucket.tokens + (elapsed * perSec) / 1000);
}

/** Milliseconds from `now` until the bucket holds one whole token (at least 1). */
function waitForOne(bucket: Bucket, tokens: number, perSec: number, now: number): number {
  const elapsed = Math.max(0, now - bucket.at);
  let wait = Math.max(1, Math.ceil(((1 - tokens) * 1000) / perSec));
  // Refill is summed in floating point, and at the promised time the sum can
  // fall a hair short of a whole token (0.9999999999999999): a client that
  // waited as told would be refused again. Promise the first millisecond
  // that really holds the token.
  while (bucket.tokens + ((elapsed + wait) * perSec) / 1000 < 1) wait += 1;
  return wait;
}

/** Takes one token at `now`; when none is left, says how long until there is. */
export function take(bucket: Bucket, burst: number, perSec: number, now: number): Take {
  const tokens = refill(bucket, burst, perSec, now);
  if (tokens >= 1) return { ok: true, bucket: { tokens: tokens - 1, at: now } };
  return { ok: false, retryAfterMs: waitForOne(bucket, tokens, perSec, now) };
}

/**
 * Takes as many whole tokens as the bucket holds at `now`, up to `want`;
 * when it grants none, says how long until one is there.
 */
export function takeUpTo(
  bucket: Bucket,
  want: number,
  burst: number,
  perSec: number,
  now: number,
): Grant {
  const tokens = refill(bucket, burst, perSec, now);
  const granted = Math.max(0, Math.min(Math.floor(want), Math.floor(tokens)));
  return {
    granted,
    bucket: { tokens: tokens - granted, at: now },
    retryAfterMs: granted > 0 ? 0 : waitForOne(bucket, tokens, perSec, now),
  };
}
