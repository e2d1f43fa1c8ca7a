// A name that is empty or blank, longer than 32 code points, holds control or
// format characters, or has no visible character is refused with name_invalid;
// the connection stays open for another join. Emoji (with ZWJ) are valid.
import { describe, expect, it } from "vitest";
import { connect, freshRoom, join } from "../helpers";

const INVALID: [string, string][] = [
  ["empty", ""],
  ["only spaces", "   "],
  ["33 letters", "a".repeat(33)],
  ["33 emoji", "\u{1F600}".repeat(33)],
  ["a control character", "Bo\u0007b"],
  ["only a control character", "\u0007"],
  ["only the filler U+3164", "\u3164"],
  ["only combining marks", "\u0301\u0308"],
  ["only a zero-width space", "\u200B"],
  ["a zero-width space inside", "Bo\u200Bb"],
];

describe("invalid names", () => {
  it.each(INVALID)("refuses %s with name_invalid", async (_what, name) => {
    const room = freshRoom();
    const watcher = await join(room, "watcher");
    const c = await connect(room, { ip: "198.51.100.2" });
    c.send({ type: "join", name });
    const err = await c.next("error");
    expect(err.code).toBe("name_invalid");
    // No session was made: nobody saw it join.
    await watcher.client.expectNothing(200, "joined");
  });

  it("leaves the connection open after name_invalid: a second join succeeds", async () => {
    const room = freshRoom();
    const c = await connect(room);
    for (const [, name] of INVALID) {
      c.send({ type: "join", name });
      expect((await c.next("error")).code).toBe("name_invalid");
    }
    c.send({ type: "join", name: "finally" });
    const welcome = await c.next("welcome");
    expect(welcome.you.name).toBe("finally");
    expect(welcome.users).toHaveLength(1);
  });

  it.each([
    ["32 letters", "a".repeat(32)],
    ["32 emoji (one code point each)", "\u{1F600}".repeat(32)],
    ["an emoji with ZWJ", "\u{1F469}\u200D\u{1F4BB}"],
    ["a name with a ZWNJ", "\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645"],
    ["a letter with a combining mark", "Zoe\u0308"],
  ])("accepts %s", async (_what, name) => {
    const { welcome } = await join(freshRoom(), name);
    expect(welcome.you.name).toBe(name.normalize("NFC"));
  });
});
