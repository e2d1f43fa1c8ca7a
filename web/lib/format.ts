// Message formatting (issue 13): turns a message's text into blocks
// (paragraphs, quotes, fenced code) of inline spans (text, bold, italic,
// code, links, @mention candidates), which web/ui/Formatted.tsx renders as
// DOM nodes. Nothing here makes HTML: a span is data, and the page builds
// elements from it, so no text can ever become markup.
//
// Why our own: the page's JavaScript that every visitor loads has a budget of
// 35 KiB gzip and was 27.6 KiB before this. Measured, bundled and minified
// with esbuild, gzip -9 (December 2026): marked 18.3's lexer 16.1 KiB,
// micromark 4.0 13.4 KiB, mdast-util-from-markdown 2.1 16.8 KiB, markdown-it
// 15.0 (zero preset) 40.9 KiB; snarkdown 2.0 is 1.1 KiB but only makes an HTML
// string. None fits, so this is a small tokenizer of the chat's few rules,
// proven by property tests (test/unit/format.test.ts).
//
// The rules, kept few on purpose (what people type in a chat):
// - a line of ``` (a language word after it is allowed and ignored) opens a
//   code block that the next line of ``` closes; without a closing line, or
//   with nothing between, the backticks are plain text;
// - lines starting with "> " are a quote (the "> " is markup);
// - `code` on one line; nothing inside it is formatted;
// - **bold**, *italic* and _italic_ within one line: a marker opens before a
//   non-space and not after a letter or digit, and closes after a non-space
//   and not before a letter or digit (so 2*3*4, snake_case and __init__ stay
//   as they are; Chinese, which has no spaces, counts as not a letter here);
//   a run of four or more * and a run of two or more _ are plain text;
// - http(s) links exactly as web/lib/linkify.ts finds them;
// - @name after a space, punctuation or the start: a candidate, which the
//   page shows as a mention when it names someone present.
// Anything unbalanced stays as typed. Every character of the text is either
// shown or is one of these markers: the tests rebuild the text from the
// blocks exactly.
//
// Every message of the log goes through here and anyone can send one, so it
// runs in time linear in the text (no regular expression that can backtrack
// over the text; each marker is looked at a bounded number of times).
import { linkRanges, linkText } from "./linkify";

export type Span =
  | { kind: "text"; text: string }
  | { kind: "bold"; spans: Span[] }
  | { kind: "italic"; marker: "*" | "_"; spans: Span[] }
  | { kind: "code"; text: string }
  /** `text` is the link as written, bidi controls shown as percent escapes. */
  | { kind: "link"; text: string; href: string }
  /** `@name`: a candidate; the page decides whether it names someone. */
  | { kind: "mention"; name: string };

export type Block =
  | { kind: "paragraph"; spans: Span[] }
  | { kind: "quote"; spans: Span[] }
  /** `open` and `close` are the fence lines as written; `text` is the lines between. */
  | { kind: "code"; text: string; open: string; close: string };

const FENCE_OPEN = /^```[^\s`]*\s*$/;
const FENCE_CLOSE = /^```\s*$/;

export function formatText(text: string): Block[] {
  const lines = text.split("\n");
  const n = lines.length;
  // The next closing fence at or after each line, found once from the end,
  // so that many unclosed fences do not each search the rest of the text.
  const nextClose = new Int32Array(n + 1).fill(-1);
  for (let i = n - 1; i >= 0; i--)
    nextClose[i] = FENCE_CLOSE.test(lines[i] as string) ? i : (nextClose[i + 1] as number);

  const blocks: Block[] = [];
  let kind: "paragraph" | "quote" = "paragraph";
  let run: string[] = [];
  const flush = () => {
    if (run.length > 0) blocks.push({ kind, spans: inlineLines(run) });
    run = [];
  };
  for (let i = 0; i < n; i++) {
    const line = lines[i] as string;
    if (line.startsWith("```") && FENCE_OPEN.test(line)) {
      const close = nextClose[i + 1] as number;
      if (close > i + 1) {
        flush();
        const body = lines.slice(i + 1, close).join("\n");
        blocks.push({ kind: "code", text: body, open: line, close: lines[close] as string });
        i = close;
        continue;
      }
    }
    const quoted = line.startsWith("> ");
    const want = quoted ? "quote" : "paragraph";
    if (want !== kind) flush();
    kind = want;
    run.push(quoted ? line.slice(2) : line);
  }
  flush();
  return blocks;
}

/** The spans of consecutive lines: each line on its own, joined by "\n". */
function inlineLines(lines: string[]): Span[] {
  const out: Span[] = [];
  lines.forEach((line, i) => {
    if (i > 0) pushText(out, "\n");
    for (const span of inline(line)) {
      if (span.kind === "text") pushText(out, span.text);
      else out.push(span);
    }
  });
  return out;
}

function pushText(out: Span[], text: string) {
  if (text === "") return;
  const last = out[out.length - 1];
  if (last?.kind === "text") last.text += text;
  else out.push({ kind: "text", text });
}

// ---------------------------------------------------------------------------
// One line

type Tag = "**" | "*" | "_";

/** An opening marker; it becomes bold or italic only when a closing one matches it. */
interface Opener {
  kind: "open";
  tag: Tag;
  matched: boolean;
}

type Node = Span | Opener | { kind: "close" };

/**
 * The line's state while it is read: its nodes in order, and the openers not
 * yet closed (a stack) with a count of each tag on it, so that a closing
 * marker with no opener of its tag knows it at once instead of searching.
 */
class Line {
  nodes: Node[] = [];
  stack: Opener[] = [];
  count: Record<Tag, number> = { "**": 0, "*": 0, _: 0 };

  constructor(readonly s: string) {}

  text(text: string) {
    const last = this.nodes[this.nodes.length - 1];
    if (last?.kind === "text") last.text += text;
    else if (text !== "") this.nodes.push({ kind: "text", text });
  }

  open(tag: Tag) {
    const o: Opener = { kind: "open", tag, matched: false };
    this.nodes.push(o);
    this.stack.push(o);
    this.count[tag]++;
  }

  /**
   * Closes the innermost opener of `tag`, if there is one. The openers above
   * it are dropped (they stay plain text), as in CommonMark: each opener is
   * popped once, so the line's cost stays linear.
   */
  close(tag: Tag): boolean {
    if (this.count[tag] === 0) return false;
    for (;;) {
      const o = this.stack.pop() as Opener;
      this.count[o.tag]--;
      if (o.tag === tag) {
        o.matched = true;
        this.nodes.push({ kind: "close" });
        return true;
      }
    }
  }

  /** The tag of the innermost open `*` or `**`, if any. */
  innermostStar(): Tag | null {
    if (this.count["*"] === 0 && this.count["**"] === 0) return null;
    for (let i = this.stack.length - 1; ; i--) {
      const tag = (this.stack[i] as Opener).tag;
      if (tag !== "_") return tag;
    }
  }
}

// Each tests one code point (anchored: a lone surrogate next to a letter is
// not a letter).
const SPACE = /^\s$/u;
const WORD = /^[\p{L}\p{M}\p{N}_]$/u;
// Chinese, Japanese and Korean run without spaces: a letter of theirs next
// to a marker or an @ does not make it part of a word (as client/room.ts's
// `mentions` treats a name inside CJK text).
const CJK = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]$/u;
const NAME_CHAR = /^[\p{L}\p{M}\p{N}_.-]$/u;
const NAME_TRAIL = "._-";

const isWord = (c: string) => c !== "" && WORD.test(c) && !CJK.test(c);
const isSpace = (c: string) => c === "" || SPACE.test(c);

/** The code point that ends just before `i` ("" at the start). */
function before(s: string, i: number): string {
  if (i <= 0) return "";
  const low = s.charCodeAt(i - 1);
  return low >= 0xdc00 && low <= 0xdfff && i >= 2 ? s.slice(i - 2, i) : s.charAt(i - 1);
}

/** The code point that starts at `i` ("" at the end). */
function at(s: string, i: number): string {
  const c = s.codePointAt(i);
  return c === undefined ? "" : String.fromCodePoint(c);
}

function inline(s: string): Span[] {
  const line = new Line(s);
  // Code spans first: a backtick pairs with the next one on the line, and
  // what is between is shown as it is. An empty pair (``) is plain text.
  let from = 0;
  let i = 0;
  for (;;) {
    const a = s.indexOf("`", i);
    if (a < 0) break;
    const b = s.indexOf("`", a + 1);
    if (b < 0) break;
    if (b === a + 1) {
      i = b;
      continue;
    }
    rich(line, from, a);
    line.nodes.push({ kind: "code", text: s.slice(a + 1, b) });
    from = i = b + 1;
  }
  rich(line, from, s.length);
  return build(line.nodes);
}

/** Links in s[from, to), and markers and mentions between them. */
function rich(line: Line, from: number, to: number) {
  if (from >= to) return;
  const s = line.s;
  let last = from;
  for (const link of linkRanges(s.slice(from, to))) {
    plain(line, last, from + link.start);
    line.nodes.push({
      kind: "link",
      text: linkText(s.slice(from + link.start, from + link.end)),
      href: link.href,
    });
    last = from + link.end;
  }
  plain(line, last, to);
}

/** Markers and mentions in s[from, to), which holds no code and no link. */
function plain(line: Line, from: number, to: number) {
  const s = line.s;
  let last = from;
  let i = from;
  while (i < to) {
    const c = s.charAt(i);
    if (c !== "*" && c !== "_" && c !== "@") {
      i++;
      continue;
    }
    if (c === "@") {
      // A mention starts after a space, punctuation, a marker or the start
      // (not in an address: a@b), and runs over name characters, less any
      // ".", "_" or "-" that ends it.
      let end = i + 1;
      const prev = before(s, i);
      if (prev === "_" || !isWord(prev)) {
        while (end < to) {
          const cp = at(s, end);
          if (!NAME_CHAR.test(cp)) break;
          end += cp.length;
        }
        while (end > i + 1 && NAME_TRAIL.includes(s.charAt(end - 1))) end--;
      }
      if (end > i + 1) {
        line.text(s.slice(last, i));
        line.nodes.push({ kind: "mention", name: s.slice(i + 1, end) });
        last = end;
      }
      i = Math.max(end, i + 1);
      continue;
    }
    let end = i + 1;
    while (end < to && s.charAt(end) === c) end++;
    line.text(s.slice(last, i));
    marker(line, c, i, end);
    last = i = end;
  }
  line.text(s.slice(last, to));
}

/** A run of `*` or `_` at s[start, end): closes, opens, or stays text. */
function marker(line: Line, c: string, start: number, end: number) {
  const s = line.s;
  const length = end - start;
  const raw = s.slice(start, end);
  if (length > (c === "_" ? 1 : 3)) {
    line.text(raw);
    return;
  }
  const prev = before(s, start);
  const next = at(s, end);
  const canOpen = !isSpace(next) && !isWord(prev);
  const canClose = prev !== "" && !isSpace(prev) && !isWord(next);
  let left = length;
  if (canClose) {
    if (c === "_") {
      if (line.close("_")) left = 0;
    } else if (length < 3) {
      if (line.close(length === 2 ? "**" : "*")) left = 0;
    } else {
      // *** closes the innermost of * and ** first, then the other if it can.
      const first = line.innermostStar();
      if (first && line.close(first)) {
        left = first.length === 2 ? 1 : 2;
        if (line.close(left === 2 ? "**" : "*")) left = 0;
      }
    }
  }
  if (left === length && canOpen) {
    if (c === "_") line.open("_");
    else if (length === 1) line.open("*");
    else if (length === 2) line.open("**");
    else {
      // ***x*** is bold around italic.
      line.open("**");
      line.open("*");
    }
    return;
  }
  if (left > 0) line.text(c.repeat(left));
}

/** The spans of a line's nodes: matched openers and closers become bold and italic. */
function build(nodes: Node[]): Span[] {
  const root: Span[] = [];
  const stack: Span[][] = [root];
  for (const node of nodes) {
    const top = stack[stack.length - 1] as Span[];
    if (node.kind === "open") {
      if (!node.matched) pushText(top, node.tag);
      else {
        const span: Span =
          node.tag === "**"
            ? { kind: "bold", spans: [] }
            : { kind: "italic", marker: node.tag, spans: [] };
        top.push(span);
        stack.push(span.spans);
      }
    } else if (node.kind === "close") stack.pop();
    else if (node.kind === "text") pushText(top, node.text);
    else top.push(node);
  }
  return root;
}
