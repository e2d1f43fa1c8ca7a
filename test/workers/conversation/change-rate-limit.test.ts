// Every change (`edit`, `delete`, `react`) takes a rate token like a `send`,
// from the same bucket of the session (RATE_BURST, then RATE_PER_SEC): past
// it, `error rate_limited` with the change's seq and an integer
// retryAfterMs, and nothing changes; after that wait the same change is
// accepted.
import { describe, expect, it } from "vitest";
import { applyChange, freshRoom, joinV2, newId, postReply, roomInfo } from "../helpers";
import { LIMITS } from "../limits";

describe("changes take rate tokens", () => {
  it("shares the send bucket: a burst of sends and changes, then rate_limited with the seq", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const b = await joinV2(room, "bob");
    const m = await postReply(a.client, "m");
    // One token spent; spend the rest with a mix of changes.
    const kinds = ["edit", "react", "unreact"] as const;
    for (let i = 1; i < LIMITS.RATE_BURST; i++) {
      const kind = kinds[i % 3];
      if (kind === "edit") await applyChange(a.client, { type: "edit", seq: m.seq, text: `v${i}` });
      else
        await applyChange(a.client, {
          type: "react",
          seq: m.seq,
          emoji: "👍",
          on: kind === "react",
        });
    }
    const rev = (await roomInfo(room)).rev;
    expect(rev).toBe(LIMITS.RATE_BURST);

    for (const frame of [
      { type: "edit", seq: m.seq, text: "over" },
      { type: "react", seq: m.seq, emoji: "🔥", on: true },
      { type: "delete", seq: m.seq },
    ]) {
      a.client.send(frame);
      const err = await a.client.next("error");
      expect(err).toMatchObject({ code: "rate_limited", seq: m.seq });
      expect(Number.isInteger(err.retryAfterMs)).toBe(true);
      expect(err.retryAfterMs).toBeGreaterThan(0);
    }
    // A send is refused too: one bucket.
    const id = newId();
    a.client.send({ type: "send", id, text: "and a message" });
    expect(await a.client.next("error")).toMatchObject({ code: "rate_limited", id });

    // Nothing changed, nobody was told.
    expect((await roomInfo(room)).rev).toBe(rev);
    while ((await b.client.next("update")).message.rev < rev);
    await b.client.expectNothing(200, "update");
  });

  it("accepts the refused change after retryAfterMs", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const m = await postReply(a.client, "m");
    for (let i = 1; i < LIMITS.RATE_BURST; i++) await postReply(a.client, `n${i}`);
    a.client.send({ type: "edit", seq: m.seq, text: "later" });
    const err = await a.client.next("error");
    expect(err).toMatchObject({ code: "rate_limited", seq: m.seq });
    await new Promise((r) => setTimeout(r, err.retryAfterMs));
    const edited = await applyChange(a.client, { type: "edit", seq: m.seq, text: "later" });
    expect(edited).toMatchObject({ text: "later", rev: LIMITS.RATE_BURST + 1 });
  });

  it("is the session's: another session still has its burst for changes", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const b = await joinV2(room, "bob");
    const m = await postReply(a.client, "m");
    for (let i = 1; i < LIMITS.RATE_BURST; i++) await postReply(a.client, `n${i}`);
    a.client.send({ type: "react", seq: m.seq, emoji: "👍", on: true });
    expect((await a.client.next("error")).code).toBe("rate_limited");
    const mine = await applyChange(b.client, { type: "react", seq: m.seq, emoji: "👍", on: true });
    expect(mine.reactions).toEqual([{ emoji: "👍", users: [b.welcome.you.id] }]);
  });
});
