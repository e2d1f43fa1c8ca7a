// The welcome answers a join with the room's normalised name, the session's
// own user and a resume token, every session of the room (away ones too) and
// the newest retained messages oldest first, with the latest seq and no gap.
import { describe, expect, it } from "vitest";
import type { Message } from "../../../protocol";
import { type Client, freshRoom, getJson, join, post } from "../helpers";
import { LIMITS } from "../limits";

describe("welcome", () => {
  it("names the room as normalised (NFC, lower case)", async () => {
    const base = freshRoom("wel");
    // "Café" with a decomposed é, in mixed case.
    const asTyped = `CAFE\u0301-${base.toUpperCase()}`;
    const { welcome } = await join(asTyped, "alice");
    expect(welcome.room).toBe(`caf\u00e9-${base}`);
    expect(welcome.room).toBe(asTyped.normalize("NFC").toLowerCase());
  });

  it("describes the joiner as `you`: id, the name, joinedAt, not away, a tag", async () => {
    const room = freshRoom();
    const before = Date.now();
    const { welcome } = await join(room, "alice");
    const after = Date.now();
    const you = welcome.you;
    expect(typeof you.id).toBe("string");
    expect(you.id.length).toBeGreaterThan(0);
    expect(you.name).toBe("alice");
    expect(Number.isInteger(you.joinedAt)).toBe(true);
    expect(you.joinedAt).toBeGreaterThanOrEqual(before);
    expect(you.joinedAt).toBeLessThanOrEqual(after);
    expect(you.away).toBe(false);
    expect(you.tag).toMatch(/^[0-9a-f]{8}$/);
  });

  it("hands out a token of at least 128 bits, different per session", async () => {
    const room = freshRoom();
    const a = await join(room, "alice", { ip: "198.51.100.1" });
    const b = await join(room, "bob", { ip: "198.51.100.2" });
    for (const w of [a.welcome, b.welcome]) {
      expect(typeof w.token).toBe("string");
      // 22 base64url characters carry 132 bits.
      expect(w.token).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    }
    expect(a.welcome.token).not.toBe(b.welcome.token);
  });

  it("lists every session of the room in `users`, including `you` and away ones", async () => {
    const room = freshRoom();
    const a = await join(room, "alice");
    const b = await join(room, "bob");
    const c = await join(room, "carol");
    c.client.close();
    const away = await a.client.next("away");
    expect(away.user.id).toBe(c.welcome.you.id);

    const d = await join(room, "dave");
    const byId = new Map(d.welcome.users.map((u) => [u.id, u]));
    expect(d.welcome.users).toHaveLength(4);
    expect(byId.get(a.welcome.you.id)).toMatchObject({ name: "alice", away: false });
    expect(byId.get(b.welcome.you.id)).toMatchObject({ name: "bob", away: false });
    expect(byId.get(c.welcome.you.id)).toMatchObject({
      name: "carol",
      away: true,
      joinedAt: c.welcome.you.joinedAt,
    });
    expect(byId.get(d.welcome.you.id)).toEqual(d.welcome.you);
  });

  it("in an empty room: no messages, seq 0, gap false", async () => {
    const { welcome } = await join(freshRoom(), "alice");
    expect(welcome.messages).toEqual([]);
    expect(welcome.seq).toBe(0);
    expect(welcome.gap).toBe(false);
    expect(welcome.users).toEqual([welcome.you]);
  });

  it("carries the newest messages oldest first, the latest seq, and gap false", async () => {
    const room = freshRoom();
    // 55 messages from 6 sessions, at most 10 each (the per-session burst).
    const clients: Client[] = [];
    for (let i = 0; i < LIMITS.MAX_USERS; i++) {
      const { client } = await join(room, `poster${i}`, { ip: `198.51.100.${10 + i}` });
      clients.push(client);
    }
    const posted: Message[] = [];
    for (let n = 0; n < 55; n++) {
      const m = await post(clients[Math.floor(n / 10)] as Client, `message ${n + 1}`);
      posted.push({ seq: m.seq, id: m.id, user: m.user, text: m.text, ts: m.ts, rev: m.rev });
    }
    expect(posted.map((m) => m.seq)).toEqual(Array.from({ length: 55 }, (_, i) => i + 1));

    // Make room for one more session: one poster leaves.
    const last = clients[LIMITS.MAX_USERS - 1] as Client;
    last.send({ type: "leave" });
    await last.closed();

    const { welcome } = await join(room, "reader", { ip: "198.51.100.99" });
    // Without `since`: the newest 50 of those the room retains (HISTORY_LIMIT).
    const expected = posted.slice(-Math.min(50, LIMITS.HISTORY_LIMIT));
    expect(welcome.messages).toEqual(expected);
    expect(welcome.messages[0]?.seq).toBe(55 - expected.length + 1);
    expect(welcome.messages.at(-1)?.seq).toBe(55);
    expect(welcome.seq).toBe(55);
    expect(welcome.gap).toBe(false);

    // The same list as the history API's newest page.
    const page = await getJson<{ messages: Message[] }>(
      `/api/rooms/${encodeURIComponent(room)}/messages?limit=50`,
    );
    expect(welcome.messages).toEqual(page.body.messages);
  });
});
