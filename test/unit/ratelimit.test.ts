// The token bucket: `burst` takes at once, then refusal with a retryAfterMs
// that is long enough (a take after waiting it succeeds); refill follows the
// time passed, never above `burst`, and over any run no more than
// burst + rate × time takes succeed.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Bucket, fullBucket, type Take, take } from "../../worker/ratelimit";

const T0 = 1_700_000_000_000;

/** Takes until refused; returns how many succeeded and the refusal. */
function drain(bucket: Bucket, burst: number, perSec: number, now: number) {
  let b = bucket;
  let n = 0;
  for (;;) {
    const t = take(b, burst, perSec, now);
    if (!t.ok) return { taken: n, bucket: b, retryAfterMs: t.retryAfterMs };
    b = t.bucket;
    n += 1;
    if (n > 10_000) throw new Error("never refused");
  }
}

const okBucket = (t: Take): Bucket => {
  expect(t.ok).toBe(true);
  if (!t.ok) throw new Error("refused");
  return t.bucket;
};

describe("take", () => {
  it("allows the burst at once, then refuses with retryAfterMs", () => {
    const d = drain(fullBucket(10, T0), 10, 2, T0);
    expect(d.taken).toBe(10);
    // 2 per second: the next token is 500 ms away.
    expect(d.retryAfterMs).toBe(500);
  });

  it("refills with the time passed: one token after 1/perSec", () => {
    const d = drain(fullBucket(10, T0), 10, 2, T0);
    expect(take(d.bucket, 10, 2, T0 + 499).ok).toBe(false);
    const b = okBucket(take(d.bucket, 10, 2, T0 + 500));
    expect(take(b, 10, 2, T0 + 500).ok).toBe(false);
    // Two seconds later: four more.
    expect(drain(b, 10, 2, T0 + 2500).taken).toBe(4);
  });

  it("never refills above the burst, however long the wait", () => {
    const d = drain(fullBucket(10, T0), 10, 2, T0);
    expect(drain(d.bucket, 10, 2, T0 + 3_600_000).taken).toBe(10);
    expect(drain(fullBucket(3, T0), 3, 1000, T0 + 86_400_000).taken).toBe(3);
  });

  it("a clock that goes back gives no tokens", () => {
    const d = drain(fullBucket(5, T0), 5, 2, T0);
    expect(take(d.bucket, 5, 2, T0 - 60_000).ok).toBe(false);
  });

  it("retryAfterMs with fractional rates: waiting that long is enough", () => {
    const d = drain(fullBucket(1, T0), 1, 0.3, T0);
    expect(d.taken).toBe(1);
    expect(d.retryAfterMs).toBe(3334);
    expect(take(d.bucket, 1, 0.3, T0 + 3333).ok).toBe(false);
    expect(take(d.bucket, 1, 0.3, T0 + 3334).ok).toBe(true);
  });

  it("retryAfterMs is a whole number of at least 1", () => {
    // Almost a token: still at least 1 ms.
    const t = take({ tokens: 0.9999999, at: T0 }, 10, 1000, T0);
    expect(t.ok).toBe(false);
    if (!t.ok) {
      expect(t.retryAfterMs).toBe(1);
    }
  });

  it("waiting exactly retryAfterMs is enough despite floating-point refill", () => {
    // Found by the property below (seed -180207758): the refill summed to
    // 0.9999999999999999 of a token at the promised time.
    let bucket = fullBucket(2, T0);
    let now = T0;
    for (const step of [0, 3418]) {
      now += step;
      const t = take(bucket, 2, 0.001, now);
      expect(t.ok).toBe(true);
      if (t.ok) bucket = t.bucket;
    }
    now += 641;
    const refused = take(bucket, 2, 0.001, now);
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(take(bucket, 2, 0.001, now + refused.retryAfterMs).ok).toBe(true);
      expect(take(bucket, 2, 0.001, now + refused.retryAfterMs - 2).ok).toBe(false);
    }
  });

  const params = fc.record({
    burst: fc.integer({ min: 1, max: 100 }),
    perSec: fc.double({ min: 0.001, max: 100, noNaN: true, noDefaultInfinity: true }),
    steps: fc.array(fc.integer({ min: -1000, max: 5000 }), { minLength: 1, maxLength: 200 }),
  });

  it("property: tokens stay within [0, burst] and a refusal's retryAfterMs is accurate", () => {
    fc.assert(
      fc.property(params, ({ burst, perSec, steps }) => {
        let bucket = fullBucket(burst, T0);
        let now = T0;
        for (const step of steps) {
          now += step;
          const t = take(bucket, burst, perSec, now);
          if (t.ok) {
            bucket = t.bucket;
            expect(bucket.tokens).toBeGreaterThanOrEqual(0);
            expect(bucket.tokens).toBeLessThanOrEqual(burst - 1);
          } else {
            expect(Number.isInteger(t.retryAfterMs)).toBe(true);
            expect(t.retryAfterMs).toBeGreaterThanOrEqual(1);
            // Waiting retryAfterMs is enough...
            const at = Math.max(now, bucket.at);
            expect(take(bucket, burst, perSec, at + t.retryAfterMs).ok).toBe(true);
            // ...and not much more than needed: 2 ms less is still too early.
            if (t.retryAfterMs > 2) {
              expect(take(bucket, burst, perSec, at + t.retryAfterMs - 2).ok).toBe(false);
            }
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it("property: over any run, at most burst + perSec × elapsed takes succeed", () => {
    fc.assert(
      fc.property(params, ({ burst, perSec, steps }) => {
        let bucket = fullBucket(burst, T0);
        let now = T0;
        let latest = T0;
        let taken = 0;
        for (const step of steps) {
          now += Math.abs(step) % 50;
          latest = Math.max(latest, now);
          const t = take(bucket, burst, perSec, now);
          if (t.ok) {
            bucket = t.bucket;
            taken += 1;
          }
        }
        expect(taken).toBeLessThanOrEqual(burst + ((latest - T0) * perSec) / 1000 + 1e-9);
      }),
      { numRuns: 500 },
    );
  });

  it("property: a client that waits retryAfterMs each time is always let through then", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.double({ min: 0.01, max: 50, noNaN: true, noDefaultInfinity: true }),
        (burst, perSec) => {
          let bucket = fullBucket(burst, T0);
          let now = T0;
          for (let i = 0; i < burst + 20; i++) {
            const t = take(bucket, burst, perSec, now);
            if (t.ok) {
              bucket = t.bucket;
              continue;
            }
            now += t.retryAfterMs;
            bucket = okBucket(take(bucket, burst, perSec, now));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
