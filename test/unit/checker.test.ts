// The history checker catches every kind of broken promise: a lost, doubled
// or reordered message, a refused one stored, a hole in a client's view. A
// checker that passes everything would prove nothing, so each failure is fed
// to it here on purpose.
import { describe, expect, it } from "vitest";
import {
  type ChangeRecord,
  type ChangesHistory,
  checkChanges,
  checkHistory,
  type FoldedMessage,
  type History,
  type SendRecord,
  type StoredMessage,
} from "../lib/checker";

const msg = (seq: number, id = `id-${seq}`, text = `text ${seq}`): StoredMessage => ({
  seq,
  id,
  text,
});
const sent = (seq: number, sender = "a", at = seq): SendRecord => ({
  id: `id-${seq}`,
  sender,
  text: `text ${seq}`,
  at,
  outcome: { kind: "confirmed", seq },
});

function good(): History {
  const stored = [1, 2, 3, 4].map((s) => msg(s));
  return {
    sends: [sent(1, "a"), sent(2, "b"), sent(3, "a"), sent(4, "b")],
    stored,
    latestSeq: 4,
    views: [
      { name: "a", messages: stored },
      { name: "late", messages: stored.slice(2) },
    ],
  };
}

describe("checkHistory", () => {
  it("passes a correct history", () => {
    const v = checkHistory(good());
    expect(v.errors).toEqual([]);
    expect(v.ok).toBe(true);
    expect(v.counts).toEqual({ confirmed: 4, refused: 0, unknown: 0, stored: 4 });
  });

  it("catches a lost confirmed message", () => {
    const h = good();
    h.stored = h.stored.filter((m) => m.seq !== 4);
    h.latestSeq = 3;
    h.views = [];
    const v = checkHistory(h);
    expect(v.ok).toBe(false);
    expect(v.errors.join("\n")).toContain("id-4 (seq 4) was lost");
  });

  it("catches a doubled message", () => {
    const h = good();
    h.stored.push(msg(5, "id-2", "text 2"));
    h.latestSeq = 5;
    h.views = [];
    const v = checkHistory(h);
    expect(v.errors.join("\n")).toContain("id id-2 stored 2 times");
  });

  it("catches a sender's messages stored out of order", () => {
    const h = good();
    // a sent id-1 then id-3; storage has them the other way round.
    h.sends = [sent(3, "a", 1), sent(1, "a", 3), sent(2, "b", 2), sent(4, "b", 4)];
    h.views = [];
    const v = checkHistory(h);
    expect(v.errors.join("\n")).toContain("a's messages were reordered");
  });

  it("catches a hole in storage", () => {
    const h = good();
    h.stored = [msg(1), msg(2), msg(4)];
    h.sends = h.sends.filter((s) => s.id !== "id-3");
    h.views = [];
    expect(checkHistory(h).errors.join("\n")).toContain(
      "hole or disorder in storage: seq 2 then 4",
    );
  });

  it("catches a refused message that was stored", () => {
    const h = good();
    h.sends[3] = {
      ...(h.sends[3] as SendRecord),
      outcome: { kind: "refused", code: "rate_limited" },
    };
    expect(checkHistory(h).errors.join("\n")).toContain(
      "refused id id-4 (rate_limited) was stored",
    );
  });

  it("allows an unknown outcome stored once or not at all", () => {
    const h = good();
    h.sends[3] = { ...(h.sends[3] as SendRecord), outcome: { kind: "unknown" } };
    expect(checkHistory(h).ok).toBe(true);
    h.stored.pop();
    h.latestSeq = 3;
    h.views = [{ name: "a", messages: h.stored }];
    expect(checkHistory(h).ok).toBe(true);
  });

  it("catches a client view that goes backwards or shows a message twice", () => {
    const h = good();
    h.views = [{ name: "a", messages: [msg(1), msg(2), msg(2), msg(3), msg(4)] }];
    expect(checkHistory(h).errors.join("\n")).toContain("a shows seq 2 after seq 2");
  });

  it("catches a client view with a hole", () => {
    const h = good();
    h.views = [{ name: "a", messages: [msg(1), msg(3), msg(4)] }];
    expect(checkHistory(h).errors.join("\n")).toContain("a is missing seq 2");
  });

  it("catches a client view that differs from storage", () => {
    const h = good();
    h.views = [{ name: "a", messages: [msg(1), msg(2, "id-x"), msg(3), msg(4)] }];
    expect(checkHistory(h).errors.join("\n")).toContain("a shows seq 2 as id-x, storage has id-2");
  });

  it("ignores confirmed messages pruned since, but not a hole after the pruned prefix", () => {
    const h = good();
    h.stored = h.stored.slice(2);
    h.views = [{ name: "a", messages: h.stored }];
    expect(checkHistory(h).ok).toBe(true);
    h.stored = [msg(3)];
    h.views = [];
    expect(checkHistory(h).errors.join("\n")).toContain(
      "storage ends at seq 3 but the room's seq is 4",
    );
  });

  it("catches a message stored with another seq than the one confirmed", () => {
    const h = good();
    h.sends[0] = { ...(h.sends[0] as SendRecord), outcome: { kind: "confirmed", seq: 2 } };
    expect(checkHistory(h).errors.join("\n")).toContain(
      "confirmed id id-1 at seq 2 is stored at seq 1",
    );
  });
});

describe("checkChanges (v2)", () => {
  const folded = (seq: number, more: Partial<FoldedMessage> = {}): FoldedMessage => ({
    seq,
    id: `id-${seq}`,
    text: `text ${seq}`,
    rev: seq,
    ...more,
  });
  const change = (
    more: Partial<ChangeRecord> & Pick<ChangeRecord, "kind" | "seq">,
  ): ChangeRecord => ({
    sender: "a",
    user: "ua",
    at: 1,
    ...more,
  });
  function good(): ChangesHistory {
    const stored = [
      folded(1, { rev: 5, text: "second edit", editedAt: 10 }),
      folded(2, { rev: 4, reactions: [{ emoji: "👍", users: ["ub"] }] }),
      folded(3, { rev: 6, text: "", deleted: "author" }),
    ];
    return {
      changes: [
        change({ kind: "edit", seq: 1, text: "first edit", at: 1 }),
        change({ kind: "edit", seq: 1, text: "second edit", at: 2 }),
        change({ kind: "react", seq: 2, emoji: "👍", on: true, at: 3 }),
        change({ kind: "react", seq: 2, emoji: "👍", on: false, at: 4 }),
        change({ kind: "react", seq: 2, emoji: "👍", on: true, user: "ub", sender: "b", at: 5 }),
        change({ kind: "react", seq: 3, emoji: "🎉", on: true, at: 6, refused: "message_unknown" }),
        change({ kind: "delete", seq: 3, at: 5 }),
      ],
      stored,
      views: [
        { name: "a", messages: stored },
        { name: "b", messages: stored.slice(1) },
      ],
    };
  }

  it("passes changes that hold, the last of each winning", () => {
    expect(checkChanges(good())).toEqual([]);
  });
  it("catches a lost edit", () => {
    const h = good();
    h.stored[0] = folded(1, { rev: 5, text: "first edit", editedAt: 10 });
    h.views = [];
    expect(checkChanges(h)).toEqual(["seq 1: the last edit by a is not its text"]);
  });
  it("catches a lost reaction and a doubled one", () => {
    const h = good();
    h.stored[1] = folded(2, { rev: 4, reactions: [{ emoji: "👍", users: ["ub", "ub"] }] });
    h.views = [];
    expect(checkChanges(h)).toEqual(["seq 2: a user holds 👍 twice"]);
    h.stored[1] = folded(2, { rev: 4 });
    expect(checkChanges(h)).toEqual(["seq 2: b asked for 👍 on, the room has it off"]);
  });
  it("catches a deletion undone", () => {
    const h = good();
    h.stored[2] = folded(3, { rev: 6 });
    h.views = [];
    expect(checkChanges(h)).toContain("seq 3 was deleted, the room shows it");
  });
  it("catches a client holding a stale or different version", () => {
    const h = good();
    h.views = [{ name: "b", messages: [folded(2, { rev: 3 })] }];
    expect(checkChanges(h)).toEqual(["b holds seq 2 at rev 3, the room has rev 4"]);
    h.views = [{ name: "b", messages: [folded(2, { rev: 4 })] }];
    expect(checkChanges(h)).toEqual([
      "b holds seq 2 at rev 4, the room has rev 4 with other content",
    ]);
  });
});
