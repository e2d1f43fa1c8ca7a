// Finding: a GET of a never-used room name created that room's SQLite tables
// (20 GETs, 20 databases). Reads of a room that was never used answer from
// nothing (online 0, seq 0, no messages) and create no table; the first
// WebSocket upgrade makes the tables, and the reads answer from them then.
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, type MessagePage, type RoomInfo } from "../../../protocol";
import type { Env } from "../../../worker/config";
import { freshRoom, getJson, join, post } from "../helpers";

/**
 * The room's own tables. The runtime's internal `_cf_` tables are left out:
 * in the pinned workerd there is none before the first write, and
 * `_cf_METADATA` appears once the room has set an alarm.
 */
async function tables(room: string): Promise<string[]> {
  const stub = (env as unknown as Env).ROOM.getByName(room);
  const names = await runInDurableObject(stub, (_, state) =>
    state.storage.sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
      .toArray()
      .map((r) => r.name),
  );
  return names.filter((n) => !n.startsWith("_cf_")).sort();
}

describe("reads of an unused room", () => {
  it("answer from nothing and create no table; the first join makes them", async () => {
    const room = freshRoom();
    const info = await getJson<RoomInfo>(`/api/rooms/${room}`);
    expect(info.status).toBe(200);
    expect(info.body).toEqual({ room, online: 0, seq: 0, rev: 0, settings: DEFAULT_SETTINGS });
    const page = await getJson<MessagePage>(`/api/rooms/${room}/messages`);
    expect(page.status).toBe(200);
    expect(page.body).toEqual({ messages: [], more: false });
    const page2 = await getJson<MessagePage>(`/api/rooms/${room}/messages?before=5&limit=3`);
    expect(page2.body).toEqual({ messages: [], more: false });

    expect(await tables(room)).toEqual([]);

    // The first upgrade makes the room.
    const { client } = await join(room, "alice");
    expect(await tables(room)).toEqual(
      expect.arrayContaining(["join_buckets", "messages", "meta", "pruned_ids", "sessions"]),
    );
    const m = await post(client, "hello");
    expect((await getJson<RoomInfo>(`/api/rooms/${room}`)).body).toEqual({
      room,
      online: 1,
      seq: 1,
      rev: 1,
      settings: DEFAULT_SETTINGS,
    });
    expect((await getJson<MessagePage>(`/api/rooms/${room}/messages`)).body).toEqual({
      messages: [{ seq: m.seq, id: m.id, user: m.user, text: "hello", ts: m.ts, rev: 1 }],
      more: false,
    });
  });
});
