// Trip codes (protocol v2): splitting a `join.name` into the name and the
// trip secret (protocol/trip.ts), under Node. The trip itself, an HMAC under
// the deployment's key, is tested inside workerd (test/workers/trips/).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { codePointLength } from "../../protocol";
import { MAX_TRIP_SECRET, splitTripName } from "../../protocol/trip";

/** Strings of any UTF-16 code units, lone surrogates included. */
const utf16 = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  maxLength: 90,
});
/** Strings rich in `#`, spaces, decomposed and astral characters. */
const tricky = fc.string({
  unit: fc.constantFrom(
    "#",
    "#",
    " ",
    "a",
    "Z",
    "e",
    "\u0301",
    "é",
    "Å",
    "\u212B",
    "𝒜",
    "中",
    "\t",
  ),
  maxLength: 90,
});
/** Well-formed Unicode of any characters, `#` included. */
const anyChars = fc.string({ unit: "grapheme", maxLength: 80 });

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe("splitTripName", () => {
  it("a name without # is the name, with no secret", () => {
    expect(splitTripName("alice")).toEqual({ name: "alice" });
    expect(splitTripName("")).toEqual({ name: "" });
    expect(splitTripName("  Ålice ")).toEqual({ name: "  Ålice " });
  });

  it("splits at the first #: a later # is part of the secret", () => {
    expect(splitTripName("alice#s3cret")).toEqual({ name: "alice", secret: "s3cret" });
    expect(splitTripName("a#b#c")).toEqual({ name: "a", secret: "b#c" });
    expect(splitTripName("a##")).toEqual({ name: "a", secret: "#" });
  });

  it("a # as the last character leaves an empty secret: an error", () => {
    const out = splitTripName("alice#");
    expect(out).toHaveProperty("error");
    expect(out).not.toHaveProperty("name");
    expect(splitTripName("#")).toHaveProperty("error");
  });

  it("returns the name part as given; the room applies the name rules to it", () => {
    expect(splitTripName("#secret")).toEqual({ name: "", secret: "secret" });
    expect(splitTripName(" alice #x")).toEqual({ name: " alice ", secret: "x" });
    expect(splitTripName("cafe\u0301#x")).toEqual({ name: "cafe\u0301", secret: "x" });
  });

  it("takes the secret as typed: not trimmed", () => {
    expect(splitTripName("alice# s ")).toEqual({ name: "alice", secret: " s " });
    expect(splitTripName("alice# ")).toEqual({ name: "alice", secret: " " });
  });

  it("NFC-normalises the secret: decomposed and precomposed are one secret", () => {
    expect(splitTripName("a#cafe\u0301")).toEqual({ name: "a", secret: "caf\u00e9" });
    expect(splitTripName("a#\u212B")).toEqual({ name: "a", secret: "\u00c5" });
  });

  it("1 to 64 code points after NFC, astral characters counting as one", () => {
    expect(MAX_TRIP_SECRET).toBe(64);
    expect(splitTripName(`a#${"x".repeat(64)}`)).toEqual({ name: "a", secret: "x".repeat(64) });
    expect(splitTripName(`a#${"x".repeat(65)}`)).toHaveProperty("error");
    expect(splitTripName(`a#${"𝒜".repeat(64)}`)).toEqual({ name: "a", secret: "𝒜".repeat(64) });
    expect(splitTripName(`a#${"𝒜".repeat(65)}`)).toHaveProperty("error");
    // 64 decomposed letters are 128 code points as typed, 64 after NFC.
    expect(splitTripName(`a#${"e\u0301".repeat(64)}`)).toEqual({
      name: "a",
      secret: "\u00e9".repeat(64),
    });
  });

  it("refuses a secret that is not valid Unicode (a lone surrogate)", () => {
    expect(splitTripName("a#\uD800")).toHaveProperty("error");
    expect(splitTripName("a#x\uDC00")).toHaveProperty("error");
    // A lone surrogate in the name part is the name rules' business.
    expect(splitTripName("\uD800#x")).toEqual({ name: "\uD800", secret: "x" });
  });

  it("property: never throws; the name never holds #; the secret follows the rules", () => {
    for (const arb of [tricky, utf16]) {
      fc.assert(
        fc.property(arb, (raw) => {
          const out = splitTripName(raw);
          if ("error" in out) {
            expect(raw).toContain("#");
            expect(out.error.length).toBeGreaterThan(0);
            return;
          }
          expect(out.name).not.toContain("#");
          if (out.secret === undefined) {
            expect(raw).not.toContain("#");
            expect(out.name).toBe(raw);
            return;
          }
          // The name is the raw text before the first #, the secret the NFC of the rest.
          expect(raw.startsWith(`${out.name}#`)).toBe(true);
          expect(out.secret).toBe(raw.slice(out.name.length + 1).normalize("NFC"));
          expect(out.secret).toBe(out.secret.normalize("NFC"));
          expect(codePointLength(out.secret)).toBeGreaterThanOrEqual(1);
          expect(codePointLength(out.secret)).toBeLessThanOrEqual(MAX_TRIP_SECRET);
          expect(out.secret).not.toMatch(LONE_SURROGATE);
        }),
        { numRuns: 2000 },
      );
    }
  });

  it("property: an error exactly when the part after the first # breaks the secret rules", () => {
    fc.assert(
      fc.property(tricky, utf16, (name, rest) => {
        const head = name.replaceAll("#", "");
        const out = splitTripName(`${head}#${rest}`);
        const secret = rest.normalize("NFC");
        const n = codePointLength(secret);
        const bad = LONE_SURROGATE.test(rest) || n < 1 || n > MAX_TRIP_SECRET;
        expect("error" in out).toBe(bad);
      }),
      { numRuns: 2000 },
    );
  });

  it("property: round trip — name + '#' + secret splits back into name and secret", () => {
    const name = tricky.map((s) => s.replaceAll("#", ""));
    const secret = anyChars
      .map((s) => s.normalize("NFC"))
      .filter((s) => codePointLength(s) >= 1 && codePointLength(s) <= MAX_TRIP_SECRET);
    fc.assert(
      fc.property(name, secret, (n, s) => {
        expect(splitTripName(`${n}#${s}`)).toEqual({ name: n, secret: s });
      }),
      { numRuns: 2000 },
    );
  });

  it("property: an NFC secret is found again whatever normal form it was typed in", () => {
    const secret = anyChars.filter((s) => s.length > 0);
    fc.assert(
      fc.property(secret, (s) => {
        const a = splitTripName(`x#${s.normalize("NFD")}`);
        const b = splitTripName(`x#${s.normalize("NFC")}`);
        expect(a).toEqual(b);
      }),
      { numRuns: 1000 },
    );
  });
});
