// The full screen's log lines (cli/ui/lines.ts) for an encrypted room: a
// message whose text could not be decrypted shows the scripting commands'
// marker (cli/format.ts UNDECRYPTABLE), in its place and in a reply's
// quote, never an empty line.
import { describe, expect, it } from "vitest";
import { formatText, UNDECRYPTABLE } from "../../cli/format";
import { layoutLog } from "../../cli/ui/lines";
import type { Entry } from "../../client/room";
import type { Message } from "../../protocol";

const msg = (seq: number, name: string, text: string, extra: Partial<Message> = {}): Message => ({
  seq,
  id: `id${seq}`,
  user: { id: `u-${name}`, name },
  text,
  ts: new Date(2026, 0, 2, 3, 4, 5).getTime(),
  rev: seq,
  ...extra,
});

describe("layoutLog in an encrypted room", () => {
  it("shows the same marker as tail and export for a text that could not be decrypted", () => {
    const lost = msg(10, "bob", "", { undecryptable: true });
    const entries: Entry[] = [
      { kind: "message", key: "m1", message: lost, mine: false },
      { kind: "message", key: "m2", message: msg(11, "ada", "what?", { replyTo: 10 }), mine: true },
    ];
    const text = layoutLog(entries, [], 60).lines.map((l) => l.text);
    expect(text).toEqual([
      "[1] bob 2026-01-02 03:04:05",
      `  ${UNDECRYPTABLE}`,
      "[2] ada 2026-01-02 03:04:05 (you)",
      `  ↪ bob: ${UNDECRYPTABLE}`,
      "  what?",
    ]);
    // The scripting commands' line for the same message ends in the same words.
    expect(formatText(lost).split("\n")[1]).toBe(UNDECRYPTABLE);
  });
});
