// Only the session that posted a message may edit or delete it: another
// session's `edit` or `delete` is refused with `error forbidden` carrying the
// seq, changes nothing (no update to anyone, no rev), and the author can
// still change it. Reacting is open to everyone, on any message.
import { describe, expect, it } from "vitest";
import { applyChange, freshRoom, joinV2, postReply, roomInfo } from "../helpers";

describe("only the author edits and deletes", () => {
  it("refuses another session's edit and delete with forbidden and the seq", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const b = await joinV2(room, "bob");
    const m = await postReply(a.client, "mine");
    await b.client.next("message");

    b.client.send({ type: "edit", seq: m.seq, text: "yours now" });
    expect(await b.client.next("error")).toMatchObject({ code: "forbidden", seq: m.seq });
    b.client.send({ type: "delete", seq: m.seq });
    expect(await b.client.next("error")).toMatchObject({ code: "forbidden", seq: m.seq });

    await a.client.expectNothing(200, "update");
    await b.client.expectNothing(0, "update");
    expect(await roomInfo(room)).toMatchObject({ seq: 1, rev: 1 });

    // The author still can.
    const edited = await applyChange(a.client, { type: "edit", seq: m.seq, text: "still mine" });
    expect(edited).toMatchObject({ text: "still mine", rev: 2 });
  });

  it("lets anyone react, to others' messages and to their own", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const b = await joinV2(room, "bob");
    const m = await postReply(a.client, "react");
    await b.client.next("message");
    await applyChange(b.client, { type: "react", seq: m.seq, emoji: "👍", on: true });
    const both = await applyChange(a.client, { type: "react", seq: m.seq, emoji: "👍", on: true });
    expect(both.reactions).toEqual([{ emoji: "👍", users: [b.welcome.you.id, a.welcome.you.id] }]);
  });
});
