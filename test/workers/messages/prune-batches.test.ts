// The room moves pruned rows out of its table in batches, yet every reader
// sees exactly the newest HISTORY_LIMIT messages at every moment: pages,
// welcomes with and without `since`, and the answer to a repeated id (a
// message past the window is `duplicate`, whether or not its row is still
// in the table).
import { describe, expect, it } from "vitest";
import type { Message } from "../../../protocol";
import { fillRoom, freshRoom, getJson, join, range } from "../helpers";
import { LIMITS } from "../limits";

describe("pruning in batches", () => {
  it("shows exactly the newest HISTORY_LIMIT messages across batch boundaries", async () => {
    const room = freshRoom();
    const limit = LIMITS.HISTORY_LIMIT;
    // Far enough past the limit that rows have been moved out, and some wait.
    const n = limit + 80;
    const posted = await fillRoom(room, n, LIMITS.RATE_BURST);
    const newest = range(n - limit + 1, n);

    const page = await getJson<{ messages: Message[]; more: boolean }>(
      `/api/rooms/${room}/messages?limit=100`,
    );
    expect(page.body.messages.map((m) => m.seq)).toEqual(newest);
    expect(page.body.more).toBe(false);
    const older = await getJson<{ messages: Message[] }>(
      `/api/rooms/${room}/messages?before=${n - limit + 1}`,
    );
    expect(older.body.messages).toEqual([]);

    const { client, welcome } = await join(room, "reader");
    expect(welcome.messages.map((m) => m.seq)).toEqual(newest);
    const late = await join(room, "late", { since: 5 });
    expect(late.welcome.gap).toBe(true);
    expect(late.welcome.messages.map((m) => m.seq)).toEqual(newest);

    // Repeated ids: one just past the window, one long gone, one retained.
    for (const seq of [n - limit, 3]) {
      const id = (posted[seq - 1] as Message).id;
      client.send({ type: "send", id, text: "again" });
      const err = await client.next("error");
      expect(err).toMatchObject({ code: "duplicate", id });
    }
    const kept = posted[n - 1] as Message;
    client.send({ type: "send", id: kept.id, text: "again" });
    expect(await client.next("message")).toMatchObject({ seq: n, id: kept.id, text: kept.text });
    expect((await getJson<{ seq: number }>(`/api/rooms/${room}`)).body.seq).toBe(n);
  }, 60_000);
});
