// The full screen's pure pieces: command parsing, Tab completion, input
// history browsing (cli/ui/commands.ts) and the log's layout (cli/ui/lines.ts).
import { describe, expect, it } from "vitest";
import { browse, complete, parseCommand } from "../../cli/ui/commands";
import { layoutLog } from "../../cli/ui/lines";
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
