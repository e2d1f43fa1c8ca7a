// A change that changes nothing (an edit to the same text, a reaction already
// held or already absent, a delete of a message already deleted) takes no
// rate token and no rev: it is answered to that connection alone with the
// message's `update` as it is. This is how a client that lost the answer to
// a change gets its acknowledgement by sending the change again.
import { describe, expect, it } from "vitest";
import type { Message } from "../../../protocol";
import { applyChange, freshRoom, joinV2, newId, postReply, roomInfo } from "../helpers";
import { LIMITS } from "../limits";

describe("changes that change nothing", () => {
  it("are answered to that connection alone with the message as it is, with no new rev", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const b = await joinV2(room, "bob");
    const m = await postReply(a.client, "same");
    const plain = await postReply(a.client, "no reactions");
    const reacted = await applyChange(a.client, {
      type: "react",
      seq: m.seq,
      emoji: "👍",
      on: true,
    });
    const gone = await postReply(a.client, "to delete");
    const tombstone = await applyChange(a.client, { type: "delete", seq: gone.seq });
    // bob has seen all of that.
    while ((await b.client.next("update")).message.rev < tombstone.rev);
    const rev = (await roomInfo(room)).rev;

    const cases: [Record<string, unknown>, Message][] = [
      [{ type: "edit", seq: m.seq, text: "same" }, reacted],
      [{ type: "react", seq: m.seq, emoji: "👍", on: true }, reacted],
      [{ type: "react", seq: m.seq, emoji: "🎉", on: false }, reacted],
      [{ type: "react", seq: plain.seq, emoji: "👍", on: false }, plain],
      [{ type: "delete", seq: gone.seq }, tombstone],
    ];
    for (const [frame, asItIs] of cases) {
      a.client.send(frame);
      const u = await a.client.next("update");
      expect(u.message, JSON.stringify(frame)).toEqual(asItIs);
    }
    await a.client.expectNothing(200, "error");
    await b.client.expectNothing(0, "update");
    expect((await roomInfo(room)).rev).toBe(rev);
    // The next real change takes the very next rev.
    const next = await applyChange(a.client, { type: "edit", seq: m.seq, text: "changed" });
    expect(next.rev).toBe(rev + 1);
  });

  it("takes no rate token: answered while the bucket is empty, and leaves the burst whole", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const m = await postReply(a.client, "same");
    const held = await applyChange(a.client, { type: "react", seq: m.seq, emoji: "👍", on: true });
    // Many more no-ops than the burst: none is refused…
    for (let i = 0; i < LIMITS.RATE_BURST * 2; i++) {
      a.client.send({ type: "edit", seq: m.seq, text: "same" });
      a.client.send({ type: "react", seq: m.seq, emoji: "👍", on: true });
    }
    for (let i = 0; i < LIMITS.RATE_BURST * 4; i++) {
      expect((await a.client.next("update")).message).toEqual(held);
    }
    await a.client.expectNothing(100, "error");
    // …and the burst is still there: RATE_BURST - 2 more sends (two were
    // spent above) and then a refusal.
    for (let i = 0; i < LIMITS.RATE_BURST - 2; i++) await postReply(a.client, `m${i}`);
    a.client.send({ type: "send", id: newId(), text: "one too many" });
    expect((await a.client.next("error")).code).toBe("rate_limited");

    // With the bucket empty, a no-op is still answered with its update.
    a.client.send({ type: "react", seq: m.seq, emoji: "👍", on: true });
    expect((await a.client.next("update")).message).toEqual(held);
    // A real change is refused.
    a.client.send({ type: "react", seq: m.seq, emoji: "👍", on: false });
    expect(await a.client.next("error")).toMatchObject({ code: "rate_limited", seq: m.seq });
  });
});
