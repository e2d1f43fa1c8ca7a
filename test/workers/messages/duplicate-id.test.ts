// A repeated message id, whatever its text and from whichever session (also a
// new one after a reconnect), is answered to that connection only with the
// stored message (same seq, original text); it is never posted twice.
import { describe, expect, it } from "vitest";
import type { Message } from "../../../protocol";
import { freshRoom, getJson, join, newId, post } from "../helpers";

async function stored(room: string): Promise<Message[]> {
  return (await getJson<{ messages: Message[] }>(`/api/rooms/${room}/messages`)).body.messages;
}

describe("duplicate id", () => {
  it("the same id and text again on the same connection gets the stored message, to it only", async () => {
    const room = freshRoom();
    const a = await join(room, "alice");
    const b = await join(room, "bob");
    const id = newId();
    const first = await post(a.client, "once", id);
    await b.client.next("message");
    a.client.send({ type: "send", id, text: "once" });
    const again = await a.client.next("message");
    expect(again).toEqual(first);
    await b.client.expectNothing(300);
    await a.client.expectNothing(100);
    const msgs = await stored(room);
    expect(msgs.filter((m) => m.id === id)).toHaveLength(1);
    expect(msgs).toHaveLength(1);
  });

  it("the same id with another text gets the original message", async () => {
    const room = freshRoom();
    const a = await join(room, "alice");
    const b = await join(room, "bob");
    const id = newId();
    const first = await post(a.client, "original", id);
    await b.client.next("message");
    a.client.send({ type: "send", id, text: "edited" });
    const again = await a.client.next("message");
    expect(again.seq).toBe(first.seq);
    expect(again.text).toBe("original");
    await b.client.expectNothing(300);
    expect((await stored(room)).map((m) => m.text)).toEqual(["original"]);
  });

  it("the same id from another live session is answered to that connection only", async () => {
    const room = freshRoom();
    const a = await join(room, "alice");
    const b = await join(room, "bob");
    const c = await join(room, "carol");
    const id = newId();
    const first = await post(a.client, "from alice", id);
    await b.client.next("message");
    await c.client.next("message");
    b.client.send({ type: "send", id, text: "from bob" });
    const answer = await b.client.next("message");
    expect(answer).toEqual(first);
    expect(answer.user.name).toBe("alice");
    await Promise.all([a.client.expectNothing(300), c.client.expectNothing(300)]);
    expect((await stored(room)).map((m) => m.id)).toEqual([id]);
    expect((await getJson<{ seq: number }>(`/api/rooms/${room}`)).body.seq).toBe(1);
  });

  it("the same id from a new session after a reconnect gets the stored message", async () => {
    const room = freshRoom();
    const a = await join(room, "alice");
    const b = await join(room, "bob");
    const id = newId();
    const first = await post(a.client, "sent before the drop", id);
    await b.client.next("message");
    a.client.close(1000);
    await b.client.next("away");
    // A fresh session (no token), as a client that lost its token would make.
    const again = await join(room, "alice2");
    again.client.send({ type: "send", id, text: "sent before the drop" });
    const answer = await again.client.next("message");
    expect(answer).toEqual(first);
    await b.client.expectNothing(300, "message");
    expect((await stored(room)).filter((m) => m.id === id)).toHaveLength(1);
  });

  it("the same id from the resumed session after a reconnect gets the stored message", async () => {
    const room = freshRoom();
    const a = await join(room, "alice");
    const b = await join(room, "bob");
    const id = newId();
    const first = await post(a.client, "resend me", id);
    await b.client.next("message");
    a.client.close(1000);
    await b.client.next("away");
    const resumed = await join(room, "alice", { token: a.welcome.token, since: first.seq });
    expect(resumed.welcome.you.id).toBe(a.welcome.you.id);
    resumed.client.send({ type: "send", id, text: "resend me" });
    const answer = await resumed.client.next("message");
    expect(answer).toEqual(first);
    await b.client.expectNothing(300, "message");
    expect(await stored(room)).toHaveLength(1);
  });
});
