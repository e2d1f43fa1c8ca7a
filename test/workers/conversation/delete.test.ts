// `delete` of one's own message leaves a tombstone, sent to everyone as an
// update and stored: it keeps seq, id, user, ts and replyTo; its text is "",
// it has no editedAt and no reactions, and `deleted` is "author". A deleted
// message can no longer be edited, reacted to or answered (message_unknown).
// A delete of a message already deleted is not an error: it is answered with
// its update to that connection alone, with no new rev (the right is still
// checked: someone else gets forbidden, docs/protocol.md "Readings").
import { describe, expect, it } from "vitest";
import type { Message } from "../../../protocol";
import { applyChange, freshRoom, getJson, joinV2, newId, postReply, roomInfo } from "../helpers";

describe("delete", () => {
  it("leaves a tombstone that keeps seq, id, user, ts and replyTo, with nothing else", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const b = await joinV2(room, "bob");
    const first = await postReply(b.client, "first");
    const m = await postReply(a.client, "oops", first.seq);
    await applyChange(a.client, { type: "edit", seq: m.seq, text: "oops, edited" });
    await applyChange(a.client, { type: "react", seq: m.seq, emoji: "👍", on: true });
    await applyChange(b.client, { type: "react", seq: m.seq, emoji: "😂", on: true });

    const tombstone = await applyChange(a.client, { type: "delete", seq: m.seq });
    expect(tombstone).toEqual({
      seq: m.seq,
      id: m.id,
      user: m.user,
      ts: m.ts,
      replyTo: first.seq,
      text: "",
      rev: 6,
      deleted: "author",
    });
    // Everyone gets it (bob after the updates before it).
    let u = await b.client.next("update");
    while (u.message.rev < tombstone.rev) u = await b.client.next("update");
    expect(u.message).toEqual(tombstone);

    // Stored: a page, the message by seq and a later welcome show the tombstone.
    const page = await getJson<{ messages: Message[] }>(`/api/rooms/${room}/messages`);
    expect(page.body.messages[1]).toEqual(tombstone);
    expect((await getJson<Message>(`/api/rooms/${room}/messages/${m.seq}`)).body).toEqual(
      tombstone,
    );
    const late = await joinV2(room, "carol");
    expect(late.welcome.messages[1]).toEqual(tombstone);
    // It keeps its seq: the next message does not take it.
    expect((await postReply(a.client, "next")).seq).toBe(3);
  });

  it("a message without replyTo stays without it", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const m = await postReply(a.client, "plain");
    const tombstone = await applyChange(a.client, { type: "delete", seq: m.seq });
    expect(Object.keys(tombstone).sort()).toEqual(
      ["deleted", "id", "rev", "seq", "text", "ts", "user"].sort(),
    );
  });

  it("makes the message unknown to edit, react and replyTo", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const b = await joinV2(room, "bob");
    const m = await postReply(a.client, "gone soon");
    await applyChange(a.client, { type: "delete", seq: m.seq });
    a.client.send({ type: "edit", seq: m.seq, text: "back?" });
    expect(await a.client.next("error")).toMatchObject({ code: "message_unknown", seq: m.seq });
    for (const on of [true, false]) {
      b.client.send({ type: "react", seq: m.seq, emoji: "👍", on });
      expect(await b.client.next("error")).toMatchObject({ code: "message_unknown", seq: m.seq });
    }
    const id = newId();
    b.client.send({ type: "send", id, text: "re", replyTo: m.seq });
    expect(await b.client.next("error")).toMatchObject({ code: "message_unknown", id });
    expect(await roomInfo(room)).toMatchObject({ seq: 1, rev: 2 });
  });

  it("of a message already deleted is answered with its update to that connection alone", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const b = await joinV2(room, "bob");
    const m = await postReply(a.client, "twice");
    await b.client.next("message");
    const tombstone = await applyChange(a.client, { type: "delete", seq: m.seq });
    await b.client.next("update");

    a.client.send({ type: "delete", seq: m.seq });
    const again = await a.client.next("update");
    expect(again.message).toEqual(tombstone);
    await a.client.expectNothing(200, "error");
    await b.client.expectNothing(0, "update");
    expect(await roomInfo(room)).toMatchObject({ rev: tombstone.rev });
  });

  it("of a message already deleted, by someone else, is forbidden", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const b = await joinV2(room, "bob");
    const m = await postReply(a.client, "mine");
    await applyChange(a.client, { type: "delete", seq: m.seq });
    b.client.send({ type: "delete", seq: m.seq });
    expect(await b.client.next("error")).toMatchObject({ code: "forbidden", seq: m.seq });
  });
});
