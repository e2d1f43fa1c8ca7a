// (v2) `delete` by an owner: another's message is deleted as "owner" (the
// update to everyone, GET …/messages/:seq shows it), also a message whose
// author has left; the owner's own message is deleted as "author". A
// non-owner deleting another's message is `forbidden` (the control). An
// owner's delete of a message already deleted is answered with its update,
// unchanged (to the owner alone).
import { describe, expect, it } from "vitest";
import type { Message } from "../../../protocol";
import { applyChange, getJson, postReply } from "../helpers";
import { createRoom, enter, enterAsOwner, nextLeftOf } from "./support";

describe("an owner's delete", () => {
  it("deletes another's message as owner, its own as author", async () => {
    const { room, ownerKey } = await createRoom();
    const own = await enterAsOwner(room, "olive", ownerKey);
    const alice = await enter(room, "alice");
    const bob = await enter(room, "bob");

    const hers = await postReply(alice.client, "spam");
    const mine = await postReply(own.client, "my note");

    // Control: a non-owner may not delete another's message.
    bob.client.send({ type: "delete", seq: hers.seq });
    expect(await bob.client.next("error")).toMatchObject({ code: "forbidden", seq: hers.seq });

    const deleted = await applyChange(own.client, { type: "delete", seq: hers.seq });
    expect(deleted).toMatchObject({ seq: hers.seq, id: hers.id, deleted: "owner", text: "" });
    expect(deleted.user).toEqual(hers.user);
    for (const c of [alice.client, bob.client]) {
      for (;;) {
        const u = await c.next("update");
        if (u.message.seq === hers.seq) {
          expect(u.message.deleted).toBe("owner");
          break;
        }
      }
    }
    const stored = await getJson<Message>(`/api/rooms/${room}/messages/${hers.seq}`);
    expect(stored.body.deleted).toBe("owner");

    const own2 = await applyChange(own.client, { type: "delete", seq: mine.seq });
    expect(own2).toMatchObject({ seq: mine.seq, deleted: "author" });
  });

  it("deletes the message of a session that has left", async () => {
    const { room, ownerKey } = await createRoom();
    const own = await enterAsOwner(room, "olive", ownerKey);
    const alice = await enter(room, "alice");
    const hers = await postReply(alice.client, "bye");
    alice.client.send({ type: "leave" });
    await nextLeftOf(own.client, alice.welcome.you.id);
    const deleted = await applyChange(own.client, { type: "delete", seq: hers.seq });
    expect(deleted.deleted).toBe("owner");
  });

  it("an author's own delete stays author even after an owner joins", async () => {
    const { room, ownerKey } = await createRoom();
    const alice = await enter(room, "alice");
    await enterAsOwner(room, "olive", ownerKey);
    const hers = await postReply(alice.client, "oops");
    const deleted = await applyChange(alice.client, { type: "delete", seq: hers.seq });
    expect(deleted.deleted).toBe("author");
  });

  it("a delete of a message already deleted is answered with its update, unchanged", async () => {
    const { room, ownerKey } = await createRoom();
    const own = await enterAsOwner(room, "olive", ownerKey);
    const alice = await enter(room, "alice");
    const m1 = await postReply(alice.client, "gone by its author");
    const m2 = await postReply(alice.client, "gone by the owner");
    const byAuthor = await applyChange(alice.client, { type: "delete", seq: m1.seq });
    const byOwner = await applyChange(own.client, { type: "delete", seq: m2.seq });
    for (const done of [byAuthor, byOwner]) {
      const again = await applyChange(own.client, { type: "delete", seq: done.seq });
      expect(again).toEqual(done);
    }
    // Alice saw the owner's deletion, and nothing of the repeated deletes.
    expect((await alice.client.next("update")).message).toEqual(byOwner);
    await alice.client.expectNothing(200, "update");
  });
});
