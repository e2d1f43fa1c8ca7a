// Where the ciphertext rule sits in the order of checks of a `send`: at the
// place of `text_invalid` (after a repeated id, before `replyTo`, `muted`,
// slow mode and the rate buckets). A refused send takes no rate token.
import { describe, expect, it } from "vitest";
import { newId } from "../helpers";
import { enter, enterAsOwner } from "../moderation/support";
import { ciphertext, encryptedRoom } from "./support";

describe("the order of checks of a send in an encrypted room", () => {
  it("text_invalid comes before replyTo's message_unknown", async () => {
    const { room } = await encryptedRoom();
    const { client } = await enter(room, "alice");
    const id = newId();
    client.send({ type: "send", id, text: "plain", replyTo: 42 });
    expect(await client.next("error")).toMatchObject({ code: "text_invalid", id });
    client.send({ type: "send", id, text: ciphertext(), replyTo: 42 });
    expect(await client.next("error")).toMatchObject({ code: "message_unknown", id });
  });

  it("text_invalid comes before muted, and before slow mode", async () => {
    const { room, ownerKey } = await encryptedRoom();
    const own = await enterAsOwner(room, "olive", ownerKey);
    const bob = await enter(room, "bob");
    own.client.send({ type: "settings", slowMs: 60_000 });
    await bob.client.next("settings");
    // One message starts bob's slow-mode wait.
    bob.client.send({ type: "send", id: newId(), text: ciphertext() });
    await bob.client.next("message");
    let id = newId();
    bob.client.send({ type: "send", id, text: "plain" });
    expect(await bob.client.next("error")).toMatchObject({ code: "text_invalid", id });
    id = newId();
    bob.client.send({ type: "send", id, text: ciphertext() });
    expect(await bob.client.next("error")).toMatchObject({ code: "rate_limited", id });

    own.client.send({ type: "mute", user: bob.welcome.you.id, minutes: 5 });
    await bob.client.next("user");
    id = newId();
    bob.client.send({ type: "send", id, text: "plain" });
    expect(await bob.client.next("error")).toMatchObject({ code: "text_invalid", id });
    id = newId();
    bob.client.send({ type: "send", id, text: ciphertext() });
    expect(await bob.client.next("error")).toMatchObject({ code: "muted", id });
  });

  it("a refused send takes no rate token", async () => {
    const { room } = await encryptedRoom();
    const { client } = await enter(room, "alice");
    // Many more refusals than the burst (10), but under the abuse close (50 errors).
    for (let i = 0; i < 20; i++) client.send({ type: "send", id: newId(), text: "plain" });
    for (let i = 0; i < 20; i++) await client.next("error");
    const id = newId();
    client.send({ type: "send", id, text: ciphertext() });
    expect(await client.next("message")).toMatchObject({ id });
  });
});
