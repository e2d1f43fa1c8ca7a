// An `edit` is accepted within EDIT_WINDOW_MS of its message's `ts` and
// refused after it with `error too_late` carrying the seq (nothing changes).
// `delete` has no window ("any time"), nor has `react`. The clock is moved
// (Date.now, shared by the test and the worker), not waited for.
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  applyChange,
  freshRoom,
  joinV2,
  postReply,
  roomInfo,
  shiftClock,
  V2_LIMITS,
} from "../helpers";

const WINDOW = V2_LIMITS.EDIT_WINDOW_MS;

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the edit window", () => {
  it("accepts an edit at ts + EDIT_WINDOW_MS and refuses one a millisecond later", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const b = await joinV2(room, "bob");
    const m = await postReply(a.client, "draft");
    await b.client.next("message");

    shiftClock({ at: m.ts + WINDOW });
    const edited = await applyChange(a.client, { type: "edit", seq: m.seq, text: "final" });
    expect(edited).toMatchObject({ text: "final", editedAt: m.ts + WINDOW, ts: m.ts });
    await b.client.next("update");

    shiftClock({ at: m.ts + WINDOW + 1 });
    a.client.send({ type: "edit", seq: m.seq, text: "too late" });
    expect(await a.client.next("error")).toMatchObject({ code: "too_late", seq: m.seq });
    vi.restoreAllMocks();
    await b.client.expectNothing(200, "update");
    expect(await roomInfo(room)).toMatchObject({ rev: edited.rev });
  });

  it("is counted from the message's ts, not from its last edit", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const m = await postReply(a.client, "v1");
    shiftClock({ at: m.ts + WINDOW - 1 });
    await applyChange(a.client, { type: "edit", seq: m.seq, text: "v2" });
    shiftClock({ at: m.ts + WINDOW + 10 });
    a.client.send({ type: "edit", seq: m.seq, text: "v3" });
    expect(await a.client.next("error")).toMatchObject({ code: "too_late", seq: m.seq });
  });

  it("does not bind delete or react", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const m1 = await postReply(a.client, "old one");
    const m2 = await postReply(a.client, "old two");
    shiftClock({ by: WINDOW * 10 });
    const reacted = await applyChange(a.client, {
      type: "react",
      seq: m1.seq,
      emoji: "👍",
      on: true,
    });
    expect(reacted.reactions).toEqual([{ emoji: "👍", users: [a.welcome.you.id] }]);
    const deleted = await applyChange(a.client, { type: "delete", seq: m2.seq });
    expect(deleted.deleted).toBe("author");
  });
});
