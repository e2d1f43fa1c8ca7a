// The echo of a send is its acknowledgement: the message is stored before it
// is broadcast, so right after the echo (or after another client receives it)
// GET /api/rooms/:room/messages already holds it, with the same fields.
import { describe, expect, it } from "vitest";
import type { Message } from "../../../protocol";
import { freshRoom, getJson, join, post } from "../helpers";

const strip = ({ type: _t, ...m }: Message & { type: string }): Message => m;

describe("stored before broadcast", () => {
  it("the message is readable over HTTP as soon as its echo arrives", async () => {
    const room = freshRoom();
    const a = await join(room, "alice");
    for (let i = 1; i <= 5; i++) {
      const echo = await post(a.client, `message ${i}`);
      const page = await getJson<{ messages: Message[] }>(`/api/rooms/${room}/messages`);
      expect(page.status).toBe(200);
      expect(page.body.messages.at(-1)).toEqual(strip(echo));
      expect(page.body.messages).toHaveLength(i);
      const info = await getJson<{ seq: number }>(`/api/rooms/${room}`);
      expect(info.body.seq).toBe(echo.seq);
    }
  });

  it("the message is readable over HTTP as soon as another client receives it", async () => {
    const room = freshRoom();
    const a = await join(room, "alice");
    const b = await join(room, "bob");
    a.client.send({ type: "send", id: "receiver-side-check-01", text: "stored?" });
    const got = await b.client.next("message");
    const page = await getJson<{ messages: Message[] }>(`/api/rooms/${room}/messages`);
    expect(page.body.messages).toEqual([strip(got)]);
  });
});
