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
