// A platform fact, pinned: the hibernatable server-side WebSocket of the
// pinned workerd has no `bufferedAmount`, so the room cannot see what waits
// for a peer that does not read, and cannot close a slow reader itself.
// When this test fails, the runtime has started to expose it: the room
// should then close a socket whose queue passes a bound (issue 10, finding
// 9). Until then, docs/reliability.md (finding 9d) and docs/protocol.md ("A
// peer that does not read") say what bounds it: the object's memory limit.
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Env } from "../../../worker/config";
import { freshRoom, join } from "../helpers";

describe("slow readers: the platform", () => {
  it("the room's server-side WebSocket exposes no bufferedAmount", async () => {
    const room = freshRoom();
    const { client } = await join(room, "alice");
    const seen = await runInDurableObject(
      (env as unknown as Env).ROOM.getByName(room),
      (_, state) =>
        state.getWebSockets().map((ws) => ({
          has: "bufferedAmount" in ws,
          readyState: ws.readyState,
        })),
    );
    // The socket is there and open: the answer is about a live socket.
    expect(seen).toEqual([{ has: false, readyState: WebSocket.OPEN }]);
    client.close();
  });
});
