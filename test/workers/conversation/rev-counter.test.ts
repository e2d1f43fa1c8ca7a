// `rev` is the room's change counter: it starts at 1 with the first message
// and grows by exactly 1 with every change to the history (a new message, an
// edit, a deletion, a reaction added or removed). Every message carries the
// rev of its latest change; `seq` counts messages only and is not moved by
// changes. The welcome and GET /api/rooms/:room tell the latest rev.
import { describe, expect, it } from "vitest";
import { applyChange, freshRoom, joinV2, postReply, roomInfo } from "../helpers";

describe("rev", () => {
  it("starts at 1 and grows by exactly 1 with every change, seq only with messages", async () => {
    const room = freshRoom();
    const { client, welcome } = await joinV2(room, "alice");
    expect(welcome.rev).toBe(0);
    expect(welcome.seq).toBe(0);

    const m1 = await postReply(client, "one");
    expect(m1).toMatchObject({ seq: 1, rev: 1 });
    const m2 = await postReply(client, "two");
    expect(m2).toMatchObject({ seq: 2, rev: 2 });

    const edited = await applyChange(client, { type: "edit", seq: 1, text: "one!" });
    expect(edited).toMatchObject({ seq: 1, rev: 3, text: "one!" });
    const reacted = await applyChange(client, { type: "react", seq: 2, emoji: "👍", on: true });
    expect(reacted).toMatchObject({ seq: 2, rev: 4 });
    const unreacted = await applyChange(client, { type: "react", seq: 2, emoji: "👍", on: false });
    expect(unreacted).toMatchObject({ seq: 2, rev: 5 });
    const deleted = await applyChange(client, { type: "delete", seq: 2 });
    expect(deleted).toMatchObject({ seq: 2, rev: 6, deleted: "author" });

    // The next message takes the next seq and the next rev.
    const m3 = await postReply(client, "three");
    expect(m3).toMatchObject({ seq: 3, rev: 7 });

    expect(await roomInfo(room)).toMatchObject({ seq: 3, rev: 7 });
    const later = await joinV2(room, "bob");
    expect(later.welcome).toMatchObject({ seq: 3, rev: 7 });
    // Each message carries the rev of its latest change.
    expect(later.welcome.messages.map((m) => [m.seq, m.rev])).toEqual([
      [1, 3],
      [2, 6],
      [3, 7],
    ]);
  });

  it("counts changes to old messages and new messages in one sequence, across sessions", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const b = await joinV2(room, "bob");
    const revs: number[] = [];
    revs.push((await postReply(a.client, "a1")).rev);
    revs.push((await postReply(b.client, "b1")).rev);
    revs.push((await applyChange(b.client, { type: "react", seq: 1, emoji: "🎉", on: true })).rev);
    revs.push((await applyChange(a.client, { type: "react", seq: 1, emoji: "🎉", on: true })).rev);
    revs.push((await applyChange(a.client, { type: "edit", seq: 1, text: "a1 edited" })).rev);
    revs.push((await postReply(a.client, "a2")).rev);
    expect(revs).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await roomInfo(room)).toMatchObject({ seq: 3, rev: 6 });
  });
});
