// A socket's attachment keeps its short keys (worker/connections.ts): sockets
// accepted by an older deploy wake under the new code with the same shape,
// and the attachment stays far below its 2 KiB limit. The codec gives the
// code readable names and loses nothing on the way.
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Env } from "../../../worker/config";
import { type Connection, decode, encode } from "../../../worker/connections";
import { freshRoom, join, post } from "../helpers";

describe("the attachment", () => {
  it("is stored under the short keys", async () => {
    const room = freshRoom();
    const { client, welcome } = await join(room, "alice");
    await post(client, "hello");
    const stored = await runInDurableObject(
      (env as unknown as Env).ROOM.getByName(room),
      (_, state) => state.getWebSockets().map((ws) => ws.deserializeAttachment()),
    );
    expect(stored).toHaveLength(1);
    const a = stored[0] as Record<string, unknown>;
    expect(Object.keys(a).sort()).toEqual(["a", "b", "c", "l", "n", "o", "t", "u"]);
    expect(a).toMatchObject({ u: welcome.you.id, n: "alice", t: welcome.you.tag });
    expect(JSON.stringify(a).length).toBeLessThan(2048);
    client.close();
  });

  it("decodes what it encodes, every field", () => {
    const full: Connection = {
      id: "c1",
      addrKey: "a".repeat(32),
      limiter: "l".repeat(64),
      tag: "aaaaaaaa",
      place: "Austin, US",
      openedAt: 1,
      userId: "u1",
      name: "alice",
      rate: { tokens: 2.5, at: 3 },
      errors: { since: 4, count: 5 },
      typedAt: 6,
      dups: { tokens: 7, at: 8 },
      dead: true,
    };
    expect(encode(full)).toEqual({
      c: "c1",
      a: "a".repeat(32),
      l: "l".repeat(64),
      t: "aaaaaaaa",
      f: "Austin, US",
      o: 1,
      u: "u1",
      n: "alice",
      b: [2.5, 3],
      e: [4, 5],
      y: 6,
      r: [7, 8],
      d: 1,
    });
    expect(decode(encode(full))).toEqual(full);
    const bare: Connection = { id: "c2", addrKey: "k", limiter: "l", tag: "t", openedAt: 9 };
    expect(decode(encode(bare))).toEqual(bare);
  });
});
