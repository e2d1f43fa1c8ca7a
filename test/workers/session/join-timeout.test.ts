// A connection that does not join within JOIN_TIMEOUT_MS is closed with 4001
// and receives no frame; a refused join does not count as joining; a
// connection that joined is not closed by the join timeout.
import { describe, expect, it } from "vitest";
import { connect, freshRoom, join, post } from "../helpers";

describe("join timeout", () => {
  it("closes a connection that never joins with 4001, sending no frame", async () => {
    const c = await connect(freshRoom());
    const closed = await c.closed(5000);
    expect(closed.code).toBe(4001);
    expect(c.frames).toEqual([]);
  });

  it("closes a connection whose join was refused", async () => {
    const c = await connect(freshRoom());
    c.send({ type: "join", name: "" });
    expect((await c.next("error")).code).toBe("name_invalid");
    expect((await c.closed(5000)).code).toBe(4001);
  });

  it("does not close a connection that joined", async () => {
    const room = freshRoom();
    const alice = await join(room, "alice");
    const lurker = await connect(room, { ip: "198.51.100.2" });
    // The timeout has run for the lurker, opened after alice: alice's has too.
    expect((await lurker.closed(5000)).code).toBe(4001);
    await alice.client.expectNothing(300);
    expect(alice.client.ws.readyState).toBe(WebSocket.OPEN);
    const m = await post(alice.client, "still here");
    expect(m.text).toBe("still here");
  });
});
