// Everything but the text rule works in an encrypted room as in any other:
// a reply to a ciphertext message, reactions (plain emoji: the server sees
// them), deletes by the author and by an owner, kicks and bans.
import { describe, expect, it } from "vitest";
import { applyChange, postReply, randomAddress, upgrade } from "../helpers";
import { enter, enterAsOwner, nextLeftOf } from "../moderation/support";
import { ciphertext, encryptedRoom } from "./support";

describe("conversations and moderation in an encrypted room", () => {
  it("replies, reactions and deletes work unchanged", async () => {
    const { room, ownerKey } = await encryptedRoom();
    const own = await enterAsOwner(room, "olive", ownerKey);
    const a = await enter(room, "alice");
    const first = await postReply(a.client, ciphertext());
    const reply = await postReply(own.client, ciphertext(50), first.seq);
    expect(reply.replyTo).toBe(first.seq);

    const reacted = await applyChange(own.client, {
      type: "react",
      seq: first.seq,
      emoji: "👍",
      on: true,
    });
    expect(reacted.reactions).toEqual([{ emoji: "👍", users: [own.welcome.you.id] }]);
    expect(reacted.text).toBe(first.text);

    const byAuthor = await applyChange(a.client, { type: "delete", seq: first.seq });
    expect(byAuthor).toMatchObject({ deleted: "author", text: "" });
    expect(byAuthor.reactions).toBeUndefined();
    const byOwner = await applyChange(own.client, { type: "delete", seq: reply.seq });
    expect(byOwner).toMatchObject({ deleted: "author", text: "" });

    const other = await postReply(a.client, ciphertext());
    const removed = await applyChange(own.client, { type: "delete", seq: other.seq });
    expect(removed).toMatchObject({ deleted: "owner", text: "" });
  });

  it("kicks and bans work unchanged", async () => {
    const { room, ownerKey } = await encryptedRoom();
    const own = await enterAsOwner(room, "olive", ownerKey);
    const kicked = await enter(room, "kim");
    own.client.send({ type: "kick", user: kicked.welcome.you.id });
    expect((await kicked.client.closed()).code).toBe(4002);
    expect((await nextLeftOf(own.client, kicked.welcome.you.id)).reason).toBe("kick");

    const ip = randomAddress();
    const banned = await enter(room, "bob", { ip });
    own.client.send({ type: "ban", user: banned.welcome.you.id, minutes: 5 });
    expect((await banned.client.closed()).code).toBe(4003);
    expect((await nextLeftOf(own.client, banned.welcome.you.id)).reason).toBe("ban");
    expect((await upgrade(room, { ip })).status).toBe(403);
  });
});
