// The page's pure helpers: message ids, links in messages, timestamps and
// the reconnect backoff.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { backoffDelay } from "../../client/backoff";
import { isMessageId } from "../../protocol";
import { base64url, newMessageId } from "../../protocol/ids";
import { catalogue, pickLang } from "../../web/i18n";
import { linkify, safeHref } from "../../web/lib/linkify";
import { formatTimestamp } from "../../web/lib/time";

/** The reference encoding, from the platform's base64. */
const reference = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");

describe("message ids", () => {
  it("encodes like base64url without padding", () => {
    const bytes = new Uint8Array([0xfb, 0xff, 0xbf, 0x00, 0x10]);
    expect(base64url(bytes)).toBe(reference(bytes));
  });

  it("matches Node's base64url for any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        expect(base64url(bytes)).toBe(reference(bytes));
      }),
    );
  });

  it("makes ids of 128 bits that the protocol accepts", () => {
    const id = newMessageId((n) => new Uint8Array(n).fill(0xff));
    expect(id).toHaveLength(22);
    expect(isMessageId(id)).toBe(true);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        expect(isMessageId(newMessageId(() => bytes))).toBe(true);
      }),
    );
  });
});

describe("linkify", () => {
  it("turns http and https URLs into links and keeps the rest as text", () => {
    expect(linkify("see https://example.com/a?b=1 and http://x.org.")).toEqual([
      { kind: "text", text: "see " },
      { kind: "link", text: "https://example.com/a?b=1", href: "https://example.com/a?b=1" },
      { kind: "text", text: " and " },
      { kind: "link", text: "http://x.org", href: "http://x.org/" },
      { kind: "text", text: "." },
    ]);
  });

  it("never links other protocols", () => {
    for (const text of ["javascript:alert(1)", "data:text/html,<b>", "ftp://x.org", "<a href=x>"]) {
      expect(linkify(text)).toEqual([{ kind: "text", text }]);
    }
    expect(safeHref("javascript:alert(1)")).toBeNull();
    expect(safeHref("https://ok.example")).toBe("https://ok.example/");
  });

  it("keeps balanced brackets and drops a closing one that ends a sentence", () => {
    expect(linkify("(https://en.wikipedia.org/wiki/Foo_(bar))")).toEqual([
      { kind: "text", text: "(" },
      {
        kind: "link",
        text: "https://en.wikipedia.org/wiki/Foo_(bar)",
        href: "https://en.wikipedia.org/wiki/Foo_(bar)",
      },
      { kind: "text", text: ")" },
    ]);
  });

  it("loses no character of any text", () => {
    fc.assert(
      fc.property(fc.string(), fc.webUrl(), fc.string(), (a, url, b) => {
        const text = `${a} ${url} ${b}`;
        expect(
          linkify(text)
            .map((p) => p.text)
            .join(""),
        ).toBe(text);
      }),
    );
  });
});

describe("timestamps", () => {
  it("formats local time as YYYY-MM-DD HH:MM:SS", () => {
    const d = new Date(2024, 0, 2, 3, 4, 5);
    expect(formatTimestamp(d.getTime())).toBe("2024-01-02 03:04:05");
  });
});

describe("backoff", () => {
  it("grows exponentially up to the cap, with full jitter", () => {
    const opts = { baseMs: 500, capMs: 15_000 };
    expect(backoffDelay(0, () => 0.999999, opts)).toBe(499);
    expect(backoffDelay(3, () => 0.999999, opts)).toBe(3999);
    expect(backoffDelay(10, () => 0.999999, opts)).toBe(14999);
    expect(backoffDelay(100, () => 0.999999, opts)).toBe(14999);
    expect(backoffDelay(5, () => 0, opts)).toBe(0);
  });
});

describe("languages", () => {
  it("picks ?lang first, then the browser's languages, then English", () => {
    expect(pickLang("zh", ["en-US"])).toBe("zh");
    expect(pickLang("en", ["zh-CN"])).toBe("en");
    expect(pickLang(null, ["zh-TW", "en"])).toBe("zh");
    expect(pickLang("fr", ["de-DE", "en-GB"])).toBe("en");
    expect(pickLang(null, ["ja"])).toBe("en");
  });

  it("has the same keys in every catalogue, and no empty string", async () => {
    const shape = (o: object): string[] =>
      Object.entries(o).flatMap(([k, v]) =>
        typeof v === "object" ? shape(v).map((s) => `${k}.${s}`) : [k],
      );
    const zh = await catalogue("zh");
    const en = await catalogue("en");
    expect(shape(zh).sort()).toEqual(shape(en).sort());
    for (const lang of ["en", "zh"] as const) {
      for (const [k, v] of Object.entries(lang === "zh" ? zh : en)) {
        if (typeof v === "string") expect(v, `${lang}.${k}`).not.toBe("");
      }
    }
  });
});
