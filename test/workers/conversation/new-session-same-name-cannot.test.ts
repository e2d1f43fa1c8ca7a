// Authorship belongs to the session, not to the name: a new session under the
// same name (after the old one left, or with an unknown token) gets
// `error forbidden` for `edit` and `delete` of the old session's messages.
// It may react to them like anyone.
import { describe, expect, it } from "vitest";
import { applyChange, freshRoom, joinV2, postReply, roomInfo } from "../helpers";

describe("a new session under the same name is not the author", () => {
  it("cannot edit or delete the messages of the session that left", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const m = await postReply(a.client, "from the first alice");
    a.client.send({ type: "leave" });
    await a.client.closed();

    const again = await joinV2(room, "alice");
    expect(again.welcome.you.name).toBe("alice");
    expect(again.welcome.you.id).not.toBe(a.welcome.you.id);
    again.client.send({ type: "edit", seq: m.seq, text: "from the second" });
    expect(await again.client.next("error")).toMatchObject({ code: "forbidden", seq: m.seq });
    again.client.send({ type: "delete", seq: m.seq });
    expect(await again.client.next("error")).toMatchObject({ code: "forbidden", seq: m.seq });
    expect(await roomInfo(room)).toMatchObject({ rev: 1 });

    const reacted = await applyChange(again.client, {
      type: "react",
      seq: m.seq,
      emoji: "👋",
      on: true,
    });
    expect(reacted.reactions).toEqual([{ emoji: "👋", users: [again.welcome.you.id] }]);
  });

  it("cannot after a join with an unknown token either", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const m = await postReply(a.client, "mine");
    a.client.send({ type: "leave" });
    await a.client.closed();
    const again = await joinV2(room, "Alice", { token: "A".repeat(43) });
    again.client.send({ type: "edit", seq: m.seq, text: "mine too?" });
    expect(await again.client.next("error")).toMatchObject({ code: "forbidden", seq: m.seq });
  });
});
