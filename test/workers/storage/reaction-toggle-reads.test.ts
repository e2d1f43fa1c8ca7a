// A reaction toggle or an edit of a message the room wrote or read lately
// reads no row from SQLite: the room keeps recent messages folded in memory
// (worker/history.ts), and the change is one UPDATE. A message outside that
// cache is read once, then toggles of it read nothing again. Counted with
// the cursors' own `rowsRead`, on the room's real database.
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Message } from "../../../protocol";
import { configOf, type Env } from "../../../worker/config";
import { History } from "../../../worker/history";
import { toggleReaction } from "../../../worker/reactions";
import { freshRoom, join, post } from "../helpers";

/**
 * The room's SqlStorage, counting the rows that its queries read. An UPDATE
 * counts the row it finds to change as read too; that is the write itself,
 * so only SELECTs are counted.
 */
function counting(sql: SqlStorage): { sql: SqlStorage; reads: () => number } {
  let rows = 0;
  const cursors: SqlStorageCursor<Record<string, SqlStorageValue>>[] = [];
  const wrapped = new Proxy(sql, {
    get(target, key) {
      if (key === "exec")
        return (query: string, ...bindings: unknown[]) => {
          const cursor = target.exec(query, ...bindings);
          if (/^\s*SELECT/i.test(query)) cursors.push(cursor);
          return cursor;
        };
      const value = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return {
    sql: wrapped,
    reads: () => {
      // A cursor counts the rows it has read so far: drain, then sum.
      for (const c of cursors.splice(0)) {
        c.toArray();
        rows += c.rowsRead;
      }
      return rows;
    },
  };
}

describe("a reaction toggle on the hot path", () => {
  it("reads no row for a recent message, and reads an older one once", async () => {
    const room = freshRoom();
    const { client } = await join(room, "alice");
    const first = await post(client, "an older message");
    client.close();
    const stub = (env as unknown as Env).ROOM.getByName(room);
    const result = await runInDurableObject(stub, (_instance, state) => {
      const { sql, reads } = counting(state.storage.sql);
      const history = new History(sql, configOf(env as unknown as Env), true);
      reads(); // the constructor's bounds
      const recent = history.append("recent-message-id-0001", first.user, "new", Date.now());
      const before = reads();
      let m = history.get(recent.seq) as Message;
      for (const emoji of ["👍", "🎉", "👍"]) {
        const t = toggleReaction(
          m.reactions ?? [],
          emoji,
          "u1",
          !m.reactions?.some((r) => r.emoji === emoji),
        );
        if (t.kind !== "changed") throw new Error(t.kind);
        m = history.react(m, t.reactions);
      }
      m = history.edit(history.get(recent.seq) as Message, "edited", Date.now());
      const recentReads = reads() - before;

      // The message posted before this History existed is not in its cache.
      const older = history.get(first.seq) as Message;
      const firstRead = reads() - before - recentReads;
      const t = toggleReaction(older.reactions ?? [], "❤️", "u1", true);
      if (t.kind !== "changed") throw new Error(t.kind);
      history.react(older, t.reactions);
      history.get(first.seq);
      const again = reads() - before - recentReads - firstRead;
      return { recentReads, firstRead, again, final: history.get(recent.seq) };
    });
    expect(result.recentReads).toBe(0);
    expect(result.firstRead).toBe(1);
    expect(result.again).toBe(0);
    expect(result.final).toMatchObject({
      text: "edited",
      reactions: [{ emoji: "🎉", users: ["u1"] }],
    });
  });
});
