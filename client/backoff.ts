// Reconnect delays for client/connection.ts: capped exponential backoff with
// full jitter (a uniformly random delay between 0 and min(cap, base *
// 2^attempt)), so that a room's clients, dropped together by a server
// restart, do not come back together.
//
// The cap depends on who is waiting. A page that someone is looking at, on a
// network that is up, keeps the cap short (`visibleCapMs`): a failed attempt
// costs one refused socket, and the person sees the room again within a few
// seconds of the server coming back, however long it was away. Only a hidden
// tab waits up to the long cap, so that forgotten tabs do not knock every
// couple of seconds (and a tab shown again reconnects at once anyway).

export interface BackoffOptions {
  baseMs: number;
  /** The cap while hidden (or when visibility is unknown). */
  capMs: number;
  /** The cap while the page is visible and the network up; `capMs` when absent. */
  visibleCapMs?: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 15_000, visibleCapMs: 2_500 };

/** The cap that applies now: the short one while visible (and online), the long one otherwise. */
export function backoffCap(options: BackoffOptions, visible: boolean): number {
  return visible && options.visibleCapMs !== undefined
    ? Math.min(options.capMs, options.visibleCapMs)
    : options.capMs;
}

/** The delay before reconnect number `attempt` (0 for the first), given `random()` in [0, 1). */
export function backoffDelay(
  attempt: number,
  random: () => number,
  options: BackoffOptions = DEFAULT_BACKOFF,
  visible = false,
): number {
  const ceiling = Math.min(
    backoffCap(options, visible),
    options.baseMs * 2 ** Math.min(attempt, 30),
  );
  return Math.floor(random() * ceiling);
}
