// `send.replyTo` names the retained, undeleted message a new one answers:
// the message carries it (to everyone, in history, over HTTP). A replyTo
// that is not retained (never posted, pruned) or is deleted is refused with
// `error message_unknown` carrying the send's id; nothing is posted, and the
// refused send is not remembered (its id may be sent again). A replyTo that
// is not a whole number ≥ 1 is `bad_message`.
import { describe, expect, it } from "vitest";
import type { Message } from "../../../protocol";
import {
  applyChange,
  fillRoom,
  freshRoom,
  getJson,
  joinV2,
  newId,
  postReply,
  roomInfo,
} from "../helpers";
import { LIMITS } from "../limits";

describe("replyTo", () => {
  it("is carried by the message, to everyone and in history", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const b = await joinV2(room, "bob");
    const original = await postReply(a.client, "question?");
    const reply = await postReply(b.client, "answer", original.seq);
    expect(reply).toMatchObject({ seq: 2, replyTo: 1, text: "answer" });
    const { type: _t, ...replyAtAlice } = await a.client.next("message");
    expect(replyAtAlice).toEqual(reply);
    const page = await getJson<{ messages: Message[] }>(`/api/rooms/${room}/messages`);
    expect(page.body.messages[1]).toEqual(reply);
    // A message without replyTo has no such field.
    expect("replyTo" in original).toBe(false);
  });

  it("may answer any retained message, one's own and a reply", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const m1 = await postReply(a.client, "one");
    const m2 = await postReply(a.client, "two", m1.seq);
    const m3 = await postReply(a.client, "three", m2.seq);
    expect([m2.replyTo, m3.replyTo]).toEqual([1, 2]);
  });

  it("refuses a seq never posted with message_unknown and the send's id, posting nothing", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const b = await joinV2(room, "bob");
    await postReply(a.client, "only one");
    await b.client.next("message");
    for (const replyTo of [2, 999]) {
      const id = newId();
      a.client.send({ type: "send", id, text: "answer", replyTo });
      const err = await a.client.next("error");
      expect(err).toMatchObject({ code: "message_unknown", id });
    }
    await b.client.expectNothing(200, "message");
    expect(await roomInfo(room)).toMatchObject({ seq: 1, rev: 1 });
  });

  it("refuses a deleted message with message_unknown; the same id is accepted later", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const keep = await postReply(a.client, "keep");
    const gone = await postReply(a.client, "gone");
    await applyChange(a.client, { type: "delete", seq: gone.seq });
    const id = newId();
    a.client.send({ type: "send", id, text: "answer", replyTo: gone.seq });
    expect(await a.client.next("error")).toMatchObject({ code: "message_unknown", id });
    expect(await roomInfo(room)).toMatchObject({ seq: 2, rev: 3 });
    // Not remembered: the same id, now answering a retained message, is posted.
    const posted = await postReply(a.client, "answer", keep.seq, id);
    expect(posted).toMatchObject({ id, seq: 3, replyTo: keep.seq });
  });

  it("refuses a pruned message with message_unknown", async () => {
    const room = freshRoom();
    const n = LIMITS.HISTORY_LIMIT + 3;
    await fillRoom(room, n, LIMITS.RATE_BURST);
    const a = await joinV2(room, "alice");
    const id = newId();
    a.client.send({ type: "send", id, text: "late answer", replyTo: 1 });
    expect(await a.client.next("error")).toMatchObject({ code: "message_unknown", id });
    // The oldest retained one may be answered.
    const ok = await postReply(a.client, "answer", n - LIMITS.HISTORY_LIMIT + 1);
    expect(ok.replyTo).toBe(4);
  });

  it("that is not a whole number of at least 1 is bad_message with the id", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    await postReply(a.client, "one");
    for (const replyTo of [0, -1, 1.5, "1", null, true]) {
      const id = newId();
      a.client.send({ type: "send", id, text: "answer", replyTo });
      expect(await a.client.next("error")).toMatchObject({ code: "bad_message", id });
    }
    expect(await roomInfo(room)).toMatchObject({ seq: 1 });
  });

  it("stays on the reply when the original is deleted later", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const b = await joinV2(room, "bob");
    const original = await postReply(a.client, "question?");
    const reply = await postReply(b.client, "answer", original.seq);
    await applyChange(a.client, { type: "delete", seq: original.seq });
    const stored = await getJson<Message>(`/api/rooms/${room}/messages/${reply.seq}`);
    expect(stored.body).toEqual(reply);
  });
});
