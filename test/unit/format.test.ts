// Message formatting (web/lib/format.ts): properties over texts made mostly
// of markers, so that they meet, nest and unbalance often, and examples of
// what people type. The strongest property: the text rebuilt from the blocks
// (markers put back where the tokens say they were) is exactly the text, so
// what is shown is the text less the markers it consumed, and nothing else.
// Its cost grows linearly with the text, measured like linkify's
// (test/unit/linkify-cost.test.ts): a ratio of two sizes, no time threshold.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Block, formatText, type Span } from "../../web/lib/format";

/** The source a span came from: its markers put back around what it shows. */
function spanSource(s: Span): string {
  switch (s.kind) {
    case "text":
    case "link":
      return s.text;
    case "bold":
      return `**${s.spans.map(spanSource).join("")}**`;
    case "italic":
      return `${s.marker}${s.spans.map(spanSource).join("")}${s.marker}`;
    case "code":
      return `\`${s.text}\``;
    case "mention":
      return `@${s.name}`;
  }
}

function source(blocks: Block[]): string {
  return blocks
    .map((b) => {
      if (b.kind === "code") return `${b.open}\n${b.text}\n${b.close}`;
      const text = b.spans.map(spanSource).join("");
      return b.kind === "quote"
        ? text
            .split("\n")
            .map((l) => `> ${l}`)
            .join("\n")
        : text;
    })
    .join("\n");
}

/** What a reader sees, as text: no markers (an @ is shown). */
function spanVisible(s: Span): string {
  switch (s.kind) {
    case "text":
    case "link":
    case "code":
      return s.text;
    case "bold":
    case "italic":
      return s.spans.map(spanVisible).join("");
    case "mention":
      return `@${s.name}`;
  }
}

function visible(blocks: Block[]): string {
  return blocks
    .map((b) => (b.kind === "code" ? b.text : b.spans.map(spanVisible).join("")))
    .join("\n");
}

function* allSpans(spans: Span[]): Generator<Span> {
  for (const s of spans) {
    yield s;
    if (s.kind === "bold" || s.kind === "italic") yield* allSpans(s.spans);
  }
}

const spansOf = (blocks: Block[]) =>
  blocks.flatMap((b) => (b.kind === "code" ? [] : [...allSpans(b.spans)]));

/** Texts made of markers, words, links, CJK, emoji and line starts, in any order. */
const piece = fc.oneof(
  {
    arbitrary: fc.constantFrom("*", "**", "***", "_", "`", "@", "> ", ">", "```", "```js"),
    weight: 6,
  },
  { arbitrary: fc.constantFrom(" ", "\n", "\t", ".", ",", "(", ")", "-"), weight: 4 },
  { arbitrary: fc.constantFrom("a", "bob", "x_y", "2", "中文", "é", "😀", "ann.lee"), weight: 4 },
  {
    arbitrary: fc.constantFrom("https://x.org/a_b", "http://a.b", "ftp://x.org", "https://"),
    weight: 1,
  },
);
const texts = fc.array(piece, { maxLength: 40 }).map((p) => p.join(""));

describe("formatText's properties", () => {
  it("rebuilds the text exactly: it shows the text less the markers it consumed", () => {
    fc.assert(
      fc.property(texts, (text) => {
        expect(source(formatText(text))).toBe(text);
      }),
      { numRuns: 5000 },
    );
  });

  it("shows a subsequence of the text, and only marker characters are left out", () => {
    fc.assert(
      fc.property(texts, (text) => {
        const shown = visible(formatText(text));
        // Greedy match of what is shown within the text; what it skips must be markup.
        let j = 0;
        let skipped = "";
        for (const c of text) {
          if (j < shown.length && shown.startsWith(c, j)) j += c.length;
          else skipped += c;
        }
        expect(j).toBe(shown.length);
        // The fence's language word ("js") is consumed with its fence line.
        expect(skipped.replace(/js/g, "")).toMatch(/^[*_`> \n]*$/);
      }),
      { numRuns: 3000 },
    );
  });

  it("never throws, on any string of code points (lone surrogates too)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (text) => {
        formatText(text);
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(texts, (text) => {
        formatText(text);
      }),
    );
  });

  it("leaves a text with one lone marker as it is", () => {
    const words = fc.array(fc.constantFrom("a", "b c", "中", "😀", "x.", " "), { maxLength: 8 });
    fc.assert(
      fc.property(words, fc.constantFrom("*", "_", "`", "**", "***"), words, (a, m, b) => {
        const text = `${a.join("")}${m}${b.join("")}`;
        expect(formatText(text)).toEqual([{ kind: "paragraph", spans: [{ kind: "text", text }] }]);
      }),
    );
  });

  it("formats nothing inside a code span", () => {
    const inside = fc
      .array(fc.constantFrom("*", "**", "_", "@bob", "https://x.org", "> ", "a", " ", "中"), {
        minLength: 1,
        maxLength: 12,
      })
      .map((p) => p.join(""));
    fc.assert(
      fc.property(inside, (code) => {
        expect(formatText(`\`${code}\``)).toEqual([
          { kind: "paragraph", spans: [{ kind: "code", text: code }] },
        ]);
      }),
    );
  });

  it("makes links of http and https only, with the href the URL parser gives", () => {
    fc.assert(
      fc.property(texts, (text) => {
        for (const s of spansOf(formatText(text))) {
          if (s.kind !== "link") continue;
          const url = new URL(s.href);
          expect(["http:", "https:"]).toContain(url.protocol);
          expect(s.href).toBe(url.href);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("keeps emphasis non-empty, on one line, and mentions to names without a trailing . _ -", () => {
    fc.assert(
      fc.property(texts, (text) => {
        for (const s of spansOf(formatText(text))) {
          if (s.kind === "bold" || s.kind === "italic") {
            expect(s.spans.length).toBeGreaterThan(0);
            expect(s.spans.map(spanVisible).join("")).not.toContain("\n");
          }
          if (s.kind === "mention") {
            expect(s.name).not.toBe("");
            expect(s.name).not.toMatch(/[._-]$/);
          }
          if (s.kind === "code") expect(s.text).not.toMatch(/[`\n]/);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("passes plain text through as one text span, and formats a marked word the same wherever it is", () => {
    const plain = fc
      .array(fc.constantFrom("a", "b c", "中文", "😀", ".", ","), { minLength: 1, maxLength: 8 })
      .map((p) => p.join(""));
    fc.assert(
      fc.property(plain, (text) => {
        expect(formatText(text)).toEqual([{ kind: "paragraph", spans: [{ kind: "text", text }] }]);
      }),
    );
    const word = fc.constantFrom("a", "word", "中文", "two words");
    fc.assert(
      fc.property(word, fc.constantFrom("**", "*", "_", "`"), (w, m) => {
        const [alone] = formatText(`${m}${w}${m}`);
        const [amid] = formatText(`say ${m}${w}${m} now`);
        expect(alone?.kind === "paragraph" && alone.spans.length).toBe(1);
        expect(amid?.kind === "paragraph" && amid.spans[1]).toEqual(
          alone?.kind === "paragraph" && alone.spans[0],
        );
      }),
    );
  });

  it("gives the same blocks for the same text (no state between calls)", () => {
    fc.assert(
      fc.property(texts, texts, (a, b) => {
        const first = formatText(a);
        formatText(b);
        expect(formatText(a)).toEqual(first);
      }),
      { numRuns: 500 },
    );
  });
});

const p = (...spans: Span[]): Block => ({ kind: "paragraph", spans });
const q = (...spans: Span[]): Block => ({ kind: "quote", spans });
const txt = (text: string): Span => ({ kind: "text", text });

describe("formatText's examples", () => {
  it("bold, italic, code, and their nesting", () => {
    expect(formatText("a **b** c")).toEqual([
      p(txt("a "), { kind: "bold", spans: [txt("b")] }, txt(" c")),
    ]);
    expect(formatText("*i* and _j_")).toEqual([
      p({ kind: "italic", marker: "*", spans: [txt("i")] }, txt(" and "), {
        kind: "italic",
        marker: "_",
        spans: [txt("j")],
      }),
    ]);
    expect(formatText("***both***")).toEqual([
      p({ kind: "bold", spans: [{ kind: "italic", marker: "*", spans: [txt("both")] }] }),
    ]);
    expect(formatText("**bold _and italic_**")).toEqual([
      p({
        kind: "bold",
        spans: [txt("bold "), { kind: "italic", marker: "_", spans: [txt("and italic")] }],
      }),
    ]);
    expect(formatText("run `npm **test**` now")).toEqual([
      p(txt("run "), { kind: "code", text: "npm **test**" }, txt(" now")),
    ]);
    expect(formatText("**see `x`**")).toEqual([
      p({ kind: "bold", spans: [txt("see "), { kind: "code", text: "x" }] }),
    ]);
  });

  it("leaves what is not emphasis as typed", () => {
    for (const text of [
      "2*3*4 = 24",
      "snake_case_name and __init__",
      "a * b * c",
      "**not closed",
      "closed not opened**",
      "* a list item",
      "****",
      "``",
      "`unclosed code",
      "**across\nlines**",
      "a@b.com",
    ])
      expect(visible(formatText(text))).toBe(text);
    expect(spansOf(formatText("**across\nlines**")).every((s) => s.kind === "text")).toBe(true);
  });

  it("works without spaces in Chinese", () => {
    expect(formatText("这是**重要**的")).toEqual([
      p(txt("这是"), { kind: "bold", spans: [txt("重要")] }, txt("的")),
    ]);
    expect(formatText("你好@李雷，在吗")).toEqual([
      p(txt("你好"), { kind: "mention", name: "李雷" }, txt("，在吗")),
    ]);
  });

  it("links as linkify finds them, atomic within emphasis", () => {
    expect(formatText("see **https://x.org/a_b_c**.")).toEqual([
      p(
        txt("see "),
        {
          kind: "bold",
          spans: [{ kind: "link", text: "https://x.org/a_b_c", href: "https://x.org/a_b_c" }],
        },
        txt("."),
      ),
    ]);
    expect(formatText("javascript:alert(1) ftp://x.org `https://x.org`")).toEqual([
      p(txt("javascript:alert(1) ftp://x.org "), { kind: "code", text: "https://x.org" }),
    ]);
    const [bidi] = formatText("https://evil.example/\u202Efdp.exe");
    expect(bidi).toEqual(
      p({
        kind: "link",
        text: "https://evil.example/%E2%80%AEfdp.exe",
        href: "https://evil.example/%E2%80%AEfdp.exe",
      }),
    );
  });

  it("mention candidates after a space, punctuation or the start", () => {
    expect(formatText("@ann, ask @bob_smith. (@中文) email@x.org @ @.")).toEqual([
      p(
        { kind: "mention", name: "ann" },
        txt(", ask "),
        { kind: "mention", name: "bob_smith" },
        txt(". ("),
        { kind: "mention", name: "中文" },
        txt(") email@x.org @ @."),
      ),
    ]);
    expect(formatText("_@bob_")).toEqual([
      p({ kind: "italic", marker: "_", spans: [{ kind: "mention", name: "bob" }] }),
    ]);
  });

  it("quotes and fenced code blocks", () => {
    expect(formatText("> said **this**\n> and that\nreply")).toEqual([
      q(txt("said "), { kind: "bold", spans: [txt("this")] }, txt("\nand that")),
      p(txt("reply")),
    ]);
    expect(formatText("look:\n```ts\nconst a = **b**;\n  `x`\n```\ndone")).toEqual([
      p(txt("look:")),
      { kind: "code", text: "const a = **b**;\n  `x`", open: "```ts", close: "```" },
      p(txt("done")),
    ]);
    // Unclosed, or empty: the backticks are text.
    expect(visible(formatText("```\nno end"))).toBe("```\nno end");
    expect(visible(formatText("```\n```"))).toBe("```\n```");
    expect(formatText(">no space\n>")).toEqual([p(txt(">no space\n>"))]);
    expect(formatText("")).toEqual([p()]);
  });
});

// ---------------------------------------------------------------------------
// Cost

/** Texts that would cost quadratic time in a naive tokenizer, by what repeats. */
const SHAPES: Record<string, (n: number) => string> = {
  // Openers that never close, then closers of another tag: each closer must not search them all.
  "openers then closers": (n) => "**a ".repeat(n / 8) + "b* ".repeat(n / 6),
  "underscores then stars": (n) => "_a ".repeat(n / 6) + "b* ".repeat(n / 6),
  "stars only": (n) => "*".repeat(n),
  "unclosed code, line after line": (n) => "a `b\n".repeat(n / 5),
  "unclosed fences": (n) => "```x\n".repeat(n / 5),
  "fences and text": (n) => "```\na\n".repeat(n / 6),
  mentions: (n) => "@a ".repeat(n / 3),
  "one long mention": (n) => `@${"a".repeat(n)}`,
  "links and markers": (n) => "https://a.b/_*_ ".repeat(n / 16),
  quotes: (n) => "> *a\n".repeat(n / 5),
  "mixed markers": (n) => "*_`@> \n".repeat(n / 7),
};

const SMALL = 1000;
const LARGE = 16_000;

function perCall(text: string): number {
  const start = performance.now();
  let calls = 0;
  let elapsed = 0;
  do {
    formatText(text);
    calls++;
    elapsed = performance.now() - start;
  } while (elapsed < 20);
  return elapsed / calls;
}

function cost(text: string): number {
  const samples = Array.from({ length: 5 }, () => perCall(text)).sort((a, b) => a - b);
  return samples[2] as number;
}

describe("formatText's cost", () => {
  it("grows linearly with the length of crafted texts", { timeout: 300_000 }, () => {
    for (const shape of Object.values(SHAPES)) perCall(shape(SMALL));
    const ratios: Record<string, number> = {};
    for (const [name, shape] of Object.entries(SHAPES)) {
      const small = cost(shape(SMALL));
      const large = cost(shape(LARGE));
      ratios[name] = large / small;
      console.log(
        `formatText ${name}: ${SMALL} chars ${small.toFixed(4)} ms, ${LARGE} chars ${large.toFixed(4)} ms, ratio ${(large / small).toFixed(1)} (linear 16, quadratic 256)`,
      );
    }
    for (const ratio of Object.values(ratios)) expect(ratio).toBeLessThan(64);
  });
});
