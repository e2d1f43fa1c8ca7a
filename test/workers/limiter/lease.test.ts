// The per-address limiter grants leases from one token bucket per address
// hash: the burst, then the rate, and when it grants nothing it says when
// the next token will be there. The keyring hands out one stable key.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Env } from "../../../worker/config";
import { KEYRING } from "../../../worker/limiter";

const limiters = (env as unknown as Env).LIMITER;
const BURST = 60;
const PER_SEC = 10;

describe("AddressLimiter", () => {
  it("grants the burst, then nothing, with the time of the next token", async () => {
    const stub = limiters.getByName(`lease-${crypto.randomUUID()}`);
    expect(await stub.lease(25)).toEqual({ granted: 25, retryAfterMs: 0 });
    expect(await stub.lease(25)).toEqual({ granted: 25, retryAfterMs: 0 });
    const partial = await stub.lease(25);
    // Ten or a few more: the bucket refills while the test runs.
    expect(partial.granted).toBeGreaterThanOrEqual(BURST - 50);
    expect(partial.granted).toBeLessThan(25);
    const none = await stub.lease(25);
    expect(none.granted).toBe(0);
    expect(none.retryAfterMs).toBeGreaterThan(0);
    expect(none.retryAfterMs).toBeLessThanOrEqual(1000 / PER_SEC);
  });

  it("refills at the address rate", async () => {
    const stub = limiters.getByName(`refill-${crypto.randomUUID()}`);
    await stub.lease(BURST);
    const empty = await stub.lease(1);
    expect(empty.granted).toBe(0);
    await new Promise((r) => setTimeout(r, empty.retryAfterMs + 250));
    expect((await stub.lease(1)).granted).toBe(1);
  });

  it("keeps one addresses' bucket apart from another's", async () => {
    const a = limiters.getByName(`a-${crypto.randomUUID()}`);
    const b = limiters.getByName(`b-${crypto.randomUUID()}`);
    await a.lease(BURST);
    expect((await a.lease(1)).granted).toBe(0);
    expect((await b.lease(BURST)).granted).toBe(BURST);
  });

  it("the keyring makes one random key and keeps it", async () => {
    const keyring = limiters.getByName(KEYRING);
    const key = await keyring.key();
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(await keyring.key()).toBe(key);
  });
});
