// The log as screen lines: each entry of the client core's log (and each
// send still in the outbox) laid out as the Qt client did, a header
// `name YYYY-MM-DD HH:MM:SS` and the text below, wrapped to the log's width
// here (not by Ink) so that scrolling counts real lines. Pure, unit-tested in
// test/cli/ui-lines.test.ts. Messages get short numbers N (1, 2, … in the
// order shown) that the commands use; `numbers` maps N back to the seq.
import type { Entry, Pending } from "../../client/room";
import type { Message } from "../../protocol";
import { formatHeader } from "../format";
import { truncate, wrapText } from "./width";

export interface Line {
  text: string;
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
      lines.push({ text: truncate(`— ${e.name} ${SYSTEM[e.what] ?? e.what}`, w), dim: true });
      continue;
    }
    n += 1;
    numbers.set(n, e.message.seq);
    lines.push(...messageLines(e.message, n, e.mine, w, bySeq));
  }
  for (const p of pending) {
    const status = p.status === "failed" ? `failed${p.reason ? ` (${p.reason})` : ""}` : p.status;
    lines.push({
      text: truncate(`     you · ${status}`, w),
      color: p.status === "failed" ? "red" : "yellow",
    });
    for (const l of wrapText(p.text, w - 2)) lines.push({ text: `  ${l}`, dim: true });
  }
  return { lines, numbers };
}

function messageLines(
  m: Message,
  n: number,
  mine: boolean,
  w: number,
  bySeq: Map<number, Message>,
): Line[] {
  const out: Line[] = [];
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
        : `${q.user.name}: ${q.text.replace(/\s+/g, " ")}`
      : "an earlier message";
    out.push({ text: truncate(`  ↪ ${quoted}`, w), dim: true });
  }
  if (m.deleted) {
    out.push({ text: "  message deleted", dim: true });
    return out;
  }
  if (m.undecryptable) {
    out.push({ text: "  (could not be decrypted)", dim: true });
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
