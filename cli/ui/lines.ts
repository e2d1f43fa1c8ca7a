// The log as screen lines: each entry of the client core's log (and each
// send still in the outbox) laid out as the Qt client did, a header
// `name YYYY-MM-DD HH:MM:SS` and the text below, wrapped to the log's width
// here (not by Ink) so that scrolling counts real lines. Pure, unit-tested in
// test/cli/ui-lines.test.ts. Messages get short numbers N (1, 2, … in the
// order shown) that the commands use; `numbers` maps N back to the seq.
import type { Entry, Pending } from "../../client/room";
import type { Message } from "../../protocol";
import { formatHeader, UNDECRYPTABLE } from "../format";
import { truncate, wrapText } from "./width";

export interface Line {
  text: string;
  /** The key of the log entry (or `p:<id>` of the send) this line belongs to. */
  key: string;
  color?: string;
  dim?: boolean;
  bold?: boolean;
}

export interface Layout {
  lines: Line[];
  /** N → seq. */
  numbers: Map<number, number>;
}

const SYSTEM: Record<string, string> = {
  joined: "joined",
  left: "left",
  disconnected: "disconnected",
  kicked: "was removed by an owner",
  banned: "was banned by an owner",
};

/** The log's lines at `width` cells. `byUser`: who a reaction's session ids name. */
export function layoutLog(entries: Entry[], pending: Pending[], width: number): Layout {
  const lines: Line[] = [];
  const numbers = new Map<number, number>();
  const bySeq = new Map<number, Message>();
  for (const e of entries) if (e.kind === "message") bySeq.set(e.message.seq, e.message);
  let n = 0;
  const w = Math.max(10, width);
  for (const e of entries) {
    if (e.kind === "system") {
      lines.push({
        text: truncate(`— ${e.name} ${SYSTEM[e.what] ?? e.what}`, w),
        key: e.key,
        dim: true,
      });
      continue;
    }
    n += 1;
    numbers.set(n, e.message.seq);
    for (const l of messageLines(e.message, n, e.mine, w, bySeq)) lines.push({ ...l, key: e.key });
  }
  for (const p of pending) {
    const status = p.status === "failed" ? `failed${p.reason ? ` (${p.reason})` : ""}` : p.status;
    const key = `p:${p.id}`;
    lines.push({
      text: truncate(`     you · ${status}`, w),
      key,
      color: p.status === "failed" ? "red" : "yellow",
    });
    for (const l of wrapText(p.text, w - 2)) lines.push({ text: `  ${l}`, key, dim: true });
  }
  return { lines, numbers };
}

function messageLines(
  m: Message,
  n: number,
  mine: boolean,
  w: number,
  bySeq: Map<number, Message>,
): Omit<Line, "key">[] {
  const out: Omit<Line, "key">[] = [];
  const mark = mine ? " (you)" : "";
  const edited = m.editedAt && !m.deleted ? " (edited)" : "";
  out.push({
    text: truncate(`[${n}] ${formatHeader(m)}${mark}${edited}`, w),
    color: mine ? "green" : "cyan",
    bold: true,
  });
  if (m.replyTo !== undefined) {
    const q = bySeq.get(m.replyTo);
    const quoted = q
      ? q.deleted
        ? "message deleted"
        : `${q.user.name}: ${q.undecryptable ? UNDECRYPTABLE : q.text.replace(/\s+/g, " ")}`
      : "an earlier message";
    out.push({ text: truncate(`  ↪ ${quoted}`, w), dim: true });
  }
  if (m.deleted) {
    out.push({ text: "  message deleted", dim: true });
    return out;
  }
  if (m.undecryptable) {
    out.push({ text: `  ${UNDECRYPTABLE}`, dim: true });
    return out;
  }
  const me = /^\/me\s+([\s\S]*)$/.exec(m.text);
  const text = me ? `* ${m.user.name} ${me[1]}` : m.text;
  for (const l of wrapText(text, w - 2)) out.push({ text: `  ${l}` });
  if (m.reactions?.length) {
    out.push({
      text: truncate(`  ${m.reactions.map((r) => `${r.emoji} ${r.users.length}`).join("  ")}`, w),
      color: "magenta",
    });
  }
  return out;
}

/**
 * While scrolled up, the view is held by its last line: a line of an entry,
 * counted from the entry's first line. Messages arriving below and older
 * ones loaded above leave it where it is, as an offset from the bottom would
 * not (new messages would push the view down).
 */
export interface Anchor {
  key: string;
  offset: number;
}

/** The anchor of `lines[index]`. */
export function anchorAt(lines: Line[], index: number): Anchor | null {
  const line = lines[index];
  if (!line) return null;
  let offset = 0;
  while (index - offset - 1 >= 0 && lines[index - offset - 1]?.key === line.key) offset++;
  return { key: line.key, offset };
}

/**
 * The index of the anchored line in `lines` (the entry's last line when it
 * has fewer lines now, after an edit), or -1 when the entry is gone.
 */
export function findAnchor(lines: Line[], anchor: Anchor): number {
  const first = lines.findIndex((l) => l.key === anchor.key);
  if (first < 0) return -1;
  let i = first;
  while (i - first < anchor.offset && lines[i + 1]?.key === anchor.key) i++;
  return i;
}

/**
 * Where the view of `height` lines ends (exclusive): the bottom when not
 * anchored, else just after the anchored line, never showing less than a
 * screen. `last`: the previous end, kept when the anchored entry is gone.
 */
export function viewEnd(
  lines: Line[],
  height: number,
  anchor: Anchor | null,
  last: number,
): number {
  const total = lines.length;
  if (!anchor) return total;
  const i = findAnchor(lines, anchor);
  const end = i >= 0 ? i + 1 : Math.min(last, total);
  return Math.max(Math.min(total, height), end);
}

/**
 * PgUp (`dir` -1) or PgDn (1) from the view ending at `end`: a screen less
 * one line, so that one line stays in sight. `anchor` null: back at the
 * bottom; `atTop`: the view shows the first line (time to load older ones).
 */
export function pageView(
  lines: Line[],
  height: number,
  end: number,
  dir: -1 | 1,
): { end: number; anchor: Anchor | null; atTop: boolean } {
  const total = lines.length;
  const next = Math.min(
    total,
    Math.max(Math.min(total, height), end + dir * Math.max(1, height - 1)),
  );
  return {
    end: next,
    anchor: next >= total ? null : anchorAt(lines, next - 1),
    atTop: next <= height,
  };
}
