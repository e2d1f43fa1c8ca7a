// The shared protocol module, under Node: room and user name rules, message
// text rules, ids, quit(), UTF-8 and code point lengths, and the client
// frame parser, which must return a result and never throw on any input.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checkText,
  codePointLength,
  DEFAULT_LIMITS,
  isMessageId,
  isQuitCommand,
  MAX_NAME,
  MAX_ROOM,
  nameKey,
  normalizeRoomName,
  normalizeUserName,
  parseClientFrame,
  utf8Length,
} from "../../protocol";

const ROOM_RE = /^[\p{L}\p{N}_-][\p{L}\p{M}\p{N}._-]{0,63}$/u;
const MAX_TEXT = DEFAULT_LIMITS.MAX_TEXT;

/** Strings of any UTF-16 code units, lone surrogates included. */
const utf16 = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  maxLength: 80,
});
/** Strings of characters that stress case mapping and normalisation. */
const tricky = fc.string({
  unit: fc.constantFrom(
    "a",
    "Z",
    "É",
    "e",
    "\u0301",
    "\u0307",
    "\u0345",
    "İ",
    "I",
    "Σ",
    "ς",
    "ẞ",
    "ß",
    "Ω",
    "\u212A",
    "\u212B",
    "ǅ",
    "ΐ",
    "ﬁ",
    "中",
    "한",
    "\u1100",
    "\u1161",
    "_",
    "-",
    ".",
    "1",
    "٣",
    "𝒜",
    "𐐀",
    " ",
  ),
  maxLength: 70,
});

describe("normalizeRoomName", () => {
  it("lower-cases: Lobby and lobby are one room", () => {
    expect(normalizeRoomName("Lobby")).toBe("lobby");
    expect(normalizeRoomName("lobby")).toBe("lobby");
    expect(normalizeRoomName("LOBBY")).toBe("lobby");
  });

  it('NFC: precomposed "é" and "e" + U+0301 are one room', () => {
    expect(normalizeRoomName("caf\u00e9")).toBe("caf\u00e9");
    expect(normalizeRoomName("cafe\u0301")).toBe("caf\u00e9");
    expect(normalizeRoomName("CAFE\u0301")).toBe("caf\u00e9");
  });

  it("accepts Unicode letters and digits, returns them lower-cased", () => {
    expect(normalizeRoomName("中文")).toBe("中文");
    expect(normalizeRoomName("Ünïcode")).toBe("ünïcode");
    expect(normalizeRoomName("ΑΘΗΝΑ")).toBe("αθηνα");
    expect(normalizeRoomName("٣٤")).toBe("٣٤");
    expect(normalizeRoomName("room-1_2.3")).toBe("room-1_2.3");
    expect(normalizeRoomName("_x")).toBe("_x");
    expect(normalizeRoomName("-x")).toBe("-x");
  });

  it("1 to 64 code points, astral characters counting as one", () => {
    expect(normalizeRoomName("a")).toBe("a");
    expect(normalizeRoomName("a".repeat(MAX_ROOM))).toBe("a".repeat(64));
    expect(normalizeRoomName("a".repeat(MAX_ROOM + 1))).toBeNull();
    expect(normalizeRoomName("𝒜".repeat(64))).toBe("𝒜".repeat(64));
    expect(normalizeRoomName("𝒜".repeat(65))).toBeNull();
    expect(normalizeRoomName("")).toBeNull();
  });

  it("counts the length after normalisation: 64 decomposed letters are 64 code points", () => {
    expect(normalizeRoomName("e\u0301".repeat(64))).toBe("\u00e9".repeat(64));
  });

  it("refuses names that start with '.', or hold '/', space, '!' or invisible characters", () => {
    for (const bad of [
      ".hidden",
      ".",
      "..",
      "a/b",
      "a b",
      " a",
      "a ",
      "a!",
      "a~",
      "a%2Fb",
      "a\u200Bb",
      "a\u0000",
      "a\nb",
      "\u0301a",
      "a\uD800",
      "😀",
    ]) {
      expect(normalizeRoomName(bad), JSON.stringify(bad)).toBeNull();
    }
  });

  it("property: any output is its own normal form, matches the rule and has at most 64 code points", () => {
    for (const arb of [tricky, fc.string({ unit: "grapheme", maxLength: 70 }), utf16]) {
      fc.assert(
        fc.property(arb, (raw) => {
          const out = normalizeRoomName(raw);
          if (out === null) return;
          expect(normalizeRoomName(out)).toBe(out);
          expect(out).toBe(out.normalize("NFC"));
          expect(out).toBe(out.toLowerCase());
          expect(out).toMatch(ROOM_RE);
          expect([...out].length).toBeLessThanOrEqual(MAX_ROOM);
        }),
        { numRuns: 2000 },
      );
    }
  });

  it("property: two spellings that normalise alike are one room", () => {
    fc.assert(
      fc.property(tricky, (raw) => {
        const out = normalizeRoomName(raw);
        expect(normalizeRoomName(raw.normalize("NFD"))).toBe(out);
        expect(normalizeRoomName(raw.normalize("NFC"))).toBe(out);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("normalizeUserName", () => {
  const okName = (raw: string) => {
    const r = normalizeUserName(raw);
    expect(r.ok, JSON.stringify(raw)).toBe(true);
    return r.ok ? r.value : "";
  };
  const refused = (raw: string) => {
    const r = normalizeUserName(raw);
    expect(r.ok, JSON.stringify(raw)).toBe(false);
    if (!r.ok) expect(r.error.length).toBeGreaterThan(0);
  };

  it("trims and NFC-normalises", () => {
    expect(okName("  alice \t")).toBe("alice");
    expect(okName("Jose\u0301")).toBe("Jos\u00e9");
    expect(okName("Alice")).toBe("Alice");
  });

  it("1 to 32 code points, astral characters counting as one", () => {
    expect(okName("a")).toBe("a");
    expect(okName("a".repeat(MAX_NAME))).toBe("a".repeat(32));
    refused("a".repeat(MAX_NAME + 1));
    expect(okName("😀".repeat(32))).toBe("😀".repeat(32));
    refused("😀".repeat(33));
    expect(okName(` ${"a".repeat(32)} `)).toBe("a".repeat(32));
    // Counted after NFC: 32 decomposed letters are 32 code points.
    expect(okName("e\u0301".repeat(32))).toBe("\u00e9".repeat(32));
    refused("");
  });

  it("refuses control and format characters", () => {
    for (const bad of [
      "a\u0000b",
      "a\u0007",
      "a\nb",
      "a\u007f",
      "a\u0085b",
      "a\u200Bb",
      "a\u200Eb",
      "a\u202Eb",
      "a\u2066b",
      "a\uFEFFb",
      "a\uD800",
      "a\uE000",
    ]) {
      refused(bad);
    }
  });

  it("allows the joiners ZWJ and ZWNJ", () => {
    expect(okName("👩‍💻")).toBe("👩\u200D💻");
    expect(okName("👨‍👩‍👧")).toBe("👨‍👩‍👧");
    expect(okName("می\u200Cخواهم")).toBe("می\u200Cخواهم");
  });

  it("needs a visible character: spaces, marks and fillers alone are invalid", () => {
    for (const bad of [
      "   ",
      "\u3000",
      "\u00A0",
      "\u0301",
      "\u0301\u0302",
      "\u3164",
      "\uFFA0",
      "\u2800",
      "\u3164\u3164",
      "\u200D",
      "\u200C\u200D",
      " \u3164 \u2800 ",
    ]) {
      refused(bad);
    }
  });

  it("property: an accepted name is trimmed, NFC, 1–32 code points, and stable", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "grapheme", maxLength: 40 }), utf16), (raw) => {
        const r = normalizeUserName(raw);
        if (!r.ok) return;
        const name = r.value;
        expect(name).toBe(name.trim());
        expect(name).toBe(name.normalize("NFC"));
        const n = [...name].length;
        expect(n).toBeGreaterThanOrEqual(1);
        expect(n).toBeLessThanOrEqual(MAX_NAME);
        expect(normalizeUserName(name)).toEqual({ ok: true, value: name });
      }),
      { numRuns: 2000 },
    );
  });
});

describe("nameKey", () => {
  it("compares names case-insensitively and across normal forms", () => {
    expect(nameKey("Alice")).toBe(nameKey("alice"));
    expect(nameKey("ALICE")).toBe(nameKey("aLiCe"));
    expect(nameKey("Jos\u00e9")).toBe(nameKey("JOSE\u0301"));
    expect(nameKey("ΣΟΦΙΑ")).toBe(nameKey("σοφια"));
    expect(nameKey("alice")).not.toBe(nameKey("alicia"));
  });
});

describe("checkText", () => {
  it("refuses blank text and whitespace only", () => {
    for (const bad of ["", " ", "\n\n", "\t \r\n", "\u3000", "\u3164", "\u2800", "\u200B"]) {
      expect(checkText(bad, MAX_TEXT).ok, JSON.stringify(bad)).toBe(false);
    }
  });

  it("keeps text exactly as sent: newlines, leading and trailing spaces", () => {
    for (const text of ["a\nb", "  hi  ", "line 1\r\nline 2\n", "e\u0301", "👩‍💻"]) {
      expect(checkText(text, MAX_TEXT)).toEqual({ ok: true, value: text });
    }
  });

  it("exactly MAX_TEXT code points is fine, astral ones counting as one; one more is refused", () => {
    expect(checkText("a".repeat(MAX_TEXT), MAX_TEXT).ok).toBe(true);
    expect(checkText("a".repeat(MAX_TEXT + 1), MAX_TEXT).ok).toBe(false);
    expect(checkText("😀".repeat(MAX_TEXT), MAX_TEXT).ok).toBe(true);
    expect(checkText("😀".repeat(MAX_TEXT + 1), MAX_TEXT).ok).toBe(false);
    expect(checkText(`${"😀".repeat(MAX_TEXT - 1)}a`, MAX_TEXT).ok).toBe(true);
    expect(checkText(`${"a".repeat(MAX_TEXT)}😀`, MAX_TEXT).ok).toBe(false);
    expect(checkText("abc", 3).ok).toBe(true);
    expect(checkText("abcd", 3).ok).toBe(false);
  });

  it("refuses a lone surrogate, high or low, anywhere", () => {
    for (const bad of ["\uD800", "a\uD83D", "\uDE00a", "a\uDC00b", "😀\uD83D", "\uDE00😀"]) {
      expect(checkText(bad, MAX_TEXT).ok, JSON.stringify(bad)).toBe(false);
    }
  });

  it("property: refused exactly when over the limit, without a visible character, or with a lone surrogate", () => {
    fc.assert(
      fc.property(fc.oneof(utf16, fc.string({ unit: "grapheme", maxLength: 20 })), (text) => {
        const max = 10;
        const lone = [...text].some((c) => {
          const x = c.codePointAt(0) ?? 0;
          return x >= 0xd800 && x <= 0xdfff;
        });
        const tooLong = [...text].length > max;
        const r = checkText(text, max);
        if (lone || tooLong) expect(r.ok).toBe(false);
        if (r.ok) expect(r.value).toBe(text);
        if (!lone && !tooLong && /[\p{L}\p{N}\p{P}\p{S}]/u.test(text)) expect(r.ok).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("isMessageId", () => {
  it("16 to 64 of [A-Za-z0-9_-]", () => {
    expect(isMessageId("a".repeat(16))).toBe(true);
    expect(isMessageId("a".repeat(64))).toBe(true);
    expect(isMessageId("Az09_-Az09_-Az09")).toBe(true);
    expect(isMessageId("a".repeat(15))).toBe(false);
    expect(isMessageId("a".repeat(65))).toBe(false);
    expect(isMessageId(`${"a".repeat(15)}+`)).toBe(false);
    expect(isMessageId(`${"a".repeat(15)}/`)).toBe(false);
    expect(isMessageId(`${"a".repeat(16)}=`)).toBe(false);
    expect(isMessageId(`${"a".repeat(16)}\n`)).toBe(false);
    expect(isMessageId(` ${"a".repeat(16)}`)).toBe(false);
    expect(isMessageId(`${"a".repeat(15)}é`)).toBe(false);
  });

  it("only strings", () => {
    for (const v of [undefined, null, 1234567890123456, ["a".repeat(16)], { id: "a".repeat(16) }]) {
      expect(isMessageId(v)).toBe(false);
    }
  });
});

describe("isQuitCommand", () => {
  it("is quit() once trimmed, and nothing else", () => {
    expect(isQuitCommand("quit()")).toBe(true);
    expect(isQuitCommand(" quit() ")).toBe(true);
    expect(isQuitCommand("\n\tquit()\r\n")).toBe(true);
    expect(isQuitCommand("quit()x")).toBe(false);
    expect(isQuitCommand("quit ()")).toBe(false);
    expect(isQuitCommand("quit")).toBe(false);
    expect(isQuitCommand("QUIT()")).toBe(false);
    expect(isQuitCommand("say quit()")).toBe(false);
    expect(isQuitCommand("")).toBe(false);
  });
});

describe("lengths", () => {
  it("utf8Length: known values", () => {
    expect(utf8Length("")).toBe(0);
    expect(utf8Length("a")).toBe(1);
    expect(utf8Length("é")).toBe(2);
    expect(utf8Length("中")).toBe(3);
    expect(utf8Length("😀")).toBe(4);
    // A lone surrogate is sent as U+FFFD: 3 bytes.
    expect(utf8Length("\uD800")).toBe(3);
    expect(utf8Length("\uDC00\uD800")).toBe(6);
  });

  it("property: utf8Length equals Buffer.byteLength, lone surrogates included", () => {
    for (const arb of [fc.string({ unit: "binary" }), fc.string({ unit: "grapheme" }), utf16]) {
      fc.assert(
        fc.property(arb, (s) => {
          expect(utf8Length(s)).toBe(Buffer.byteLength(s, "utf8"));
          expect(utf8Length(s)).toBe(new TextEncoder().encode(s).length);
        }),
        { numRuns: 2000 },
      );
    }
  });

  it("codePointLength: known values", () => {
    expect(codePointLength("")).toBe(0);
    expect(codePointLength("abc")).toBe(3);
    expect(codePointLength("😀😀")).toBe(2);
    expect(codePointLength("👩‍💻")).toBe(3);
    expect(codePointLength("\uD800a")).toBe(2);
    expect(codePointLength("\uDC00\uD800")).toBe(2);
  });

  it("property: codePointLength equals [...s].length", () => {
    for (const arb of [fc.string({ unit: "binary" }), fc.string({ unit: "grapheme" }), utf16]) {
      fc.assert(
        fc.property(arb, (s) => {
          expect(codePointLength(s)).toBe([...s].length);
        }),
        { numRuns: 2000 },
      );
    }
  });
});

describe("parseClientFrame", () => {
  const code = (raw: string) => {
    const r = parseClientFrame(raw);
    return r.ok ? "ok" : r.error.code;
  };
  const ID = "abcdefghijklmnop";

  it("parses each client frame, dropping unknown fields", () => {
    expect(parseClientFrame('{"type":"join","name":"alice"}')).toEqual({
      ok: true,
      value: { type: "join", name: "alice" },
    });
    expect(parseClientFrame('{"type":"join","name":"a","since":0,"token":"t","x":1}')).toEqual({
      ok: true,
      value: { type: "join", name: "a", since: 0, token: "t" },
    });
    expect(parseClientFrame(`{"type":"send","id":"${ID}","text":"hi","extra":[1]}`)).toEqual({
      ok: true,
      value: { type: "send", id: ID, text: "hi" },
    });
    expect(parseClientFrame('{"type":"typing","x":{}}')).toEqual({
      ok: true,
      value: { type: "typing" },
    });
    expect(parseClientFrame('{"type":"leave"}')).toEqual({ ok: true, value: { type: "leave" } });
  });

  it("bad_json for text that is not JSON", () => {
    for (const raw of [
      "",
      "{",
      "{'type':'join'}",
      "ping",
      '{"type":"join",}',
      "undefined",
      "NaN",
    ]) {
      expect(code(raw), raw).toBe("bad_json");
    }
  });

  it("bad_frame for JSON that is not an object", () => {
    for (const raw of ["[]", '[{"type":"join","name":"a"}]', "null", "1", "0", '"join"', "true"]) {
      expect(code(raw), raw).toBe("bad_frame");
    }
  });

  it("bad_message for a missing, non-string or unknown type", () => {
    for (const raw of [
      "{}",
      '{"name":"a"}',
      '{"type":1}',
      '{"type":null}',
      '{"type":["join"]}',
      '{"type":"JOIN","name":"a"}',
      '{"type":"welcome"}',
      '{"type":"ping"}',
      '{"type":"toString"}',
      '{"type":"constructor"}',
      '{"type":"__proto__"}',
      '{"type":"hasOwnProperty"}',
    ]) {
      expect(code(raw), raw).toBe("bad_message");
    }
  });

  it("bad_message for wrong field types", () => {
    for (const raw of [
      '{"type":"join"}',
      '{"type":"join","name":1}',
      '{"type":"join","name":null}',
      '{"type":"join","name":["a"]}',
      '{"type":"join","name":"a","since":-1}',
      '{"type":"join","name":"a","since":1.5}',
      '{"type":"join","name":"a","since":"3"}',
      '{"type":"join","name":"a","since":null}',
      '{"type":"join","name":"a","since":9007199254740992}',
      '{"type":"join","name":"a","token":1}',
      '{"type":"join","name":"a","token":null}',
      '{"type":"send","text":"hi"}',
      '{"type":"send","id":"short","text":"hi"}',
      '{"type":"send","id":1234567890123456789,"text":"hi"}',
      `{"type":"send","id":"${ID}"}`,
      `{"type":"send","id":"${ID}","text":1}`,
      `{"type":"send","id":"${ID}","text":null}`,
      `{"type":"send","id":"${ID}","text":["hi"]}`,
    ]) {
      expect(code(raw), raw).toBe("bad_message");
    }
  });

  it("a refused send with a well-formed id carries that id; one without does not", () => {
    const withId = parseClientFrame(`{"type":"send","id":"${ID}","text":5}`);
    expect(withId.ok).toBe(false);
    if (!withId.ok) expect(withId.error.id).toBe(ID);
    const without = parseClientFrame('{"type":"send","id":"bad id","text":"hi"}');
    expect(without.ok).toBe(false);
    if (!without.ok) expect(without.error.id).toBeUndefined();
  });

  it("`__proto__` keys neither pollute Object.prototype nor fill in fields", () => {
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    const r1 = parseClientFrame('{"__proto__":{"polluted":1,"type":"join"},"name":"a"}');
    expect(r1.ok).toBe(false);
    if (!r1.ok) expect(r1.error.code).toBe("bad_message");

    const r2 = parseClientFrame(
      '{"type":"join","name":"a","__proto__":{"since":-1,"token":5,"polluted":1}}',
    );
    expect(r2).toEqual({ ok: true, value: { type: "join", name: "a" } });
    if (r2.ok) expect(Object.getPrototypeOf(r2.value)).toBe(Object.prototype);

    const r3 = parseClientFrame(
      '{"type":"join","__proto__":{"name":"from the prototype"},"constructor":{"prototype":{"polluted":1}}}',
    );
    expect(r3.ok).toBe(false);

    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
  });

  it("deep nesting gives an error result, not a throw", () => {
    const depth = 10_000;
    const arrays = `${"[".repeat(depth)}${"]".repeat(depth)}`;
    expect(() => parseClientFrame(arrays)).not.toThrow();
    expect(parseClientFrame(arrays).ok).toBe(false);

    const objects = `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
    expect(() => parseClientFrame(objects)).not.toThrow();
    expect(parseClientFrame(objects).ok).toBe(false);

    const unclosed = "[".repeat(depth * 10);
    expect(parseClientFrame(unclosed)).toMatchObject({ ok: false, error: { code: "bad_json" } });
  });

  it("property: never throws on arbitrary strings", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary" }), utf16, fc.string()), (raw) => {
        const r = parseClientFrame(raw);
        expect(typeof r.ok).toBe("boolean");
        if (!r.ok) expect(["bad_json", "bad_frame", "bad_message"]).toContain(r.error.code);
      }),
      { numRuns: 3000 },
    );
  });

  it("property: never throws on arbitrary JSON values, and accepts only well-typed frames", () => {
    const typed = fc.record(
      {
        type: fc.constantFrom("join", "send", "typing", "leave", "other"),
        name: fc.oneof(fc.string(), fc.jsonValue()),
        since: fc.oneof(fc.nat(), fc.jsonValue()),
        token: fc.oneof(fc.string(), fc.jsonValue()),
        id: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{16,64}$/), fc.jsonValue()),
        text: fc.oneof(fc.string(), fc.jsonValue()),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), typed), (value) => {
        const r = parseClientFrame(JSON.stringify(value) ?? "null");
        if (!r.ok) {
          expect(["bad_frame", "bad_message"]).toContain(r.error.code);
          return;
        }
        const f = r.value;
        const input = value as Record<string, unknown>;
        expect(f.type).toBe(input.type);
        if (f.type === "join") {
          expect(typeof f.name).toBe("string");
          if (f.since !== undefined)
            expect(Number.isSafeInteger(f.since) && f.since >= 0).toBe(true);
          if (f.token !== undefined) expect(typeof f.token).toBe("string");
        } else if (f.type === "send") {
          expect(isMessageId(f.id)).toBe(true);
          expect(typeof f.text).toBe("string");
        } else {
          expect(["typing", "leave"]).toContain(f.type);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe("parseClientFrame, owners' frames (v2)", () => {
  const parse = (frame: unknown) => parseClientFrame(JSON.stringify(frame));
  const code = (frame: unknown) => {
    const r = parse(frame);
    return r.ok ? "ok" : r.error.code;
  };

  it("accepts each owner frame with fields in range, and keeps only its fields", () => {
    expect(parse({ type: "kick", user: "u1", extra: 1 })).toEqual({
      ok: true,
      value: { type: "kick", user: "u1" },
    });
    expect(parse({ type: "ban", user: "u1" })).toEqual({
      ok: true,
      value: { type: "ban", user: "u1" },
    });
    expect(code({ type: "ban", user: "u1", minutes: 1 })).toBe("ok");
    expect(code({ type: "ban", user: "u1", minutes: 10080 })).toBe("ok");
    expect(code({ type: "unban", tag: "abcdef12" })).toBe("ok");
    expect(code({ type: "mute", user: "u1", minutes: 0 })).toBe("ok");
    expect(code({ type: "mute", user: "u1", minutes: 10080 })).toBe("ok");
    expect(parse({ type: "settings", topic: "", slowMs: 3600000, locked: false })).toEqual({
      ok: true,
      value: { type: "settings", topic: "", slowMs: 3600000, locked: false },
    });
    expect(parse({ type: "settings" })).toEqual({ ok: true, value: { type: "settings" } });
    expect(code({ type: "settings", topic: "話".repeat(300) })).toBe("ok");
  });

  it("a field outside its range or of the wrong type is bad_message", () => {
    for (const frame of [
      { type: "kick" },
      { type: "kick", user: 1 },
      { type: "ban", user: "u1", minutes: 0 },
      { type: "ban", user: "u1", minutes: 10081 },
      { type: "ban", user: "u1", minutes: 1.5 },
      { type: "unban" },
      { type: "mute", user: "u1" },
      { type: "mute", user: "u1", minutes: -1 },
      { type: "mute", user: "u1", minutes: 10081 },
      { type: "settings", topic: "話".repeat(301) },
      { type: "settings", topic: "a\u0007b" },
      { type: "settings", topic: "a\nb" },
      { type: "settings", topic: "\ud800" },
      { type: "settings", topic: 1 },
      { type: "settings", slowMs: -1 },
      { type: "settings", slowMs: 3600001 },
      { type: "settings", locked: "yes" },
    ])
      expect(code(frame), JSON.stringify(frame)).toBe("bad_message");
  });
});
