// A change to a retained message is sent as `update` with the whole message
// as it is now (its new rev included) to everyone joined, the one who
// changed it included; a connection that has not joined gets nothing. The
// others get exactly what the changer gets.
import { describe, expect, it } from "vitest";
import { applyChange, connect, freshRoom, joinV2, postReply } from "../helpers";

describe("update", () => {
  it("goes to everyone joined, the changer included, as the whole message", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const b = await joinV2(room, "bob");
    const c = await joinV2(room, "carol");
    const lurker = await connect(room);
    const m = await postReply(a.client, "hello");
    await b.client.next("message");
    await c.client.next("message");

    const cases = [
      { type: "edit", seq: m.seq, text: "hello, world" },
      { type: "react", seq: m.seq, emoji: "👍", on: true },
      { type: "react", seq: m.seq, emoji: "👍", on: false },
      { type: "delete", seq: m.seq },
    ] as const;
    let rev = m.rev;
    for (const change of cases) {
      const mine = await applyChange(a.client, change);
      rev += 1;
      expect(mine.rev).toBe(rev);
      expect(mine).toMatchObject({ seq: m.seq, id: m.id, user: m.user, ts: m.ts });
      // Every other member gets the same frame.
      for (const other of [b, c]) {
        const u = await other.client.next("update");
        expect(u.message).toEqual(mine);
      }
    }
    // The whole message each time: text, editedAt, reactions, deleted as they are.
    expect(a.client.frames.filter((f) => typeof f === "object" && f.type === "update")).toEqual([
      {
        type: "update",
        message: { ...m, text: "hello, world", editedAt: expect.any(Number), rev: m.rev + 1 },
      },
      {
        type: "update",
        message: {
          ...m,
          text: "hello, world",
          editedAt: expect.any(Number),
          rev: m.rev + 2,
          reactions: [{ emoji: "👍", users: [a.welcome.you.id] }],
        },
      },
      {
        type: "update",
        message: { ...m, text: "hello, world", editedAt: expect.any(Number), rev: m.rev + 3 },
      },
      {
        type: "update",
        message: {
          seq: m.seq,
          id: m.id,
          user: m.user,
          ts: m.ts,
          text: "",
          rev: m.rev + 4,
          deleted: "author",
        },
      },
    ]);
    await lurker.expectNothing(300);
  });

  it("reaches a session that reacted to someone else's message, and the author", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const b = await joinV2(room, "bob");
    const m = await postReply(a.client, "react to me");
    await b.client.next("message");
    const mine = await applyChange(b.client, { type: "react", seq: m.seq, emoji: "❤️", on: true });
    expect(mine.reactions).toEqual([{ emoji: "❤️", users: [b.welcome.you.id] }]);
    expect((await a.client.next("update")).message).toEqual(mine);
  });
});
