// Times as the original Qt client showed them: local `YYYY-MM-DD HH:MM:SS`,
// from the server's `ts` (ms since epoch). Local time on purpose: people read
// the chat in their own clock.

const pad = (n: number) => String(n).padStart(2, "0");

export function formatTimestamp(ts: number): string {
  const d = new Date(ts);
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}

/** The short `HH:MM` form, for the joined time in the online list. */
export function formatClock(ts: number): string {
  const d = new Date(ts);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The local calendar day of `ts`, as a number that orders days: yyyymmdd. */
export function dayOf(ts: number): number {
  const d = new Date(ts);
  return d.getFullYear() * 10000 + (d.getMonth() + 1) * 100 + d.getDate();
}

/** The local `YYYY-MM-DD` of `ts`, for a `<time dateTime>`. */
export function isoDay(ts: number): string {
  const d = new Date(ts);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** How many local calendar days `ts` is before `now` (0: the same day). */
export function daysBefore(ts: number, now: number): number {
  const a = new Date(ts);
  const b = new Date(now);
  const start = (d: Date) => Date.UTC(d.getFullYear(), d.getMonth(), d.getDate());
  return Math.round((start(b) - start(a)) / 86_400_000);
}
