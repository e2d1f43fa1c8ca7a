// The scripting commands' output (cli/format.ts and the tail's choice of
// lines in cli/commands/tail.ts): the Qt client's `name YYYY-MM-DD
// HH:MM:SS` header in local time, then the text; one JSON Message per line;
// each seq printed once, and edits and deletions of printed messages;
// (v2) a text that could not be decrypted printed as such in both modes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newLines } from "../../cli/commands/tail";
import {
  changeOf,
  formatHeader,
  formatJson,
  formatStamp,
  formatText,
  UNDECRYPTABLE,
} from "../../cli/format";
import type { Message } from "../../protocol";

const savedTz = process.env.TZ;
beforeAll(() => {
  // A zone east of UTC with no daylight saving time, so that the local date differs from UTC's.
  process.env.TZ = "Asia/Shanghai";
});
afterAll(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

// 2026-03-04T17:05:09Z is 2026-03-05 01:05:09 in Shanghai (UTC+8).
const ts = Date.UTC(2026, 2, 4, 17, 5, 9);
const msg = (over: Partial<Message> = {}): Message => ({
  seq: 7,
  id: "abcdefghijklmnopqrstuv",
  user: { id: "u1", name: "ann" },
  text: "hello\nsecond line",
  ts,
  rev: 7,
  ...over,
});

describe("format", () => {
  it("stamps in local time, zero-padded", () => {
    expect(formatStamp(ts)).toBe("2026-03-05 01:05:09");
    expect(formatHeader(msg())).toBe("ann 2026-03-05 01:05:09");
  });

  it("prints the header, then the text with its own line breaks", () => {
    expect(formatText(msg())).toBe("ann 2026-03-05 01:05:09\nhello\nsecond line");
  });

  it("marks an edit and a deletion after the header", () => {
    expect(formatText(msg({ text: "fixed" }), "edited")).toBe(
      "ann 2026-03-05 01:05:09 (edited)\nfixed",
    );
    const gone = msg({ text: "", deleted: "author" });
    expect(formatText(gone, "deleted")).toBe("ann 2026-03-05 01:05:09 (deleted)\n(deleted)");
    expect(formatText(gone)).toBe("ann 2026-03-05 01:05:09 (deleted)\n(deleted)");
  });

  it("prints JSON as the protocol's Message, on one line", () => {
    const m = msg({ replyTo: 3 });
    expect(formatJson(m)).not.toContain("\n");
    expect(JSON.parse(formatJson(m))).toEqual(m);
  });

  it("(v2) prints a text that could not be decrypted as a marker, never as an empty line", () => {
    const lost = msg({ text: "", undecryptable: true });
    expect(UNDECRYPTABLE).toBe("(could not be decrypted)");
    expect(formatText(lost)).toBe("ann 2026-03-05 01:05:09\n(could not be decrypted)");
    expect(formatText(lost, "edited")).toBe(
      "ann 2026-03-05 01:05:09 (edited)\n(could not be decrypted)",
    );
    // A deleted message has no text to decrypt: it reads as deleted.
    expect(formatText(msg({ text: "", deleted: "author" }))).toBe(
      "ann 2026-03-05 01:05:09 (deleted)\n(deleted)",
    );
  });

  it("(v2) prints JSON of a text that could not be decrypted without text, marked undecryptable", () => {
    const lost = msg({ text: "", undecryptable: true, replyTo: 3 });
    const line = JSON.parse(formatJson(lost)) as Record<string, unknown>;
    expect(line).not.toHaveProperty("text");
    expect(line).toEqual({
      seq: 7,
      id: "abcdefghijklmnopqrstuv",
      user: { id: "u1", name: "ann" },
      ts,
      rev: 7,
      replyTo: 3,
      undecryptable: true,
    });
    // A text that decrypted has no such field.
    expect(JSON.parse(formatJson(msg()))).not.toHaveProperty("undecryptable");
  });

  it("tells an edit and a deletion from a reaction", () => {
    const m = msg();
    expect(changeOf(m, msg({ text: "new", rev: 9 }))).toBe("edited");
    expect(changeOf(m, msg({ text: "", deleted: "owner", rev: 9 }))).toBe("deleted");
    expect(changeOf(m, msg({ rev: 9, reactions: [{ emoji: "👍", users: ["u2"] }] }))).toBeNull();
  });
});

describe("tail's lines", () => {
  it("prints each seq after the join once, and a newer version of a printed one", () => {
    const printed = new Map<number, Message>();
    const a = msg({ seq: 5, rev: 5, text: "before tail joined" });
    const b = msg({ seq: 8, rev: 8, text: "b" });
    const c = msg({ seq: 9, rev: 9, text: "c" });
    expect(newLines([a, b], printed, 5, false)).toEqual(["ann 2026-03-05 01:05:09\nb"]);
    // The same log again (a reconnect's catch-up merged in): only what is new.
    expect(newLines([a, b, c], printed, 5, false)).toEqual(["ann 2026-03-05 01:05:09\nc"]);
    expect(newLines([a, b, c], printed, 5, false)).toEqual([]);
    // A reaction: nothing in text mode; an edit: printed.
    const reacted = { ...b, rev: 10, reactions: [{ emoji: "👍", users: ["u2"] }] };
    expect(newLines([a, reacted, c], printed, 5, false)).toEqual([]);
    const edited = { ...reacted, rev: 11, text: "b2" };
    expect(newLines([a, edited, c], printed, 5, false)).toEqual([
      "ann 2026-03-05 01:05:09 (edited)\nb2",
    ]);
    // An older version arriving late changes nothing.
    expect(newLines([a, b, c], printed, 5, false)).toEqual([]);
  });

  it("(v2) prints an edit that does not decrypt either, as edited and undecryptable", () => {
    const printed = new Map<number, Message>();
    const lost = msg({ seq: 8, rev: 8, text: "", undecryptable: true });
    expect(newLines([lost], printed, 5, false)).toEqual([
      "ann 2026-03-05 01:05:09\n(could not be decrypted)",
    ]);
    const edited = { ...lost, rev: 9, editedAt: ts + 1000 };
    expect(newLines([edited], printed, 5, false)).toEqual([
      "ann 2026-03-05 01:05:09 (edited)\n(could not be decrypted)",
    ]);
    // A reaction on it is still not printed.
    const reacted = { ...edited, rev: 10, reactions: [{ emoji: "👍", users: ["u2"] }] };
    expect(newLines([reacted], printed, 5, false)).toEqual([]);
  });

  it("prints every newer version in JSON mode", () => {
    const printed = new Map<number, Message>();
    const b = msg({ seq: 8, rev: 8 });
    expect(newLines([b], printed, 0, true)).toEqual([JSON.stringify(b)]);
    const reacted = { ...b, rev: 10, reactions: [{ emoji: "👍", users: ["u2"] }] };
    expect(newLines([reacted], printed, 0, true)).toEqual([JSON.stringify(reacted)]);
    expect(newLines([reacted], printed, 0, true)).toEqual([]);
  });
});
