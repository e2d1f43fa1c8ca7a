// GET /api/rooms/:room/messages pages through the retained history: oldest
// first, `limit` (1–100, default 50) newest messages with seq < `before`, and
// `more` says whether older ones remain. Query values that are not whole
// numbers in range are a 400 bad_request; after pruning only the newest
// HISTORY_LIMIT messages come back.
import { describe, expect, it } from "vitest";
import type { HttpError, Message, MessagePage } from "../../../protocol";
import { type Client, freshRoom, getJson, join, post } from "../helpers";
import { LIMITS } from "../limits";

const page = (room: string, query = "") =>
  getJson<MessagePage>(`/api/rooms/${encodeURIComponent(room)}/messages${query}`);

const seqs = (messages: Message[]) => messages.map((m) => m.seq);
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

let ipCounter = 0;

/**
 * A fresh room with `n` messages, texts "m1".."mN", posted by as many sessions
 * as the per-session rate burst (10) needs, each from its own address.
 */
async function seeded(n: number): Promise<{ room: string; clients: Client[] }> {
  const room = freshRoom();
  const clients: Client[] = [];
  for (let i = 1; i <= n; i++) {
    if ((i - 1) % 10 === 0) {
      ipCounter += 1;
      const { client } = await join(room, `poster${clients.length}`, {
        ip: `192.0.2.${ipCounter % 250}`,
      });
      clients.push(client);
    }
    const client = clients[clients.length - 1] as Client;
    await post(client, `m${i}`);
  }
  return { room, clients };
}

const closeAll = (clients: Client[]) => {
  for (const c of clients) c.close();
};

describe("GET /api/rooms/:room/messages", () => {
  it("a new room: no messages, no more", async () => {
    const res = await page(freshRoom());
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(res.body).toEqual({ messages: [], more: false });
  });

  it("without parameters: every retained message (default limit above 25), oldest first", async () => {
    const { room, clients } = await seeded(25);
    const res = await page(room);
    expect(res.status).toBe(200);
    expect(seqs(res.body.messages)).toEqual(range(1, 25));
    expect(res.body.messages.map((m) => m.text)).toEqual(range(1, 25).map((i) => `m${i}`));
    expect(res.body.more).toBe(false);
    closeAll(clients);
  });

  it("messages have exactly the protocol's Message shape", async () => {
    const { room, clients } = await seeded(1);
    const res = await page(room);
    const [m] = res.body.messages;
    expect(m).toBeDefined();
    expect(Object.keys(m as Message).sort()).toEqual(["id", "rev", "seq", "text", "ts", "user"]);
    expect(Object.keys((m as Message).user).sort()).toEqual(["id", "name"]);
    expect(m).toMatchObject({ seq: 1, text: "m1", user: { name: "poster0" } });
    expect(typeof m?.ts).toBe("number");
    closeAll(clients);
  });

  it("`limit` gives the newest n, oldest first, with more: true when older ones remain", async () => {
    const { room, clients } = await seeded(25);
    const res = await page(room, "?limit=10");
    expect(res.status).toBe(200);
    expect(seqs(res.body.messages)).toEqual(range(16, 25));
    expect(res.body.more).toBe(true);

    const one = await page(room, "?limit=1");
    expect(seqs(one.body.messages)).toEqual([25]);
    expect(one.body.more).toBe(true);

    const max = await page(room, "?limit=100");
    expect(max.status).toBe(200);
    expect(seqs(max.body.messages)).toEqual(range(1, 25));
    expect(max.body.more).toBe(false);
    closeAll(clients);
  });

  it("`before` pages back until more is false", async () => {
    const { room, clients } = await seeded(25);
    const p1 = await page(room, "?before=16&limit=10");
    expect(seqs(p1.body.messages)).toEqual(range(6, 15));
    expect(p1.body.more).toBe(true);

    const p2 = await page(room, "?before=6&limit=10");
    expect(seqs(p2.body.messages)).toEqual(range(1, 5));
    expect(p2.body.more).toBe(false);

    // Exactly the rest: nothing older remains, so more is false.
    const exact = await page(room, "?before=6&limit=5");
    expect(seqs(exact.body.messages)).toEqual(range(1, 5));
    expect(exact.body.more).toBe(false);

    const none = await page(room, "?before=1");
    expect(none.status).toBe(200);
    expect(none.body).toEqual({ messages: [], more: false });

    // `before` past the newest seq reads from the newest.
    const far = await page(room, "?before=1000&limit=3");
    expect(seqs(far.body.messages)).toEqual([23, 24, 25]);
    expect(far.body.more).toBe(true);

    const alone = await page(room, "?before=20");
    expect(seqs(alone.body.messages)).toEqual(range(1, 19));
    expect(alone.body.more).toBe(false);
    closeAll(clients);
  });

  it(`after pruning only the newest HISTORY_LIMIT (${LIMITS.HISTORY_LIMIT}) come back`, async () => {
    expect(LIMITS.HISTORY_LIMIT).toBe(30);
    const { room, clients } = await seeded(35);
    const all = await page(room);
    expect(seqs(all.body.messages)).toEqual(range(6, 35));
    expect(all.body.more).toBe(false);

    const max = await page(room, "?limit=100");
    expect(seqs(max.body.messages)).toEqual(range(6, 35));
    expect(max.body.more).toBe(false);

    const older = await page(room, "?before=10");
    expect(seqs(older.body.messages)).toEqual([6, 7, 8, 9]);
    expect(older.body.more).toBe(false);

    const pruned = await page(room, "?before=6");
    expect(pruned.body).toEqual({ messages: [], more: false });
    closeAll(clients);
  });

  describe("400 bad_request for a query value that is not a whole number in range", () => {
    const bad = [
      "before=0",
      "before=-1",
      "before=abc",
      "before=1.5",
      "before=",
      "limit=0",
      "limit=101",
      "limit=-1",
      "limit=abc",
      "limit=1.5",
      "limit=",
      "before=5&limit=0",
      "before=0&limit=5",
    ];
    for (const query of bad) {
      it(`?${query}`, async () => {
        const res = await getJson<HttpError>(`/api/rooms/${freshRoom()}/messages?${query}`);
        expect(res.status).toBe(400);
        expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
        expect(res.body.error.code).toBe("bad_request");
        expect(typeof res.body.error.message).toBe("string");
        expect(res.body.error.message.length).toBeGreaterThan(0);
      });
    }
  });

  it("the bounds of limit are accepted: 1 and 100", async () => {
    const room = freshRoom();
    expect((await page(room, "?limit=1")).status).toBe(200);
    expect((await page(room, "?limit=100")).status).toBe(200);
    expect((await page(room, "?before=1&limit=100")).status).toBe(200);
  });
});
