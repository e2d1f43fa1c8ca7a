// The token bucket: `burst` takes at once, then refusal with a retryAfterMs
// that is long enough (a take after waiting it succeeds); refill follows the
// time passed, never above `burst`, and over any run no more than
// burst + rate × time takes succeed.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Bucket, fullBucket, refill, type Take, take, takeUpTo } from "../../worker/ratelimit";

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

// The address limiter's grants (worker/limiter.ts) come from the same bucket:
// several tokens at once, and the same promise about the wait.
describe("refill", () => {
  it("adds the time passed at the rate, never above the burst, never for a clock gone back", () => {
    expect(refill({ tokens: 0, at: T0 }, 10, 2, T0 + 1500)).toBe(3);
    expect(refill({ tokens: 4, at: T0 }, 10, 2, T0 + 3_600_000)).toBe(10);
    expect(refill({ tokens: 4, at: T0 }, 10, 2, T0 - 60_000)).toBe(4);
  });
});

describe("takeUpTo", () => {
  it("grants what is wanted while the bucket holds it, then what is left, then nothing", () => {
    const a = takeUpTo(fullBucket(60, T0), 25, 60, 10, T0);
    expect(a).toEqual({ granted: 25, bucket: { tokens: 35, at: T0 }, retryAfterMs: 0 });
    const b = takeUpTo(a.bucket, 25, 60, 10, T0);
    const c = takeUpTo(b.bucket, 25, 60, 10, T0);
    expect(c.granted).toBe(10);
    const d = takeUpTo(c.bucket, 25, 60, 10, T0);
    expect(d.granted).toBe(0);
    expect(d.retryAfterMs).toBe(100);
  });

  it("grants whole tokens only, and a fractional want is rounded down", () => {
    expect(takeUpTo({ tokens: 2.7, at: T0 }, 5, 10, 1, T0).granted).toBe(2);
    expect(takeUpTo({ tokens: 9, at: T0 }, 3.9, 10, 1, T0).granted).toBe(3);
  });

  it("waiting exactly retryAfterMs is enough despite floating-point refill", () => {
    // The bucket of take's case above, one grant at a time.
    let bucket = fullBucket(2, T0);
    let now = T0;
    for (const step of [0, 3418]) {
      now += step;
      const g = takeUpTo(bucket, 1, 2, 0.001, now);
      expect(g.granted).toBe(1);
      bucket = g.bucket;
    }
    now += 641;
    const refused = takeUpTo(bucket, 1, 2, 0.001, now);
    expect(refused.granted).toBe(0);
    expect(takeUpTo(bucket, 1, 2, 0.001, now + refused.retryAfterMs).granted).toBe(1);
    expect(takeUpTo(bucket, 1, 2, 0.001, now + refused.retryAfterMs - 2).granted).toBe(0);
  });

  it("property: grants stay within the bucket, and a refusal's wait is enough and no longer", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.double({ min: 0.001, max: 100, noNaN: true, noDefaultInfinity: true }),
        fc.array(fc.tuple(fc.integer({ min: -1000, max: 5000 }), fc.integer({ min: 1, max: 40 })), {
          minLength: 1,
          maxLength: 100,
        }),
        (burst, perSec, steps) => {
          let bucket = fullBucket(burst, T0);
          let now = T0;
          for (const [step, want] of steps) {
            now += step;
            const g = takeUpTo(bucket, want, burst, perSec, now);
            expect(g.granted).toBeGreaterThanOrEqual(0);
            expect(g.granted).toBeLessThanOrEqual(want);
            expect(g.bucket.tokens).toBeGreaterThanOrEqual(0);
            expect(g.bucket.tokens).toBeLessThanOrEqual(burst);
            if (g.granted === 0) {
              expect(Number.isInteger(g.retryAfterMs)).toBe(true);
              expect(g.retryAfterMs).toBeGreaterThanOrEqual(1);
              const at = Math.max(now, bucket.at);
              expect(takeUpTo(bucket, 1, burst, perSec, at + g.retryAfterMs).granted).toBe(1);
              if (g.retryAfterMs > 2) {
                expect(takeUpTo(bucket, 1, burst, perSec, at + g.retryAfterMs - 2).granted).toBe(0);
              }
            } else {
              expect(g.retryAfterMs).toBe(0);
            }
            bucket = g.bucket;
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it("property: one take is a grant of one", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.double({ min: 0.001, max: 100, noNaN: true, noDefaultInfinity: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.integer({ min: -1000, max: 100_000 }),
        (burst, perSec, tokens, step) => {
          const bucket = { tokens: Math.min(tokens, burst), at: T0 };
          const t = take(bucket, burst, perSec, T0 + step);
          const g = takeUpTo(bucket, 1, burst, perSec, T0 + step);
          if (t.ok) expect(g).toEqual({ granted: 1, bucket: t.bucket, retryAfterMs: 0 });
          else expect(g.retryAfterMs).toBe(t.retryAfterMs);
        },
      ),
      { numRuns: 500 },
    );
  });
});
