// How the scripting commands print a message: the Qt client's two lines
// (`name YYYY-MM-DD HH:MM:SS` in local time, then the text), or one JSON
// object per line (the protocol's Message as the room sent it). Kept apart
// from the commands so that the unit tests pin the format and the full
// screen (cli/ui/) may print its header the same way.
//
// (v2) A message of an encrypted room whose text does not decrypt (the
// core's `undecryptable`: a wrong key, a text tampered with or moved) is
// never printed as an empty text: text mode prints UNDECRYPTABLE where its
// text would be (the full screen shows the same words), JSON mode leaves
// `text` out and keeps `"undecryptable":true`.
import type { Message } from "../protocol";

/** What stands for a text that could not be decrypted, in `tail`, `export` and the full screen. */
export const UNDECRYPTABLE = "(could not be decrypted)";

const two = (n: number) => String(n).padStart(2, "0");

/** `YYYY-MM-DD HH:MM:SS` in the local time zone (TZ), as the Qt client showed it. */
export function formatStamp(ts: number): string {
  const d = new Date(ts);
  return (
    `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ` +
    `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`
  );
}

/** The header line of a message: its author and when it was posted. */
export function formatHeader(m: Pick<Message, "user" | "ts">): string {
  return `${m.user.name} ${formatStamp(m.ts)}`;
}

/**
 * What `tail` and `export` print for a message in text mode, without the
 * final newline: the original header, then the text (with its own line
 * breaks). `change` marks a later version of a message already printed: an
 * edit repeats the message's header with " (edited)" and prints the new
 * text; a deletion repeats it with " (deleted)" and prints "(deleted)" as
 * its text, so that every printed message stays two parts, header and text.
 * A deleted message met for the first time (export) reads the same way.
 * (v2) A text that could not be decrypted reads UNDECRYPTABLE.
 */
export function formatText(m: Message, change?: "edited" | "deleted"): string {
  const mark = change ?? (m.deleted !== undefined ? "deleted" : undefined);
  const header = mark ? `${formatHeader(m)} (${mark})` : formatHeader(m);
  const text = m.deleted !== undefined ? "(deleted)" : m.undecryptable ? UNDECRYPTABLE : m.text;
  return `${header}\n${text}`;
}

/**
 * One JSON line: the Message as the protocol defines it; (v2) one that could
 * not be decrypted has no `text` (the core's "" would read as a text), only
 * `"undecryptable":true`.
 */
export function formatJson(m: Message): string {
  if (!m.undecryptable) return JSON.stringify(m);
  const { text: _, ...rest } = m;
  return JSON.stringify(rest);
}

/**
 * How a newer version of a printed message differs from the printed one,
 * for text mode: an edit, a deletion, or nothing text mode shows (a
 * reaction). JSON mode prints every newer version. An edit is told by its
 * text or its `editedAt`, so that (v2) an edit whose text does not decrypt
 * either (both "") is still printed, as UNDECRYPTABLE.
 */
export function changeOf(before: Message, after: Message): "edited" | "deleted" | null {
  if (after.deleted !== undefined && before.deleted === undefined) return "deleted";
  if (after.deleted !== undefined) return null;
  if (after.text !== before.text || after.editedAt !== before.editedAt) return "edited";
  return null;
}
