// Names that look alike are one name: the key a name is compared under is
// NFKC, without default-ignorable code points (joiners, variation selectors,
// fillers) or the blank braille pattern, and case-folded in full (`Straße`
// meets `STRASSE`, a final sigma meets a medial one). Each lookalike of a
// present name gets error name_taken; the name shown stays the one given
// (trimmed, NFC).
import { describe, expect, it } from "vitest";
import { connect, freshRoom, join } from "../helpers";

/** A join of `name` from its own connection gets error name_taken (and makes no session). */
async function expectTaken(room: string, name: string) {
  const c = await connect(room);
  c.send({ type: "join", name });
  const answer = await c.next();
  expect(
    answer.type === "error" ? answer.code : answer.type,
    `join as ${JSON.stringify(name)}`,
  ).toBe("name_taken");
  c.close();
}

describe("lookalike names", () => {
  it("Alice with an invisible code point, in capitals or in fullwidth is name_taken", async () => {
    const room = freshRoom();
    const alice = await join(room, "Alice");
    expect(alice.welcome.you.name).toBe("Alice");
    const invisible = ["\u200D", "\u200C", "\u034F", "\uFE0F", "\u180B", "\u3164", "\u2800"];
    for (const mark of invisible) await expectTaken(room, `Alice${mark}`);
    // Inside the name too, not only at its end.
    await expectTaken(room, "Al\u200Dice");
    await expectTaken(room, "ALICE");
    await expectTaken(room, "\uFF41\uFF4C\uFF49\uFF43\uFF45"); // ａｌｉｃｅ
    // No refused join made a session: the room holds Alice alone.
    const bob = await join(room, "bob");
    expect(bob.welcome.users.map((u) => u.name)).toEqual(["Alice", "bob"]);
  });

  it("Straße meets STRASSE and strasse", async () => {
    const room = freshRoom();
    const present = await join(room, "Straße");
    expect(present.welcome.you.name).toBe("Straße");
    await expectTaken(room, "STRASSE");
    await expectTaken(room, "strasse");
  });

  it("ΟΔΟΣ meets οδοσ and οδος", async () => {
    const room = freshRoom();
    const present = await join(room, "ΟΔΟΣ");
    expect(present.welcome.you.name).toBe("ΟΔΟΣ");
    await expectTaken(room, "οδοσ");
    await expectTaken(room, "οδος");
  });

  it("the name shown is the one given, trimmed and NFC, not its key", async () => {
    const room = freshRoom();
    const fullwidth = await join(room, "  \uFF21\uFF4E\uFF4E\uFF41  "); // Ａｎｎａ
    expect(fullwidth.welcome.you.name).toBe("\uFF21\uFF4E\uFF4E\uFF41");
    const decomposed = await join(room, "Cafe\u0301 ΟΔΟΣ");
    expect(decomposed.welcome.you.name).toBe("Caf\u00E9 ΟΔΟΣ");
    const joined = await fullwidth.client.next("joined");
    expect(joined.user.name).toBe("Caf\u00E9 ΟΔΟΣ");
    // And the key still holds them: the plain spellings are taken.
    await expectTaken(room, "anna");
    await expectTaken(room, "café οδος");
  });
});
