// An `edit` follows the text rules of `send`: at most MAX_TEXT code points
// and at least one visible character, otherwise `error text_invalid` with the
// seq. An accepted edit replaces the text exactly as sent (no trimming), sets
// `editedAt` to the server's clock, and keeps seq, id, user, ts and replyTo.
// Malformed edits are `bad_message` (with the seq when the seq is well-formed).
import { describe, expect, it } from "vitest";
import { applyChange, freshRoom, joinV2, postReply, roomInfo } from "../helpers";
import { LIMITS } from "../limits";

describe("edit text rules", () => {
  it("refuses blank and over-long text with text_invalid and the seq", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const m = await postReply(a.client, "hello");
    for (const text of ["", "   ", "\n\t", "\u3164", "x".repeat(LIMITS.MAX_TEXT + 1)]) {
      a.client.send({ type: "edit", seq: m.seq, text });
      expect(await a.client.next("error")).toMatchObject({ code: "text_invalid", seq: m.seq });
    }
    await a.client.expectNothing(200, "update");
    expect(await roomInfo(room)).toMatchObject({ rev: 1 });
  });

  it("accepts MAX_TEXT code points, and keeps the text exactly as sent", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const m = await postReply(a.client, "hello");
    const long = "😀".repeat(LIMITS.MAX_TEXT);
    expect((await applyChange(a.client, { type: "edit", seq: m.seq, text: long })).text).toBe(long);
    const spaced = "  padded\n  lines  ";
    expect((await applyChange(a.client, { type: "edit", seq: m.seq, text: spaced })).text).toBe(
      spaced,
    );
    // Only a send can be quit(): an edit to that text is text.
    const quit = await applyChange(a.client, { type: "edit", seq: m.seq, text: "quit()" });
    expect(quit.text).toBe("quit()");
    expect(a.client.ws.readyState).toBe(WebSocket.OPEN);
  });

  it("sets editedAt to the server's clock and keeps seq, id, user, ts and replyTo", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const first = await postReply(a.client, "first");
    const m = await postReply(a.client, "tpyo", first.seq);
    const before = Date.now();
    const edited = await applyChange(a.client, { type: "edit", seq: m.seq, text: "typo" });
    const after = Date.now();
    expect(edited).toEqual({
      seq: m.seq,
      id: m.id,
      user: m.user,
      ts: m.ts,
      replyTo: first.seq,
      text: "typo",
      editedAt: expect.any(Number),
      rev: 3,
    });
    expect(edited.editedAt).toBeGreaterThanOrEqual(before);
    expect(edited.editedAt).toBeLessThanOrEqual(after);
    expect(edited.editedAt).toBeGreaterThanOrEqual(m.ts);
  });

  it("answers malformed edits with bad_message, naming a well-formed seq", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const m = await postReply(a.client, "hello");
    a.client.send({ type: "edit", seq: m.seq, text: 5 });
    expect(await a.client.next("error")).toMatchObject({ code: "bad_message", seq: m.seq });
    a.client.send({ type: "edit", seq: m.seq });
    expect(await a.client.next("error")).toMatchObject({ code: "bad_message", seq: m.seq });
    for (const seq of [0, -1, 1.5, "1", undefined]) {
      a.client.send({ type: "edit", seq, text: "x" });
      const err = await a.client.next("error");
      expect(err.code).toBe("bad_message");
      expect(err.seq).toBeUndefined();
    }
    expect(await roomInfo(room)).toMatchObject({ rev: 1 });
  });
});
