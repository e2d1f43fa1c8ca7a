// The room retains its newest HISTORY_LIMIT messages, deleted ones included;
// the write that goes past it prunes the oldest with their reactions. A
// pruned message is gone from every read (pages, GET …/messages/:seq,
// welcomes) and from changes (`message_unknown`); once its row is moved out
// of the table (in batches, worker/history.ts), nothing of its reactions is
// left in the room's storage, in whatever table, while the reactions of the
// retained messages are intact.
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Message } from "../../../protocol";
import {
  applyChange,
  fillRoom,
  freshRoom,
  getJson,
  joinV2,
  postReply,
  range,
  roomStub,
} from "../helpers";
import { LIMITS } from "../limits";

/** Only ever put on messages that get pruned. */
const PRUNED_EMOJI = "🦑";
const KEPT_EMOJI = "🐙";

/** Every row of every table of the room (the runtime's `_cf_` tables aside), as JSON. */
async function storageDump(room: string): Promise<string> {
  return runInDurableObject(roomStub(room), (_, state) => {
    const sql = state.storage.sql;
    const tables = sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
      .toArray()
      .map((r) => r.name)
      .filter((n) => !n.startsWith("_cf_") && !n.startsWith("sqlite_"));
    const rows: Record<string, unknown[]> = {};
    for (const t of tables) rows[t] = sql.exec(`SELECT * FROM "${t}"`).toArray();
    return JSON.stringify(rows, (_k, v) => (v instanceof ArrayBuffer ? "<bytes>" : v));
  });
}

describe("pruning with reactions", () => {
  it("prunes the oldest messages with their reactions, in every read and in storage", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const b = await joinV2(room, "bob");
    for (let i = 1; i <= 3; i++) await postReply(a.client, `old ${i}`);
    for (let i = 1; i <= 3; i++) {
      await applyChange(b.client, { type: "react", seq: i, emoji: PRUNED_EMOJI, on: true });
    }
    await applyChange(a.client, { type: "delete", seq: 3 });
    expect(await storageDump(room)).toContain(PRUNED_EMOJI);
    a.client.send({ type: "leave" });
    b.client.send({ type: "leave" });
    await a.client.closed();
    await b.client.closed();

    // Far enough past the limit that the pruned rows have been moved out.
    const n = 3 + LIMITS.HISTORY_LIMIT + 80;
    await fillRoom(room, n - 3, LIMITS.RATE_BURST);
    const newest = range(n - LIMITS.HISTORY_LIMIT + 1, n);

    const c = await joinV2(room, "carol");
    const kept = await applyChange(c.client, {
      type: "react",
      seq: n,
      emoji: KEPT_EMOJI,
      on: true,
    });

    // Gone from every read.
    const page = await getJson<{ messages: Message[] }>(`/api/rooms/${room}/messages?limit=100`);
    expect(page.body.messages.map((m) => m.seq)).toEqual(newest);
    expect(c.welcome.messages.map((m) => m.seq)).toEqual(newest);
    for (const seq of [1, 2, 3]) {
      expect((await getJson(`/api/rooms/${room}/messages/${seq}`)).status).toBe(404);
      c.client.send({ type: "react", seq, emoji: PRUNED_EMOJI, on: false });
      expect(await c.client.next("error")).toMatchObject({ code: "message_unknown", seq });
    }

    // Gone from storage: no row of any table holds the pruned reactions.
    const dump = await storageDump(room);
    expect(dump).not.toContain(PRUNED_EMOJI);
    expect(dump).toContain(KEPT_EMOJI);
    const rows = await runInDurableObject(roomStub(room), (_, state) =>
      state.storage.sql.exec<{ seq: number }>("SELECT seq FROM messages WHERE seq <= 3").toArray(),
    );
    expect(rows).toEqual([]);
    // The retained message's reactions are intact.
    expect((await getJson<Message>(`/api/rooms/${room}/messages/${n}`)).body).toEqual(kept);
  }, 60_000);

  it("a message just past the window loses its reactions to every read at once", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    await postReply(a.client, "first");
    await applyChange(a.client, { type: "react", seq: 1, emoji: PRUNED_EMOJI, on: true });
    a.client.send({ type: "leave" });
    await a.client.closed();
    // Exactly one message past the limit: seq 1 is pruned (its row may wait for a batch).
    await fillRoom(room, LIMITS.HISTORY_LIMIT, LIMITS.RATE_BURST);
    const b = await joinV2(room, "bob", { since: 0 });
    expect(b.welcome.messages.map((m) => m.seq)).toEqual(range(2, LIMITS.HISTORY_LIMIT + 1));
    expect(b.welcome.gap).toBe(true);
    expect(JSON.stringify(b.welcome)).not.toContain(PRUNED_EMOJI);
    expect((await getJson(`/api/rooms/${room}/messages/1`)).status).toBe(404);
    b.client.send({ type: "react", seq: 1, emoji: "👍", on: true });
    expect(await b.client.next("error")).toMatchObject({ code: "message_unknown", seq: 1 });
  }, 30_000);
});
