// A ciphertext in an encrypted room is a message like any other: stored and
// broadcast exactly as sent (to the sender and the others), and read back as
// is from the history and by seq. The room neither decodes nor changes it.
import { describe, expect, it } from "vitest";
import type { Message, MessagePage } from "../../../protocol";
import { getJson, newId } from "../helpers";
import { enter } from "../moderation/support";
import { ciphertext, encryptedRoom } from "./support";

describe("a ciphertext send", () => {
  it("is stored and broadcast as sent", async () => {
    const { room } = await encryptedRoom();
    const a = await enter(room, "alice");
    const b = await enter(room, "bob");
    const text = ciphertext(100);
    const id = newId();
    a.client.send({ type: "send", id, text });
    const echo = await a.client.next("message");
    const seen = await b.client.next("message");
    expect(echo).toMatchObject({ id, text, seq: 1, rev: 1, user: { id: a.welcome.you.id } });
    expect(seen).toEqual(echo);

    const one = await getJson<Message>(`/api/rooms/${room}/messages/1`);
    expect(one.body.text).toBe(text);
    const page = await getJson<MessagePage>(`/api/rooms/${room}/messages`);
    expect(page.body.messages.map((m) => m.text)).toEqual([text]);

    // A later join gets it in its welcome, as is.
    const c = await enter(room, "carol");
    expect(c.welcome.messages.map((m) => m.text)).toEqual([text]);
  });

  it("a repeated id is answered with the stored message, before the text rule", async () => {
    const { room } = await encryptedRoom();
    const { client } = await enter(room, "alice");
    const text = ciphertext(40);
    const id = newId();
    client.send({ type: "send", id, text });
    await client.next("message");
    // The same id again, even with a plaintext: the stored message comes back.
    client.send({ type: "send", id, text: "plain" });
    expect(await client.next("message")).toMatchObject({ id, text, seq: 1 });
  });
});
