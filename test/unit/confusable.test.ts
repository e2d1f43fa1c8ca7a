// Look-alike names (issue 10): which names the log must tell apart with their
// network tags. Equal skeletons mean "could be confused".
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { confusedIds, skeleton } from "../../web/lib/confusable";

const same = (a: string, b: string) => skeleton(a) === skeleton(b);

describe("the skeleton of a name", () => {
  it("matches names that look like Alice", () => {
    for (const name of [
      "Alice\u200D", // an invisible joiner
      "\u0410lice", // a Cyrillic А
      "Ali\u0441e", // a Cyrillic с
      "\u0391lice", // a Greek Α
      "ALICE",
      "alice",
      "A1ice",
      "AIice", // a capital I for the l: the same stroke in sans-serif type
      "A|ice",
      "Ａｌｉｃｅ", // full width
      "Alíce", // a mark
      "A l i c e",
      "Alice.",
    ]) {
      expect(same("Alice", name), name).toBe(true);
    }
  });

  it("matches ß and SS, rn and m, vv and w, 0 and o", () => {
    expect(same("Straße", "STRASSE")).toBe(true);
    expect(same("modern", "rnodern")).toBe(true);
    expect(same("wolf", "vvolf")).toBe(true);
    expect(same("bob", "b0b")).toBe(true);
    expect(same("\u0440\u0430\u0443\u0440\u0430\u043B", "paypal")).toBe(false); // л is not l
    expect(same("\u0440\u0430\u0443\u0440\u0430\u04CF", "paypal")).toBe(true); // ӏ is
  });

  it("tells clearly different names apart", () => {
    for (const [a, b] of [
      ["alice", "bob"],
      ["Alice", "Alicia"],
      ["Ann", "Anna"],
      ["李雷", "韩梅梅"],
      ["🙂", "😀"],
      ["!!", "??"],
    ]) {
      expect(same(a, b), `${a} / ${b}`).toBe(false);
    }
  });

  it("is the same for a name and its case, width, marks and invisible characters", () => {
    const word = fc.stringMatching(/^[a-z]{1,12}$/);
    fc.assert(
      fc.property(word, (w) => {
        const upper = w.toUpperCase();
        const wide = Array.from(w, (c) => String.fromCodePoint(c.charCodeAt(0) + 0xfee0)).join("");
        const marked = w.replace(/[aeou]/g, (c) => `${c}\u0301`);
        const hidden = `${w.slice(0, 1)}\u200B${w.slice(1)}\u2060`;
        for (const other of [upper, wide, marked, hidden])
          expect(skeleton(other)).toBe(skeleton(w));
      }),
    );
  });

  it("never matches names whose letters differ other than by look-alikes", () => {
    // Letters that no rule of the table folds together.
    const word = fc.stringMatching(/^[abcdefghknpqstuxyz]{1,12}$/);
    fc.assert(
      fc.property(word, word, (a, b) => {
        fc.pre(a !== b);
        expect(same(a, b)).toBe(false);
      }),
    );
  });
});

describe("who needs a tag", () => {
  const u = (id: string, name: string) => ({ id, name });

  it("is everyone whose name looks like another present one's", () => {
    const users = [
      u("1", "Alice"),
      u("2", "Bob"),
      u("3", "\u0410lice"),
      u("4", "B0b"),
      u("5", "Eve"),
    ];
    expect([...confusedIds(users)].sort()).toEqual(["1", "2", "3", "4"]);
  });

  it("is no one when the names are all different", () => {
    expect(confusedIds([u("1", "Alice"), u("2", "Bob")]).size).toBe(0);
    expect(confusedIds([u("1", "Alice")]).size).toBe(0);
    expect(confusedIds([]).size).toBe(0);
  });

  it("is not one user listed twice", () => {
    expect(confusedIds([u("1", "Alice"), u("1", "Alice")]).size).toBe(0);
  });
});
