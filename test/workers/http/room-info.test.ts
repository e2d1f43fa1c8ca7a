// GET /api/rooms/:room answers {room, online, seq, rev, settings}: the normalised name, the
// number of sessions with a live connection (which drops once a connection
// closes), and the latest seq (0 in a new room, then one per message).
import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, type RoomInfo } from "../../../protocol";
import { freshRoom, getJson, join, post } from "../helpers";

const info = async (room: string) => {
  const res = await getJson<RoomInfo>(`/api/rooms/${encodeURIComponent(room)}`);
  expect(res.status).toBe(200);
  return res.body;
};

/** Polls the room's info until `pred` holds, for at most ~5 s. */
async function until(room: string, pred: (i: RoomInfo) => boolean): Promise<RoomInfo> {
  let last = await info(room);
  for (let i = 0; i < 100 && !pred(last); i++) {
    await new Promise((r) => setTimeout(r, 50));
    last = await info(room);
  }
  return last;
}

describe("GET /api/rooms/:room", () => {
  it("a new room: online 0, seq 0, exact keys", async () => {
    const room = freshRoom();
    const res = await getJson<RoomInfo>(`/api/rooms/${room}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(res.body).toEqual({ room, online: 0, seq: 0, rev: 0, settings: DEFAULT_SETTINGS });
  });

  it("counts joined sessions with a live connection, and drops one that closed", async () => {
    const room = freshRoom();
    const a = await join(room, "alice", { ip: "203.0.113.41" });
    const b = await join(room, "bob", { ip: "203.0.113.42" });
    expect((await info(room)).online).toBe(2);

    b.client.close();
    const after = await until(room, (i) => i.online === 1);
    expect(after.online).toBe(1);
    a.client.close();
    expect((await until(room, (i) => i.online === 0)).online).toBe(0);
  });

  it("seq is the latest message's seq", async () => {
    const room = freshRoom();
    const { client } = await join(room, "alice", { ip: "203.0.113.43" });
    await post(client, "one");
    await post(client, "two");
    const third = await post(client, "three");
    expect(third.seq).toBe(3);
    expect(await info(room)).toEqual({
      room,
      online: 1,
      seq: 3,
      rev: 3,
      settings: DEFAULT_SETTINGS,
    });
    client.close();
  });

  it("answers with the normalised name", async () => {
    const room = freshRoom("MiXeD");
    const res = await info(room);
    expect(res.room).toBe(room.toLowerCase());
  });
});
