// (v2) Slow mode: with `slowMs` 5000, a session may post one message per
// 5 s; a second `send` within it is refused with `error rate_limited`, its
// id and `retryAfterMs` = the rest of the 5 s, and is not posted (nor
// remembered: the same id posts once the time is up). Owners are exempt.
// Edits and reactions are not slowed, nor are a repeated id's answer and
// quit() (a leave). The checks of a send before it come first (text,
// replyTo, muted), and a slowed send takes no rate token. The clock is
// moved, not waited for.
import { afterEach, describe, expect, it, vi } from "vitest";
import { applyChange, newId, postReply, shiftClock } from "../helpers";
import { LIMITS } from "../limits";
import { createRoom, enter, enterAsOwner } from "./support";

afterEach(() => {
  vi.restoreAllMocks();
});

async function slowRoom(slowMs = 5000) {
  const { room, ownerKey } = await createRoom();
  const own = await enterAsOwner(room, "olive", ownerKey);
  const alice = await enter(room, "alice");
  const bob = await enter(room, "bob");
  own.client.send({ type: "settings", slowMs });
  for (const c of [own.client, alice.client, bob.client]) {
    expect((await c.next("settings")).settings.slowMs).toBe(slowMs);
  }
  return { room, own, alice, bob };
}

describe("slow mode", () => {
  it("a second send within slowMs is rate_limited with the rest as retryAfterMs", async () => {
    const { alice, bob } = await slowRoom();
    const first = await postReply(bob.client, "one");
    shiftClock({ at: first.ts + 2000 });
    const id = newId();
    bob.client.send({ type: "send", id, text: "two" });
    expect(await bob.client.next("error")).toMatchObject({
      code: "rate_limited",
      id,
      retryAfterMs: 3000,
    });
    await alice.client.next("message");
    await alice.client.expectNothing(200, "message");

    // Once the time is up, the same id posts.
    shiftClock({ at: first.ts + 5000 });
    const second = await postReply(bob.client, "two", undefined, id);
    expect(second).toMatchObject({ id, text: "two", ts: first.ts + 5000 });
  });

  it("without a moved clock: retryAfterMs is close to slowMs", async () => {
    const { bob } = await slowRoom();
    await postReply(bob.client, "one");
    const id = newId();
    bob.client.send({ type: "send", id, text: "two" });
    const e = await bob.client.next("error");
    expect(e).toMatchObject({ code: "rate_limited", id });
    expect(e.retryAfterMs).toBeGreaterThan(3000);
    expect(e.retryAfterMs).toBeLessThanOrEqual(5000);
  });

  it("is per session: another session posts at once", async () => {
    const { alice, bob } = await slowRoom();
    await postReply(bob.client, "bob's");
    const m = await postReply(alice.client, "alice's");
    expect(m.user.id).toBe(alice.welcome.you.id);
  });

  it("owners are exempt", async () => {
    const { own } = await slowRoom();
    for (const text of ["one", "two", "three"]) {
      expect((await postReply(own.client, text)).text).toBe(text);
    }
  });

  it("edits and reactions are not slowed", async () => {
    const { alice, bob } = await slowRoom();
    const m = await postReply(bob.client, "draft");
    const edited = await applyChange(bob.client, { type: "edit", seq: m.seq, text: "final" });
    expect(edited.text).toBe("final");
    const edited2 = await applyChange(bob.client, { type: "edit", seq: m.seq, text: "final!" });
    expect(edited2.text).toBe("final!");
    const r1 = await applyChange(bob.client, { type: "react", seq: m.seq, emoji: "👍", on: true });
    const r2 = await applyChange(bob.client, { type: "react", seq: m.seq, emoji: "🎉", on: true });
    expect(r1.reactions?.length).toBe(1);
    expect(r2.reactions?.length).toBe(2);
    await applyChange(alice.client, { type: "react", seq: m.seq, emoji: "👍", on: true });
  });

  it("slowMs 0 turns it off", async () => {
    const { own, bob } = await slowRoom();
    await postReply(bob.client, "one");
    own.client.send({ type: "settings", slowMs: 0 });
    await bob.client.next("settings");
    expect((await postReply(bob.client, "two")).text).toBe("two");
  });

  it("a repeated id is answered with its message, not slowed", async () => {
    const { bob } = await slowRoom();
    const first = await postReply(bob.client, "once");
    const again = await postReply(bob.client, "once", undefined, first.id);
    expect(again).toMatchObject({ seq: first.seq, id: first.id });
  });

  it("quit() within slowMs still leaves", async () => {
    const { alice, bob } = await slowRoom();
    await postReply(bob.client, "bye soon");
    bob.client.send({ type: "send", id: newId(), text: "quit()" });
    expect((await bob.client.closed()).code).toBe(1000);
    for (;;) {
      const left = await alice.client.next("left");
      if (left.user.id === bob.welcome.you.id) {
        expect(left.reason).toBe("leave");
        break;
      }
    }
  });

  it("the content comes first: a blank text within slowMs is text_invalid", async () => {
    const { bob } = await slowRoom();
    await postReply(bob.client, "one");
    const id = newId();
    bob.client.send({ type: "send", id, text: "   " });
    expect(await bob.client.next("error")).toMatchObject({ code: "text_invalid", id });
  });

  it("a muted session within slowMs is told muted", async () => {
    const { own, bob } = await slowRoom();
    await postReply(bob.client, "one");
    own.client.send({ type: "mute", user: bob.welcome.you.id, minutes: 5 });
    await bob.client.next("user");
    const id = newId();
    bob.client.send({ type: "send", id, text: "two" });
    expect(await bob.client.next("error")).toMatchObject({ code: "muted", id });
  });

  it("replyTo is judged before slow mode", async () => {
    const { bob } = await slowRoom();
    await postReply(bob.client, "one");
    const id = newId();
    bob.client.send({ type: "send", id, text: "re", replyTo: 999 });
    expect(await bob.client.next("error")).toMatchObject({ code: "message_unknown", id });
  });

  it("slowed sends take no rate token: with slow mode off, the rest of the burst posts", async () => {
    const { own, bob } = await slowRoom();
    await postReply(bob.client, "one");
    for (let i = 0; i < LIMITS.RATE_BURST + 5; i++) {
      const id = newId();
      bob.client.send({ type: "send", id, text: `slowed ${i}` });
      expect(await bob.client.next("error")).toMatchObject({ code: "rate_limited", id });
    }
    own.client.send({ type: "settings", slowMs: 0 });
    await bob.client.next("settings");
    for (let i = 1; i < LIMITS.RATE_BURST; i++) await postReply(bob.client, `posted ${i}`);
  });
});
