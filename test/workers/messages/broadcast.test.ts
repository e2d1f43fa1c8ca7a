// A posted message goes to every joined connection, the sender included, as
// {type:"message", seq, id, user:{id,name}, text, ts} with the text exactly as
// sent; a connection that has not joined receives no message.
import { describe, expect, it } from "vitest";
import { connect, freshRoom, getJson, join, newId, post } from "../helpers";

describe("broadcast", () => {
  it("reaches every joined connection, the sender included, in the protocol's shape", async () => {
    const room = freshRoom();
    const a = await join(room, "alice");
    const b = await join(room, "bob");
    const c = await join(room, "carol");
    const id = newId();
    a.client.send({ type: "send", id, text: "hello all" });
    for (const { client } of [a, b, c]) {
      const m = await client.next("message");
      expect(Object.keys(m).sort()).toEqual(["id", "rev", "seq", "text", "ts", "type", "user"]);
      expect(m).toMatchObject({
        type: "message",
        seq: 1,
        id,
        user: { id: a.welcome.you.id, name: "alice" },
        text: "hello all",
      });
      expect(Object.keys(m.user).sort()).toEqual(["id", "name"]);
      expect(Number.isInteger(m.ts)).toBe(true);
      expect(m.ts).toBeGreaterThanOrEqual(a.welcome.you.joinedAt);
    }
  });

  it("relays and stores the text exactly as sent", async () => {
    const room = freshRoom();
    const a = await join(room, "alice");
    const b = await join(room, "bob");
    const texts = [
      "  leading and trailing spaces  ",
      "line one\nline two\r\n\n",
      "\ttab first",
      "emoji 👩‍👩‍👧 🇫🇷 😀",
      "مرحبا بالعالم \u200fשלום",
      "<script>alert(\"x\")</script> &amp; \\ 'q'",
      "cafe\u0301 (decomposed, not normalised)",
    ];
    const echoed = [];
    for (const text of texts) {
      const m = await post(a.client, text);
      expect(m.text).toBe(text);
      echoed.push(m);
    }
    for (const text of texts) {
      expect((await b.client.next("message")).text).toBe(text);
    }
    const page = await getJson<{ messages: { id: string; text: string }[] }>(
      `/api/rooms/${room}/messages`,
    );
    expect(page.body.messages.map((m) => m.text)).toEqual(texts);
    expect(page.body.messages.map((m) => m.id)).toEqual(echoed.map((m) => m.id));
  });

  it("sends nothing to a connection that has not joined", async () => {
    const room = freshRoom();
    const a = await join(room, "alice");
    const b = await join(room, "bob");
    const lurker = await connect(room);
    await post(a.client, "not for lurkers");
    await b.client.next("message");
    await lurker.expectNothing(300);
  });
});
