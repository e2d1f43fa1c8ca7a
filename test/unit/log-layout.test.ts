// The log's layout (web/lib/log-layout.ts): groups of one sender's messages
// within five minutes, a new group after a system line or another sender,
// and a day for each local calendar day; and the days-before count behind
// "Today" and "Yesterday".
import { describe, expect, it } from "vitest";
import { GROUP_MS, layoutLog } from "../../web/lib/log-layout";
import { dayOf, daysBefore } from "../../web/lib/time";

const at = (y: number, mo: number, d: number, h = 12, mi = 0) =>
  new Date(y, mo - 1, d, h, mi).getTime();

describe("layoutLog", () => {
  it("groups one sender's quick messages, and starts a group for another sender", () => {
    const t0 = at(2026, 12, 4, 10);
    const days = layoutLog([
      { ts: t0, sender: "a" },
      { ts: t0 + 1000, sender: "a" },
      { ts: t0 + GROUP_MS, sender: "a" },
      { ts: t0 + GROUP_MS + 1000, sender: "b" },
      { ts: t0 + GROUP_MS + 2000, sender: "a" },
    ]);
    expect(days).toHaveLength(1);
    expect(days[0]?.items.map((p) => p.head)).toEqual([true, false, false, true, true]);
  });

  it("starts a group after a pause longer than five minutes, and after a system line", () => {
    const t0 = at(2026, 12, 4, 10);
    const days = layoutLog([
      { ts: t0, sender: "a" },
      { ts: t0 + GROUP_MS + 1, sender: "a" },
      { ts: t0 + GROUP_MS + 2, sender: null },
      { ts: t0 + GROUP_MS + 3, sender: "a" },
    ]);
    expect(days[0]?.items.map((p) => p.head)).toEqual([true, true, true, true]);
  });

  it("splits days at local midnight, and a group with them", () => {
    const days = layoutLog([
      { ts: at(2026, 12, 3, 23, 58), sender: "a" },
      { ts: at(2026, 12, 4, 0, 1), sender: "a" },
      { ts: at(2026, 12, 4, 0, 2), sender: "a" },
    ]);
    expect(days.map((d) => d.day)).toEqual([20261203, 20261204]);
    expect(days.map((d) => d.items.map((p) => p.head))).toEqual([[true], [true, false]]);
  });

  it("counts calendar days, not 24-hour spans", () => {
    const now = at(2026, 12, 4, 0, 30);
    expect(daysBefore(at(2026, 12, 4, 0, 0), now)).toBe(0);
    expect(daysBefore(at(2026, 12, 3, 23, 59), now)).toBe(1);
    expect(daysBefore(at(2026, 12, 1, 12), now)).toBe(3);
    expect(daysBefore(at(2026, 3, 1, 12), at(2026, 3, 31, 12))).toBe(30);
    expect(dayOf(at(2026, 1, 9))).toBe(20260109);
  });
});
