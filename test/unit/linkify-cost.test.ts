// linkify against hostile text (issue 10): its cost grows linearly with the
// text, so that one crafted message cannot freeze every reader's tab, and a
// link's shown text carries no bidi control that would reverse what it says.
//
// The cost is checked without any time threshold, which would depend on the
// machine: only the ratio of two measurements of the same run. Growing the
// text 16 times costs about 16 times more when linkify is linear and about
// 256 times more when it is quadratic; the bound sits between, at 64.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { linkify, type Part, safeHref } from "../../web/lib/linkify";

const URL_ = "https://a.b/";

/** Texts that cost quadratic time in the first linkify, by how they end. */
const SHAPES: Record<string, (n: number) => string> = {
  // The message: each pass trimmed one `)` and counted them all again.
  "unbalanced closing brackets": (n) => URL_ + ")".repeat(n),
  // Punctuation and brackets in turn: a pass for each pair.
  "punctuation and brackets": (n) => URL_ + ".)".repeat(n / 2),
  // A long run of punctuation that is not at the end: a backtracking `+$`.
  "punctuation inside": (n) => `${URL_}${".".repeat(n)}x`,
  // Nothing to trim: the whole of it goes to `new URL`.
  "opening brackets": (n) => URL_ + "(".repeat(n),
};

const SMALL = 1000;
const LARGE = 16_000;

/** Milliseconds per call, over as many calls as fit in 20 ms (at least one). */
function perCall(text: string): number {
  const start = performance.now();
  let calls = 0;
  let elapsed = 0;
  do {
    linkify(text);
    calls++;
    elapsed = performance.now() - start;
  } while (elapsed < 20);
  return elapsed / calls;
}

/** The median of five measurements, so that one pause for garbage collection does not count. */
function cost(text: string): number {
  const samples = Array.from({ length: 5 }, () => perCall(text)).sort((a, b) => a - b);
  return samples[2] as number;
}

describe("linkify's cost", () => {
  it("grows linearly with the length of crafted texts", { timeout: 300_000 }, () => {
    // Warm up the JIT on small texts, so that the first measurement is not of the compiler.
    for (const shape of Object.values(SHAPES)) perCall(shape(SMALL));
    const ratios: Record<string, number> = {};
    for (const [name, shape] of Object.entries(SHAPES)) {
      const small = cost(shape(SMALL));
      const large = cost(shape(LARGE));
      ratios[name] = large / small;
      console.log(
        `linkify ${name}: ${SMALL} chars ${small.toFixed(4)} ms, ${LARGE} chars ${large.toFixed(4)} ms, ratio ${(large / small).toFixed(1)} (linear 16, quadratic 256)`,
      );
    }
    for (const ratio of Object.values(ratios)) expect(ratio).toBeLessThan(64);
  });

  it("still finds the link in the crafted texts, and only the link", () => {
    const n = 3980;
    expect(linkify(URL_ + ")".repeat(n))).toEqual([
      { kind: "link", text: URL_, href: URL_ },
      { kind: "text", text: ")".repeat(n) },
    ]);
    expect(linkify(URL_ + ".)".repeat(n / 2))).toEqual([
      { kind: "link", text: URL_, href: URL_ },
      { kind: "text", text: ".)".repeat(n / 2) },
    ]);
    const dotted = `${URL_}${".".repeat(n)}x`;
    expect(linkify(dotted)).toEqual([{ kind: "link", text: dotted, href: dotted }]);
    const open = URL_ + "(".repeat(n);
    expect(linkify(open)).toEqual([{ kind: "link", text: open, href: open }]);
  });

  it("trims what it trimmed before, in ordinary texts", () => {
    expect(linkify("(see https://x.org/a_(b)).")).toEqual([
      { kind: "text", text: "(see " },
      { kind: "link", text: "https://x.org/a_(b)", href: "https://x.org/a_(b)" },
      { kind: "text", text: ")." },
    ]);
    expect(linkify("[https://x.org/a]!? {https://x.org/{b}}")).toEqual([
      { kind: "text", text: "[" },
      { kind: "link", text: "https://x.org/a", href: "https://x.org/a" },
      { kind: "text", text: "]!? {" },
      { kind: "link", text: "https://x.org/{b}", href: "https://x.org/%7Bb%7D" },
      { kind: "text", text: "}" },
    ]);
    expect(linkify("https://x.org/a.)]_")).toEqual([
      { kind: "link", text: "https://x.org/a", href: "https://x.org/a" },
      { kind: "text", text: ".)]_" },
    ]);
  });
});

/** The first linkify, quadratic, kept as the reference for what trimming means. */
function reference(text: string): Part[] {
  const trim = (raw: string) => {
    let s = raw;
    for (;;) {
      const before = s;
      s = s.replace(/[.,;:!?'"*_~]+$/, "");
      for (const [open, close] of ["()", "[]", "{}"] as const) {
        const count = (ch: string) => s.split(ch).length - 1;
        if (s.endsWith(close) && count(close) > count(open)) s = s.slice(0, -1);
      }
      if (s === before) return s;
    }
  };
  const parts: Part[] = [];
  let last = 0;
  for (const match of text.matchAll(/https?:\/\/[^\s<>"'`]+/gi)) {
    const start = match.index ?? 0;
    const candidate = trim(match[0]);
    const href = safeHref(candidate);
    if (!href || candidate.length <= "https://".length) continue;
    if (start > last) parts.push({ kind: "text", text: text.slice(last, start) });
    parts.push({ kind: "link", text: candidate, href });
    last = start + candidate.length;
  }
  if (last < text.length) parts.push({ kind: "text", text: text.slice(last) });
  return parts;
}

describe("linkify's results", () => {
  it("are the first linkify's, for texts made of URLs, brackets and punctuation", () => {
    // Mostly single characters, so that brackets nest and unbalance after a URL.
    const piece = fc.oneof(
      { arbitrary: fc.constantFrom("https://", "http://x.org", "https://a.b/"), weight: 1 },
      { arbitrary: fc.webUrl(), weight: 1 },
      { arbitrary: fc.constantFrom(..."()[]{}.,;:!?'\"*_~<>` x/"), weight: 8 },
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const text = pieces.join("");
        expect(linkify(text)).toEqual(reference(text));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("a link's text", () => {
  const BIDI = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/;

  it("carries no bidi control, and its href is percent-encoded", () => {
    const parts = linkify("get https://evil.example/\u202Efdp.exe now");
    const link = parts.find((p) => p.kind === "link");
    expect(link).toBeDefined();
    expect(link?.text).not.toMatch(BIDI);
    expect(link?.text).toBe("https://evil.example/%E2%80%AEfdp.exe");
    expect(link?.kind === "link" && link.href).toBe("https://evil.example/%E2%80%AEfdp.exe");
    // The text around it is as it was.
    expect(parts[0]).toEqual({ kind: "text", text: "get " });
    expect(parts[2]).toEqual({ kind: "text", text: " now" });
  });

  it("shows every bidi control of the list as its percent escape", () => {
    for (const c of "\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u200E\u200F\u061C") {
      const [link] = linkify(`https://a.example/x${c}y`);
      expect(link?.text).toBe(`https://a.example/x${encodeURIComponent(c)}y`);
      expect(link?.text).not.toMatch(BIDI);
    }
  });

  it("leaves plain text that is not a link as it is", () => {
    const text = "\u202Eplain \u2067text\u2069";
    expect(linkify(text)).toEqual([{ kind: "text", text }]);
  });
});
