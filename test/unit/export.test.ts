// "Save conversation" (web/lib/export.ts): the text in the original chat
// room's format (name and local time, the text, a blank line), edits,
// deletions and replies in it, the JSON as the protocol's messages, and the
// file name. Times are given a zone, so the tests do not depend on the
// machine's.
import { describe, expect, it } from "vitest";
import type { Message } from "../../protocol";
import { fileName, timestamp, toJson, toText } from "../../web/lib/export";

// 2026-12-04 17:45:04 UTC.
const T = Date.UTC(2026, 11, 4, 17, 45, 4);

function msg(seq: number, name: string, text: string, extra: Partial<Message> = {}): Message {
  return {
    seq,
    id: `id-${seq}`,
    user: { id: `u-${name}`, name },
    text,
    ts: T + seq * 1000,
    rev: seq,
    ...extra,
  };
}

describe("timestamp", () => {
  it("is YYYY-MM-DD HH:MM:SS in the zone given", () => {
    expect(timestamp(T, "UTC")).toBe("2026-12-04 17:45:04");
    expect(timestamp(T, "Asia/Shanghai")).toBe("2026-12-05 01:45:04");
    expect(timestamp(T, "America/New_York")).toBe("2026-12-04 12:45:04");
    // Midnight is 00, not 24.
    expect(timestamp(Date.UTC(2026, 0, 1, 0, 0, 0), "UTC")).toBe("2026-01-01 00:00:00");
  });

  it("is the device's local time without a zone", () => {
    const d = new Date(T);
    const pad = (n: number) => String(n).padStart(2, "0");
    expect(timestamp(T)).toBe(
      `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`,
    );
  });
});

describe("toText", () => {
  it("writes each message as its header, its text and a blank line, oldest first", () => {
    const text = toText([msg(2, "bob", "hi alice\nhow are you?"), msg(1, "alice", "hello")], "UTC");
    expect(text).toBe(
      "alice 2026-12-04 17:45:05\nhello\n\n" +
        "bob 2026-12-04 17:45:06\nhi alice\nhow are you?\n\n",
    );
  });

  it("marks edits after the header, and shows deletions as such", () => {
    const text = toText(
      [
        msg(1, "alice", "fixed typo", { editedAt: T + 5000, rev: 9 }),
        msg(2, "bob", "", { deleted: "author" }),
        msg(3, "carol", "", { deleted: "owner" }),
      ],
      "UTC",
    );
    expect(text).toBe(
      "alice 2026-12-04 17:45:05 (edited)\nfixed typo\n\n" +
        "bob 2026-12-04 17:45:06\n(message deleted)\n\n" +
        "carol 2026-12-04 17:45:07\n(message deleted)\n\n",
    );
  });

  it("says what a reply answers when that message is saved too, and nothing otherwise", () => {
    const long = "x".repeat(100);
    const text = toText(
      [
        msg(1, "alice", "first line\nsecond line"),
        msg(2, "bob", "yes", { replyTo: 1 }),
        msg(3, "carol", long),
        msg(4, "dan", "agreed", { replyTo: 3 }),
        msg(5, "erin", "", { deleted: "author" }),
        msg(6, "fay", "why?", { replyTo: 5 }),
        msg(7, "gus", "old news", { replyTo: 0 }),
      ],
      "UTC",
    );
    const blocks = text.split("\n\n");
    expect(blocks[1]).toBe("bob 2026-12-04 17:45:06\n↪ reply to alice: first line…\nyes");
    expect(blocks[3]).toBe(`dan 2026-12-04 17:45:08\n↪ reply to carol: ${"x".repeat(60)}…\nagreed`);
    expect(blocks[5]).toBe("fay 2026-12-04 17:45:10\n↪ reply to erin: (message deleted)\nwhy?");
    expect(blocks[6]).toBe("gus 2026-12-04 17:45:11\nold news");
  });

  it("keeps a text exactly, Chinese, emoji and markup included", () => {
    const body = "**粗体** 和 `code`\n> 引用 😀";
    expect(toText([msg(1, "李雷", body)], "Asia/Shanghai")).toBe(
      `李雷 2026-12-05 01:45:05\n${body}\n\n`,
    );
  });

  it("is empty for no messages", () => {
    expect(toText([], "UTC")).toBe("");
  });
});

describe("toJson", () => {
  it("holds the room, when it was saved and the messages as they are, oldest first", () => {
    const messages = [
      msg(2, "bob", "hi", { replyTo: 1, reactions: [{ emoji: "👍", users: ["u-alice"] }] }),
      msg(1, "alice", "hello", { editedAt: T + 9000 }),
    ];
    const json = toJson("lobby", messages, T);
    expect(json.endsWith("}\n")).toBe(true);
    expect(json).toContain('\n  "room": "lobby",\n');
    const parsed = JSON.parse(json);
    expect(parsed).toEqual({
      room: "lobby",
      savedAt: "2026-12-04T17:45:04.000Z",
      messages: [messages[1], messages[0]],
    });
  });
});

describe("fileName", () => {
  it("names the room and the day", () => {
    expect(fileName("lobby", "txt", T)).toMatch(/^roomchat-lobby-\d{4}-\d\d-\d\d\.txt$/);
    expect(fileName("设计.评审", "json", T)).toMatch(/^roomchat-设计\.评审-\d{4}-\d\d-\d\d\.json$/);
    expect(fileName("a/b\\c", "txt", T)).toMatch(/^roomchat-a_b_c-/);
  });
});
