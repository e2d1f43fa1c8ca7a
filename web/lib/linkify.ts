// Splits a message into plain text and http(s) links, so that the page can
// render links as <a> elements and everything else as text nodes. Nothing in
// a message ever becomes markup: the only thing that turns into an element is
// a candidate that `new URL` parses with the http: or https: protocol.

export type Part = { kind: "text"; text: string } | { kind: "link"; text: string; href: string };

// A candidate starts at http:// or https:// and runs to white space or a
// character that rarely belongs to a URL typed in a chat.
const CANDIDATE = /https?:\/\/[^\s<>"'`]+/gi;
// Punctuation that ends a sentence rather than the URL.
const TRAILING = /[.,;:!?'"*_~]+$/;

/** Drops trailing punctuation and unbalanced closing brackets from a candidate. */
function trimCandidate(raw: string): string {
  let s = raw;
  for (;;) {
    const before = s;
    s = s.replace(TRAILING, "");
    for (const [open, close] of [
      ["(", ")"],
      ["[", "]"],
      ["{", "}"],
    ] as const) {
      if (s.endsWith(close) && count(s, close) > count(s, open)) s = s.slice(0, -1);
    }
    if (s === before) return s;
  }
}

function count(s: string, ch: string): number {
  let n = 0;
  for (const c of s) if (c === ch) n++;
  return n;
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

export function linkify(text: string): Part[] {
  const parts: Part[] = [];
  let last = 0;
  for (const match of text.matchAll(CANDIDATE)) {
    const start = match.index ?? 0;
    const candidate = trimCandidate(match[0]);
    const href = safeHref(candidate);
    if (!href || candidate.length <= "https://".length) continue;
    if (start > last) parts.push({ kind: "text", text: text.slice(last, start) });
    parts.push({ kind: "link", text: candidate, href });
    last = start + candidate.length;
  }
  if (last < text.length) parts.push({ kind: "text", text: text.slice(last) });
  return parts;
}
