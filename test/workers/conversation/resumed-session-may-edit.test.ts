// The session that posted a message is its author, across connections: after
// its connection drops and it resumes with its token (same user id), or when
// a newer connection takes it over, it may still edit and delete its
// messages.
import { describe, expect, it } from "vitest";
import { applyChange, freshRoom, joinV2, postReply } from "../helpers";

describe("a resumed session is the author", () => {
  it("may edit and delete after a dropped connection and a resume", async () => {
    const room = freshRoom();
    const watcher = await joinV2(room, "watcher");
    const a = await joinV2(room, "alice");
    const m1 = await postReply(a.client, "before the drop");
    const m2 = await postReply(a.client, "also before");
    a.client.close();
    await watcher.client.next("away");

    const again = await joinV2(room, "alice", { token: a.welcome.token });
    expect(again.welcome.you.id).toBe(a.welcome.you.id);
    const edited = await applyChange(again.client, { type: "edit", seq: m1.seq, text: "after" });
    expect(edited).toMatchObject({ text: "after", user: m1.user });
    const deleted = await applyChange(again.client, { type: "delete", seq: m2.seq });
    expect(deleted.deleted).toBe("author");
  });

  it("may edit from the connection that took the session over", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const m = await postReply(a.client, "first tab");
    const second = await joinV2(room, "ignored", { token: a.welcome.token });
    expect(await a.client.closed()).toMatchObject({ code: 4000 });
    const edited = await applyChange(second.client, {
      type: "edit",
      seq: m.seq,
      text: "second tab",
    });
    expect(edited.text).toBe("second tab");
  });
});
