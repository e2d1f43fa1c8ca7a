// `react` adds (`on: true`) or removes (`on: false`) the session's reaction.
// A message's `reactions` lists each emoji in the order it was first added,
// each with the ids of the sessions that hold it, oldest first; it is absent
// when empty. The state is stored: pages, the message by seq and welcomes
// show it.
import { describe, expect, it } from "vitest";
import type { Message } from "../../../protocol";
import { applyChange, freshRoom, getJson, joinV2, postReply } from "../helpers";

describe("react", () => {
  it("lists emoji in the order first added and users oldest first", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const b = await joinV2(room, "bob");
    const c = await joinV2(room, "carol");
    const [ida, idb, idc] = [a.welcome.you.id, b.welcome.you.id, c.welcome.you.id];
    const m = await postReply(a.client, "react to this");
    const r = (client: typeof a.client, emoji: string, on = true) =>
      applyChange(client, { type: "react", seq: m.seq, emoji, on });

    await r(b.client, "👍");
    await r(c.client, "🎉");
    await r(a.client, "👍");
    await r(c.client, "👍");
    const now = await r(a.client, "❤️");
    expect(now.reactions).toEqual([
      { emoji: "👍", users: [idb, ida, idc] },
      { emoji: "🎉", users: [idc] },
      { emoji: "❤️", users: [ida] },
    ]);

    // Removing keeps the others in their order.
    const less = await r(a.client, "👍", false);
    expect(less.reactions).toEqual([
      { emoji: "👍", users: [idb, idc] },
      { emoji: "🎉", users: [idc] },
      { emoji: "❤️", users: [ida] },
    ]);
    // An emoji whose last holder leaves it is gone.
    const gone = await r(c.client, "🎉", false);
    expect(gone.reactions).toEqual([
      { emoji: "👍", users: [idb, idc] },
      { emoji: "❤️", users: [ida] },
    ]);

    // Stored as it is now.
    expect((await getJson<Message>(`/api/rooms/${room}/messages/${m.seq}`)).body).toEqual(gone);
    const page = await getJson<{ messages: Message[] }>(`/api/rooms/${room}/messages`);
    expect(page.body.messages).toEqual([gone]);
    const late = await joinV2(room, "dave");
    expect(late.welcome.messages).toEqual([gone]);
  });

  it("leaves no reactions field once the last reaction is removed", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const m = await postReply(a.client, "hmm");
    const on = await applyChange(a.client, { type: "react", seq: m.seq, emoji: "🤔", on: true });
    expect(on.reactions).toEqual([{ emoji: "🤔", users: [a.welcome.you.id] }]);
    const off = await applyChange(a.client, { type: "react", seq: m.seq, emoji: "🤔", on: false });
    expect("reactions" in off).toBe(false);
    expect(off).toEqual({ ...m, rev: m.rev + 2 });
    const stored = await getJson<Message>(`/api/rooms/${room}/messages/${m.seq}`);
    expect("reactions" in stored.body).toBe(false);
  });

  it("keeps reactions across an edit, and the edit across reactions", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const b = await joinV2(room, "bob");
    const m = await postReply(a.client, "before");
    await applyChange(b.client, { type: "react", seq: m.seq, emoji: "👀", on: true });
    const edited = await applyChange(a.client, { type: "edit", seq: m.seq, text: "after" });
    expect(edited.reactions).toEqual([{ emoji: "👀", users: [b.welcome.you.id] }]);
    const more = await applyChange(b.client, { type: "react", seq: m.seq, emoji: "✅", on: true });
    expect(more).toMatchObject({ text: "after", editedAt: edited.editedAt });
  });

  it("puts a user who removes and adds again last among the holders", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const b = await joinV2(room, "bob");
    const m = await postReply(a.client, "again");
    const r = (client: typeof a.client, on: boolean) =>
      applyChange(client, { type: "react", seq: m.seq, emoji: "👍", on });
    await r(a.client, true);
    await r(b.client, true);
    await r(a.client, false);
    const back = await r(a.client, true);
    expect(back.reactions).toEqual([{ emoji: "👍", users: [b.welcome.you.id, a.welcome.you.id] }]);
  });
});
