// How many terminal cells a piece of text takes, and wrapping text to a
// width, for the full screen's own layout: the log is cut into screen lines
// here (not by Ink) so that scrolling can count lines, and PgUp/PgDn move by
// a screen's worth of them. The rule is the usual one of terminals (as in
// wcwidth and the string-width package Ink measures with): combining marks
// and joiners take none, East Asian wide and fullwidth characters and emoji
// take two, everything else one.

/** Characters that take no cell: combining marks, joiners, variation selectors. */
const ZERO = /^(?:\p{M}|[\u200b-\u200f\u2060]|[\ufe00-\ufe0f])/u;
/** Emoji shown as pictures (not the text-style symbols such as ©, which take one cell). */
const EMOJI = /\p{Extended_Pictographic}/u;

/** East Asian wide and fullwidth ranges (Hangul, CJK, kana, fullwidth forms). */
function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** The characters as a person sees them (an emoji with its modifiers is one). */
export function graphemes(text: string): string[] {
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

/** The cells one character (a grapheme) takes. */
export function charWidth(ch: string): number {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  if (cp < 0x300) return 1;
  if (ZERO.test(String.fromCodePoint(cp))) return 0;
  if (isWide(cp)) return 2;
  // An emoji shown as a picture (by default, or asked for with U+FE0F) is
  // two cells; a text-style symbol (©, ↩, ◆) is one.
  if (EMOJI.test(ch) && (/\p{Emoji_Presentation}|\ufe0f|\u200d/u.test(ch) || cp >= 0x1f000))
    return 2;
  if (/\p{Regional_Indicator}/u.test(ch)) return 2;
  return 1;
}

/** The cells a string takes on one line. */
export function textWidth(text: string): number {
  // Plain ASCII, the common case, without segmenting.
  if (/^[\x20-\x7e]*$/.test(text)) return text.length;
  let w = 0;
  for (const ch of graphemes(text)) w += charWidth(ch);
  return w;
}

/** `text` cut to at most `width` cells, with `…` when something was cut. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return "";
  if (textWidth(text) <= width) return text;
  let out = "";
  let w = 0;
  for (const ch of graphemes(text)) {
    const cw = charWidth(ch);
    if (w + cw > width - 1) break;
    out += ch;
    w += cw;
  }
  return `${out}…`;
}

/** `text` padded with spaces to `width` cells (cut first when longer). */
export function pad(text: string, width: number): string {
  const cut = truncate(text, width);
  return cut + " ".repeat(Math.max(0, width - textWidth(cut)));
}

/**
 * One line of text (no line breaks) wrapped to `width` cells: at spaces when
 * a word fits, else anywhere (a long link, Chinese, which has no spaces).
 * Always at least one line, so an empty line stays a line.
 */
export function wrapLine(line: string, width: number): string[] {
  const w = Math.max(1, width);
  if (textWidth(line) <= w) return [line];
  const out: string[] = [];
  let current = "";
  let currentWidth = 0;
  // Words with the spaces before them, so the spaces are kept inside a line.
  for (const word of line.match(/\s*\S+|\s+$/g) ?? [line]) {
    const ww = textWidth(word);
    if (currentWidth + ww <= w) {
      current += word;
      currentWidth += ww;
      continue;
    }
    const bare = word.replace(/^\s+/, "");
    const bw = textWidth(bare);
    if (current && bw <= w) {
      out.push(current);
      current = bare;
      currentWidth = bw;
      continue;
    }
    // A word longer than a line: cut it where the line ends.
    for (const ch of graphemes(current ? word : bare)) {
      const cw = charWidth(ch);
      if (currentWidth + cw > w && current) {
        out.push(current);
        current = "";
        currentWidth = 0;
        if (/\s/.test(ch)) continue;
      }
      current += ch;
      currentWidth += cw;
    }
  }
  if (current || !out.length) out.push(current);
  return out;
}

/** Text with line breaks, each line wrapped to `width`. */
export function wrapText(text: string, width: number): string[] {
  return text.split("\n").flatMap((l) => wrapLine(l, width));
}
