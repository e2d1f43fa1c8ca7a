// "Save conversation" (issue 13): a room's messages as a file, as text in
// the original chat room's format or as JSON. Loaded only when someone saves
// (web/ui/SaveConversation.tsx imports it dynamically), so that it weighs
// nothing on the page every visitor loads.
//
// The text format, one message after another:
//
//   alice 2026-12-04 17:45:04
//   the text, on as many lines as it has
//   <blank line>
//
// The header is the sender's name and the local time, as the original Qt
// client showed it. An edited message keeps its current text and has
// " (edited)" after its header; a deleted one reads "(message deleted)". A
// reply has a line "↪ reply to NAME: the start of its text" under its header
// when the message it answers is among those saved (otherwise nothing: the
// file says only what it holds). These few words are English in both
// languages of the page: the file is a record, not the page's interface.
// Reactions are in the JSON only.
import type { Message } from "../../protocol";

export const DELETED = "(message deleted)";
export const EDITED = " (edited)";
/** How much of the answered message a reply line quotes, in code points. */
export const QUOTE_LENGTH = 60;

const pad = (n: number) => String(n).padStart(2, "0");

/**
 * `YYYY-MM-DD HH:MM:SS` of `ts` in `timeZone` (an IANA name; by default the
 * device's own zone, as the page shows times).
 */
export function timestamp(ts: number, timeZone?: string): string {
  if (timeZone === undefined) {
    const d = new Date(ts);
    return (
      `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
      `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
    );
  }
  const parts: Record<string, string> = {};
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  });
  for (const p of format.formatToParts(ts)) parts[p.type] = p.value;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

/** The start of a text for a reply line: its first line, at most QUOTE_LENGTH code points. */
function quoteOf(m: Message): string {
  if (m.deleted) return DELETED;
  const first = m.text.split("\n", 1)[0] as string;
  const points = [...first];
  const more = points.length > QUOTE_LENGTH || first !== m.text;
  return points.slice(0, QUOTE_LENGTH).join("") + (more ? "…" : "");
}

/** The messages as the original chat room's text, oldest first. */
export function toText(messages: readonly Message[], timeZone?: string): string {
  const bySeq = new Map(messages.map((m) => [m.seq, m]));
  const sorted = [...messages].sort((a, b) => a.seq - b.seq);
  let out = "";
  for (const m of sorted) {
    out += `${m.user.name} ${timestamp(m.ts, timeZone)}${m.editedAt && !m.deleted ? EDITED : ""}\n`;
    const answered = m.replyTo === undefined ? undefined : bySeq.get(m.replyTo);
    if (answered) out += `↪ reply to ${answered.user.name}: ${quoteOf(answered)}\n`;
    out += `${m.deleted ? DELETED : m.text}\n\n`;
  }
  return out;
}

/** The saved file as JSON: the room, when it was saved, and the messages as the protocol has them. */
export function toJson(room: string, messages: readonly Message[], now = Date.now()): string {
  const sorted = [...messages].sort((a, b) => a.seq - b.seq);
  return `${JSON.stringify({ room, savedAt: new Date(now).toISOString(), messages: sorted }, null, 2)}\n`;
}

/** A file name for the room's conversation: `roomchat-<room>-<YYYY-MM-DD>.<ext>`, local date. */
export function fileName(room: string, ext: "txt" | "json", now = Date.now()): string {
  // Room names are letters, digits, - _ and . already; anything else is replaced all the same.
  const safe = room.replace(/[^\p{L}\p{N}._-]/gu, "_");
  return `roomchat-${safe}-${timestamp(now).slice(0, 10)}.${ext}`;
}

/** Hands `content` to the browser as a download named `name`. */
export function download(name: string, content: string, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.rel = "noopener";
  document.body.append(a);
  a.click();
  a.remove();
  // The click has started the download; the object URL is not needed after it.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
