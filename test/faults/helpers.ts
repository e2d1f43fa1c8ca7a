// Shared by the fault scenarios: limits raised so that the load is never
// throttled (a refusal would be legal, but these tests are about delivery,
// and a refused send proves less than a delivered one) and nothing is pruned
// (so that the checker compares every confirmed send with storage).

/** `--var` overrides for startDevServer. */
export const UNTHROTTLED = {
  RATE_BURST: 100_000,
  RATE_PER_SEC: 100_000,
  ADDR_RATE_BURST: 1_000_000,
  ADDR_RATE_PER_SEC: 1_000_000,
  MAX_CONN_PER_IP: 10_000,
  JOIN_BURST: 1_000_000,
  JOIN_PER_SEC: 1_000_000,
  DUP_BURST: 1_000_000,
  DUP_PER_SEC: 1_000_000,
  HISTORY_LIMIT: 1_000_000,
};

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
