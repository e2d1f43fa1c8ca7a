// A repeated `send` id is answered to that connection alone with the stored
// message as it is now: after an edit, with its new text and editedAt; after
// reactions, with them; after a deletion, the tombstone; each with its
// current rev. Nothing is posted again and nobody else is told.
import { describe, expect, it } from "vitest";
import { applyChange, freshRoom, joinV2, postReply, roomInfo } from "../helpers";

describe("the answer to a repeated id", () => {
  it("is the message as it is now: edited, reacted to, then deleted", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const b = await joinV2(room, "bob");
    const m = await postReply(a.client, "first text");
    await applyChange(a.client, { type: "edit", seq: m.seq, text: "second text" });
    const now = await applyChange(b.client, { type: "react", seq: m.seq, emoji: "👍", on: true });
    expect(now).toMatchObject({ text: "second text", rev: 3 });
    await a.client.next("update");

    a.client.send({ type: "send", id: m.id, text: "first text" });
    const { type, ...again } = await a.client.next("message");
    expect(type).toBe("message");
    expect(again).toEqual(now);
    await b.client.expectNothing(200, "message");

    // From another session, with another text: the same.
    b.client.send({ type: "send", id: m.id, text: "whatever" });
    const { type: _t, ...fromBob } = await b.client.next("message");
    expect(fromBob).toEqual(now);
    await a.client.expectNothing(200, "message");

    const tombstone = await applyChange(a.client, { type: "delete", seq: m.seq });
    a.client.send({ type: "send", id: m.id, text: "first text" });
    const { type: _t2, ...deleted } = await a.client.next("message");
    expect(deleted).toEqual(tombstone);
    expect(await roomInfo(room)).toMatchObject({ seq: 1, rev: 4 });
  });
});
