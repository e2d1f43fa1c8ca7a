// The history checker catches every kind of broken promise: a lost, doubled
// or reordered message, a refused one stored, a hole in a client's view. A
// checker that passes everything would prove nothing, so each failure is fed
// to it here on purpose.
import { describe, expect, it } from "vitest";
import { checkHistory, type History, type SendRecord, type StoredMessage } from "../lib/checker";

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
