// GET /api/rooms/:room/messages/:seq answers 200 with the retained message
// as it is now (edited, reacted to, or the tombstone of a deletion), 404
// not_found for a seq that is not retained (never posted, or pruned), and 400
// bad_request when :seq is not a whole number of at least 1. Reading a room
// that was never used answers 404 and creates nothing in storage.
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Message } from "../../../protocol";
import { applyChange, fillRoom, freshRoom, getJson, joinV2, postReply, roomStub } from "../helpers";
import { LIMITS } from "../limits";

type ApiError = { error: { code: string; message: string } };
const get = (room: string, seq: string) =>
  getJson<Message & ApiError>(`/api/rooms/${encodeURIComponent(room)}/messages/${seq}`);

describe("GET /api/rooms/:room/messages/:seq", () => {
  it("answers the retained message as it is now", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const b = await joinV2(room, "bob");
    const m1 = await postReply(a.client, "hello");
    const res1 = await get(room, "1");
    expect(res1.status).toBe(200);
    expect(res1.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(res1.body).toEqual(m1);

    const m2 = await postReply(b.client, "reply", 1);
    await applyChange(a.client, { type: "edit", seq: 1, text: "hello!" });
    const reacted = await applyChange(b.client, { type: "react", seq: 1, emoji: "👍", on: true });
    expect((await get(room, "1")).body).toEqual(reacted);
    expect((await get(room, "2")).body).toEqual(m2);

    const tombstone = await applyChange(b.client, { type: "delete", seq: 2 });
    const res2 = await get(room, "2");
    expect(res2.status).toBe(200);
    expect(res2.body).toEqual(tombstone);
  });

  it("answers 404 not_found for a seq never posted or pruned", async () => {
    const room = freshRoom();
    const n = LIMITS.HISTORY_LIMIT + 2;
    await fillRoom(room, n, LIMITS.RATE_BURST);
    for (const seq of ["1", "2", String(n + 1), "999999"]) {
      const res = await get(room, seq);
      expect(res.status, seq).toBe(404);
      expect(res.body.error.code).toBe("not_found");
      expect(typeof res.body.error.message).toBe("string");
    }
    expect((await get(room, "3")).status).toBe(200);
    expect((await get(room, String(n))).body.seq).toBe(n);
  });

  it("answers 400 bad_request when :seq is not a whole number of at least 1", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    await postReply(a.client, "one");
    for (const seq of ["0", "-1", "1.5", "abc", "%201"]) {
      const res = await get(room, seq);
      expect(res.status, seq).toBe(400);
      expect(res.body.error.code).toBe("bad_request");
    }
  });

  it("answers 405 to another method and 400 room_invalid to a bad room name", async () => {
    const res = await getJson<ApiError>(`/api/rooms/${freshRoom()}/messages/1`, { method: "POST" });
    expect(res.status).toBe(405);
    expect(res.body.error.code).toBe("method_not_allowed");
    const bad = await getJson<ApiError>("/api/rooms/.dot/messages/1");
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("room_invalid");
  });

  it("in a room never used answers 404 and creates nothing", async () => {
    const room = freshRoom();
    expect((await get(room, "1")).status).toBe(404);
    expect((await get(room, "0")).status).toBe(400);
    const tables = await runInDurableObject(roomStub(room), (_, state) =>
      state.storage.sql
        .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
        .toArray()
        .map((r) => r.name)
        .filter((name) => !name.startsWith("_cf_")),
    );
    expect(tables).toEqual([]);
  });
});
