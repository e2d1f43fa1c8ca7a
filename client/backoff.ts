// Reconnect delays for client/connection.ts: capped exponential backoff with
// full jitter (a uniformly random delay between 0 and min(cap, base *
// 2^attempt)), so that a room's clients, dropped together by a server
// restart, do not come back together.

export interface BackoffOptions {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 15_000 };

/** The delay before reconnect number `attempt` (0 for the first), given `random()` in [0, 1). */
export function backoffDelay(
  attempt: number,
  random: () => number,
  { baseMs, capMs }: BackoffOptions = DEFAULT_BACKOFF,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
