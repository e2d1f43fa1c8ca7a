// The full screen's pure pieces: command parsing, Tab completion, input
// history browsing, keys inside a chunk of typed text (cli/ui/commands.ts),
// the log's layout and scrolling (cli/ui/lines.ts).
import { describe, expect, it } from "vitest";
import { browse, complete, parseCommand, splitTyped } from "../../cli/ui/commands";
import { anchorAt, findAnchor, type Line, layoutLog, pageView, viewEnd } from "../../cli/ui/lines";
import type { Entry, Pending } from "../../client/room";
import type { Message } from "../../protocol";

describe("parseCommand", () => {
  it("sends plain text and leaves on quit() and /quit", () => {
    expect(parseCommand("hello")).toEqual({ kind: "send", text: "hello" });
    expect(parseCommand("quit()")).toEqual({ kind: "quit" });
    expect(parseCommand("/quit")).toEqual({ kind: "quit" });
    expect(parseCommand("//not a command")).toEqual({ kind: "send", text: "/not a command" });
  });
  it("parses the message commands by number", () => {
    expect(parseCommand("/reply 3 yes please")).toEqual({
      kind: "reply",
      n: 3,
      text: "yes please",
    });
    expect(parseCommand("/edit 2 fixed")).toEqual({ kind: "edit", n: 2, text: "fixed" });
    expect(parseCommand("/delete 4")).toEqual({ kind: "delete", n: 4 });
    expect(parseCommand("/react 1 👍")).toEqual({ kind: "react", n: 1, emoji: "👍" });
    expect(parseCommand("/me waves")).toEqual({ kind: "send", text: "/me waves" });
  });
  it("parses the owner commands", () => {
    expect(parseCommand("/kick @bob")).toEqual({ kind: "kick", name: "bob" });
    expect(parseCommand("/ban bob 1d")).toEqual({ kind: "ban", name: "bob", minutes: 1440 });
    expect(parseCommand("/ban bob")).toEqual({ kind: "ban", name: "bob" });
    expect(parseCommand("/mute bob forever")).toEqual({
      kind: "mute",
      name: "bob",
      minutes: 10080,
    });
    expect(parseCommand("/topic hello all")).toEqual({ kind: "topic", text: "hello all" });
    expect(parseCommand("/slow 30s")).toEqual({ kind: "slow", ms: 30000 });
    expect(parseCommand("/lock on")).toEqual({ kind: "lock", on: true });
  });
  it("refuses bad input with a one-line usage", () => {
    for (const bad of [
      "/reply x hi",
      "/delete",
      "/ban bob 2y",
      "/slow 1s",
      "/lock maybe",
      "/nope",
    ]) {
      const c = parseCommand(bad);
      expect(c.kind).toBe("error");
      if (c.kind === "error") expect(c.message).not.toContain("\n");
    }
  });
});

describe("complete and browse", () => {
  it("completes a unique /command and @name", () => {
    expect(complete("/he", [])).toBe("/help ");
    expect(complete("/re", [])).toBeNull(); // reply and react
    expect(complete("hi @bo", ["bob", "ada"])).toBe("hi @bob ");
    expect(complete("hi @", ["bob", "ada"])).toBeNull();
  });
  it("browses within what was sent", () => {
    expect(browse(["a", "b"], 2, -1)).toBe(1);
    expect(browse(["a", "b"], 0, -1)).toBe(0);
    expect(browse(["a", "b"], 2, 1)).toBe(2);
  });
});

describe("splitTyped", () => {
  it("keeps plain text whole", () => {
    expect(splitTyped("hello @bob")).toEqual([{ kind: "text", text: "hello @bob" }]);
  });
  it("finds the keys inside a chunk, in order", () => {
    const key = (k: string) => ({ kind: "key", key: k });
    expect(splitTyped("abc\x7f\x0c/he\t")).toEqual([
      { kind: "text", text: "abc" },
      key("backspace"),
      key("clear"),
      { kind: "text", text: "/he" },
      key("tab"),
    ]);
    expect(splitTyped("one\r\ntwo\rthree\nfour\x13")).toEqual([
      { kind: "text", text: "one" },
      key("enter"),
      { kind: "text", text: "two" },
      key("enter"),
      { kind: "text", text: "three" },
      key("newline"),
      { kind: "text", text: "four" },
      key("send"),
    ]);
    expect(splitTyped("\x03\x03")).toEqual([key("interrupt"), key("interrupt")]);
  });
  it("drops other control characters", () => {
    expect(splitTyped("a\x01b\x1f")).toEqual([
      { kind: "text", text: "a" },
      { kind: "text", text: "b" },
    ]);
  });
});

const msg = (seq: number, name: string, text: string, extra: Partial<Message> = {}): Message => ({
  seq,
  id: `id${seq}`,
  user: { id: `u-${name}`, name },
  text,
  ts: new Date(2026, 0, 2, 3, 4, 5).getTime(),
  rev: seq,
  ...extra,
});

describe("layoutLog", () => {
  it("lays out the Qt header, numbers, replies, edits, deletions, reactions, system lines and pending sends", () => {
    const entries: Entry[] = [
      { kind: "system", key: "s1", what: "joined", name: "bob", ts: 0 },
      { kind: "message", key: "m1", message: msg(10, "bob", "hi"), mine: false },
      {
        kind: "message",
        key: "m2",
        message: msg(11, "ada", "hello", {
          replyTo: 10,
          editedAt: 1,
          reactions: [{ emoji: "👍", users: ["a", "b"] }],
        }),
        mine: true,
      },
      {
        kind: "message",
        key: "m3",
        message: msg(12, "bob", "", { deleted: "author" }),
        mine: false,
      },
    ];
    const pending: Pending[] = [{ id: "p", text: "on its way", at: 0, status: "sending" }];
    const { lines, numbers } = layoutLog(entries, pending, 60);
    const text = lines.map((l) => l.text);
    expect(text).toEqual([
      "— bob joined",
      "[1] bob 2026-01-02 03:04:05",
      "  hi",
      "[2] ada 2026-01-02 03:04:05 (you) (edited)",
      "  ↪ bob: hi",
      "  hello",
      "  👍 2",
      "[3] bob 2026-01-02 03:04:05",
      "  message deleted",
      "     you · sending",
      "  on its way",
    ]);
    expect([...numbers]).toEqual([
      [1, 10],
      [2, 11],
      [3, 12],
    ]);
  });
  it("wraps long text to the width", () => {
    const { lines } = layoutLog(
      [{ kind: "message", key: "m", message: msg(1, "a", "x".repeat(50)), mine: false }],
      [],
      22,
    );
    for (const l of lines) expect(l.text.length).toBeLessThanOrEqual(22);
    expect(lines.length).toBeGreaterThan(3);
  });
});

/** Lines of entries: `[key, count]` each. */
const linesOf = (...entries: [string, number][]): Line[] =>
  entries.flatMap(([key, n]) =>
    Array.from({ length: n }, (_, i) => ({ text: `${key}.${i}`, key })),
  );

describe("scrolling", () => {
  it("anchors a line to its entry and finds it after lines come above and below", () => {
    const before = linesOf(["m1", 2], ["m2", 3], ["m3", 2]);
    const a = anchorAt(before, 3);
    expect(a).toEqual({ key: "m2", offset: 1 });
    // Older messages loaded above, new ones arriving below.
    const after = linesOf(["m0", 4], ["m1", 2], ["m2", 3], ["m3", 2], ["m4", 2]);
    expect(after[findAnchor(after, a as never)]?.text).toBe("m2.1");
    // An entry that got shorter (an edit): its last line.
    expect(findAnchor(linesOf(["m2", 1], ["m3", 2]), { key: "m2", offset: 2 })).toBe(0);
    expect(findAnchor(after, { key: "gone", offset: 0 })).toBe(-1);
  });
  it("pages up and down by a screen less one line, back to the bottom", () => {
    const lines = linesOf(...Array.from({ length: 10 }, (_, i): [string, number] => [`m${i}`, 2]));
    // 20 lines, a view of 6.
    expect(viewEnd(lines, 6, null, 0)).toBe(20);
    const up = pageView(lines, 6, 20, -1);
    expect(up.end).toBe(15);
    expect(up.atTop).toBe(false);
    expect(viewEnd(lines, 6, up.anchor, 0)).toBe(15);
    // New lines below do not move the view.
    const more = [...lines, ...linesOf(["m10", 2], ["m11", 2])];
    expect(viewEnd(more, 6, up.anchor, 15)).toBe(15);
    // Up to the top: never less than a screen shown.
    const top = pageView(lines, 6, 8, -1);
    expect(top).toMatchObject({ end: 6, atTop: true });
    // Down to the bottom again: no anchor.
    expect(pageView(more, 6, 15, 1)).toMatchObject({ end: 20, atTop: false });
    expect(pageView(more, 6, 20, 1).anchor).toBeNull();
    expect(pageView(more, 6, 22, 1)).toEqual({ end: 24, anchor: null, atTop: false });
  });
  it("stays at the bottom when everything fits, and keeps the last end when its entry is gone", () => {
    const lines = linesOf(["m1", 2], ["m2", 2]);
    expect(pageView(lines, 6, 4, -1)).toEqual({ end: 4, anchor: null, atTop: true });
    expect(viewEnd(linesOf(["m1", 10]), 4, { key: "p:x", offset: 0 }, 7)).toBe(7);
  });
});
