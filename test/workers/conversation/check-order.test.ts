// When several errors apply to an `edit`, `delete` or `react`, the first in
// the protocol's order wins: the frame itself (bad_message), the connection's
// state (not_joined), then the message (message_unknown), the right
// (forbidden, too_late), the content (text_invalid, reaction_invalid,
// reaction_limit), then rate_limited. Each case below is built so that the
// later errors also apply, and every error names the change's seq.
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  applyChange,
  type Client,
  connect,
  freshRoom,
  joinV2,
  newId,
  postReply,
  shiftClock,
  V2_LIMITS,
} from "../helpers";
import { LIMITS } from "../limits";

const TWENTY = [
  "😀",
  "😂",
  "😍",
  "😎",
  "🤔",
  "😴",
  "😡",
  "😭",
  "👍",
  "👎",
  "👏",
  "🙏",
  "🎉",
  "🔥",
  "💯",
  "✅",
  "❌",
  "👀",
  "🚀",
  "🌈",
];

afterEach(() => {
  vi.restoreAllMocks();
});

async function expectError(client: Client, frame: Record<string, unknown>, code: string) {
  client.send(frame);
  const err = await client.next("error");
  expect(err.code, JSON.stringify(frame)).toBe(code);
  if (typeof frame.seq === "number" && frame.seq >= 1) expect(err.seq).toBe(frame.seq);
}

/** Spends the session's whole rate bucket on sends, whatever was left in it. */
async function drain(client: Client) {
  const ids = new Set(Array.from({ length: LIMITS.RATE_BURST + 1 }, () => newId()));
  for (const id of ids) client.send({ type: "send", id, text: "drain" });
  let refused = 0;
  for (let answered = 0; answered < ids.size; ) {
    const f = await client.next();
    if ((f.type === "message" || f.type === "error") && f.id && ids.has(f.id)) {
      answered += 1;
      if (f.type === "error" && f.code === "rate_limited") refused += 1;
    }
  }
  expect(refused).toBeGreaterThan(0);
}

/** A message of alice's with 20 different emoji on it, from two sessions that then leave. */
async function fullMessage(room: string, alice: Client) {
  const m = await postReply(alice, "full");
  for (const [i, part] of [TWENTY.slice(0, 10), TWENTY.slice(10)].entries()) {
    const s = await joinV2(room, `helper${i}`);
    for (const emoji of part)
      await applyChange(s.client, { type: "react", seq: m.seq, emoji, on: true });
    s.client.send({ type: "leave" });
    await s.client.closed();
  }
  return m;
}

describe("the order of the checks of a change", () => {
  it("puts the frame first, then the connection's state, before anything about the message", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    await postReply(a.client, "exists");
    const c = await connect(room);
    // Malformed, before join, about a seq that does not exist: bad_message.
    await expectError(c, { type: "edit", seq: 0, text: "" }, "bad_message");
    await expectError(c, { type: "edit", seq: 99, text: 5 }, "bad_message");
    await expectError(c, { type: "react", seq: 99, emoji: "a", on: "yes" }, "bad_message");
    await expectError(c, { type: "delete", seq: -1 }, "bad_message");
    // Well formed, before join: not_joined, with the seq.
    await expectError(c, { type: "edit", seq: 99, text: "" }, "not_joined");
    await expectError(c, { type: "edit", seq: 1, text: "hijack" }, "not_joined");
    await expectError(c, { type: "delete", seq: 1 }, "not_joined");
    await expectError(c, { type: "react", seq: 99, emoji: "a", on: true }, "not_joined");
    // After join, a malformed change of an unknown message is still bad_message.
    await expectError(a.client, { type: "edit", seq: 99, text: null }, "bad_message");
    await expectError(a.client, { type: "react", seq: 99, emoji: 1, on: true }, "bad_message");
  });

  it("message_unknown before forbidden, too_late and the content", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const b = await joinV2(room, "bob");
    const m = await postReply(a.client, "to delete");
    await applyChange(a.client, { type: "delete", seq: m.seq });
    // Not bob's and deleted: message_unknown, not forbidden.
    await expectError(b.client, { type: "edit", seq: m.seq, text: "" }, "message_unknown");
    await expectError(
      b.client,
      { type: "react", seq: m.seq, emoji: "a", on: true },
      "message_unknown",
    );
    // Never posted.
    await expectError(b.client, { type: "edit", seq: 99, text: "" }, "message_unknown");
    await expectError(b.client, { type: "delete", seq: 99 }, "message_unknown");
    await expectError(
      b.client,
      { type: "react", seq: 99, emoji: "a", on: true },
      "message_unknown",
    );
    // Alice's own deleted message, edited with a blank text long after: message_unknown.
    shiftClock({ by: V2_LIMITS.EDIT_WINDOW_MS + 1000 });
    await expectError(a.client, { type: "edit", seq: m.seq, text: " " }, "message_unknown");
  });

  it("forbidden before too_late, and the right before the content", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const b = await joinV2(room, "bob");
    const m = await postReply(a.client, "alice's");
    await expectError(b.client, { type: "edit", seq: m.seq, text: "" }, "forbidden");
    await expectError(
      b.client,
      { type: "edit", seq: m.seq, text: "x".repeat(LIMITS.MAX_TEXT + 1) },
      "forbidden",
    );
    shiftClock({ by: V2_LIMITS.EDIT_WINDOW_MS + 1000 });
    // Past the window and not bob's: forbidden.
    await expectError(b.client, { type: "edit", seq: m.seq, text: "" }, "forbidden");
    await expectError(b.client, { type: "edit", seq: m.seq, text: "fine text" }, "forbidden");
    // Alice's own, past the window, with a blank text: too_late.
    await expectError(a.client, { type: "edit", seq: m.seq, text: "" }, "too_late");
  });

  it("reaction_invalid before reaction_limit", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const full = await fullMessage(room, a.client);
    await expectError(
      a.client,
      { type: "react", seq: full.seq, emoji: "not one", on: true },
      "reaction_invalid",
    );
    await expectError(
      a.client,
      { type: "react", seq: full.seq, emoji: "🍕", on: true },
      "reaction_limit",
    );
  });

  it("every refusal about the message, the right and the content before rate_limited", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const b = await joinV2(room, "bob");
    const bobs = await postReply(b.client, "bob's");
    const full = await fullMessage(room, a.client);
    const old = await postReply(a.client, "old");
    const gone = await postReply(a.client, "gone");
    await applyChange(a.client, { type: "delete", seq: gone.seq });
    // From now on `old` and `full` are past the edit window; the bucket is
    // drained under the moved clock (moving it refills buckets).
    shiftClock({ by: V2_LIMITS.EDIT_WINDOW_MS + 1000 });
    const fresh = await postReply(a.client, "fresh");
    await drain(a.client);

    await expectError(a.client, { type: "edit", seq: 999, text: "x" }, "message_unknown");
    await expectError(
      a.client,
      { type: "react", seq: gone.seq, emoji: "👍", on: true },
      "message_unknown",
    );
    await expectError(a.client, { type: "edit", seq: bobs.seq, text: "x" }, "forbidden");
    await expectError(a.client, { type: "delete", seq: bobs.seq }, "forbidden");
    await expectError(a.client, { type: "edit", seq: old.seq, text: "x" }, "too_late");
    await expectError(a.client, { type: "edit", seq: fresh.seq, text: "" }, "text_invalid");
    await expectError(
      a.client,
      { type: "react", seq: fresh.seq, emoji: "👍👍", on: true },
      "reaction_invalid",
    );
    await expectError(
      a.client,
      { type: "react", seq: full.seq, emoji: "🍕", on: true },
      "reaction_limit",
    );
    // And the bucket is indeed empty: a valid change is rate_limited.
    await expectError(a.client, { type: "edit", seq: fresh.seq, text: "x" }, "rate_limited");
    await expectError(
      a.client,
      { type: "react", seq: bobs.seq, emoji: "👍", on: true },
      "rate_limited",
    );
    await expectError(a.client, { type: "delete", seq: fresh.seq }, "rate_limited");
  });
});
