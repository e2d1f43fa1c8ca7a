// Splits a message into plain text and http(s) links, so that the page can
// render links as <a> elements and everything else as text nodes. Nothing in
// a message ever becomes markup: the only thing that turns into an element is
// a candidate that `new URL` parses with the http: or https: protocol.
//
// Every message of the log goes through here, and anyone can send one, so it
// runs in time linear in the text: one crafted message must not freeze the
// tab of everyone who reads it (issue 10).

export type Part = { kind: "text"; text: string } | { kind: "link"; text: string; href: string };

// A candidate starts at http:// or https:// and runs to white space or a
// character that rarely belongs to a URL typed in a chat.
const CANDIDATE = /https?:\/\/[^\s<>"'`]+/gi;
// Punctuation that ends a sentence rather than the URL.
const TRAILING = ".,;:!?'\"*_~";
// Brackets: a closing one is trimmed only when unbalanced.
const CLOSE = ")]}";
const OPEN = "([{";
// Bidi controls (embeddings, overrides, isolates and marks). In a link's
// shown text one could make `https://evil.example/\u202Efdp.exe` read as
// `…exe.pdf`, so each is shown as its UTF-8 percent escape (`%E2%80%AE`):
// visible, and the same as what the href carries, since the URL parser
// percent-encodes them there.
const BIDI = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;

/**
 * Drops trailing punctuation and unbalanced closing brackets from a candidate:
 * from the end, while the last character is punctuation or a closing bracket
 * with more of its kind than of its opening one. One count, then one pass.
 */
function trimCandidate(raw: string): string {
  // Closing minus opening brackets of each kind, over the whole candidate.
  const excess = [0, 0, 0];
  const add = (k: number, d: number) => {
    excess[k] = (excess[k] ?? 0) + d;
  };
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charAt(i);
    if (CLOSE.includes(c)) add(CLOSE.indexOf(c), 1);
    else if (OPEN.includes(c)) add(OPEN.indexOf(c), -1);
  }
  let end = raw.length;
  while (end > 0) {
    const c = raw.charAt(end - 1);
    const k = CLOSE.indexOf(c);
    if (k >= 0 && (excess[k] ?? 0) > 0) add(k, -1);
    else if (!TRAILING.includes(c)) break;
    end--;
  }
  return raw.slice(0, end);
}

/** A safe href for `candidate`, or null when it is not an http(s) URL. */
export function safeHref(candidate: string): string | null {
  try {
    const url = new URL(candidate);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

/** A link found in a text: its place [start, end) in the text, and its safe href. */
export interface LinkRange {
  start: number;
  end: number;
  href: string;
}

/**
 * The links of `text`, in order, as places in it: the one pass that `linkify`
 * and the message formatter (format.ts) share, so that both find the same
 * links by the same rules.
 */
export function linkRanges(text: string): LinkRange[] {
  const ranges: LinkRange[] = [];
  for (const match of text.matchAll(CANDIDATE)) {
    const start = match.index ?? 0;
    const candidate = trimCandidate(match[0]);
    const href = safeHref(candidate);
    if (!href || candidate.length <= "https://".length) continue;
    ranges.push({ start, end: start + candidate.length, href });
  }
  return ranges;
}

/** A link's shown text: as written, with each bidi control as its percent escape. */
export function linkText(raw: string): string {
  return raw.replace(BIDI, encodeURIComponent);
}

export function linkify(text: string): Part[] {
  const parts: Part[] = [];
  let last = 0;
  for (const { start, end, href } of linkRanges(text)) {
    if (start > last) parts.push({ kind: "text", text: text.slice(last, start) });
    parts.push({ kind: "link", text: linkText(text.slice(start, end)), href });
    last = end;
  }
  if (last < text.length) parts.push({ kind: "text", text: text.slice(last) });
  return parts;
}
