// How the log lays out its items: consecutive messages of one sender within
// a few minutes form a group (one header, then the texts), and a heading
// starts each local calendar day. A system line (a join or a leave) ends a
// group. Pure: the page and the unit tests call it with plain items.
import { dayOf } from "./time";

/** Messages of one sender closer than this to the previous one join its group. */
export const GROUP_MS = 5 * 60_000;

export interface LayoutItem {
  ts: number;
  /** Who wrote it (id and name together), or null for a system line. */
  sender: string | null;
}

export interface Placed<T> {
  item: T;
  /** First of its group: shows the sender and the time. */
  head: boolean;
}

export interface Day<T> {
  /** Local yyyymmdd. */
  day: number;
  /** The time of its first item. */
  ts: number;
  items: Placed<T>[];
}

export function layoutLog<T extends LayoutItem>(items: readonly T[]): Day<T>[] {
  const days: Day<T>[] = [];
  let current: Day<T> | undefined;
  let prev: T | undefined;
  for (const item of items) {
    const day = dayOf(item.ts);
    if (!current || current.day !== day) {
      current = { day, ts: item.ts, items: [] };
      days.push(current);
      prev = undefined;
    }
    const head =
      item.sender === null ||
      prev === undefined ||
      prev.sender !== item.sender ||
      item.ts - prev.ts > GROUP_MS ||
      item.ts < prev.ts;
    current.items.push({ item, head });
    prev = item;
  }
  return days;
}
