// The welcome of version 2 tells the server's protocol version (`v`: 2), the
// room's latest `rev`, its `settings` (the defaults in a room without an
// owner) and its `limits`: exactly the eight names, each the value this
// deployment runs with. A join with a `v` above the server's is answered
// with `error version_unsupported`, joins nothing, and leaves the connection
// open for a later join; a `v` that is not a whole number ≥ 1 is bad_message.
import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, PROTOCOL_VERSION, WELCOME_LIMIT_NAMES } from "../../../protocol";
import { applyChange, connect, freshRoom, joinV2, postReply, unbatch, V2_LIMITS } from "../helpers";
import { LIMITS } from "../limits";

describe("welcome (v2)", () => {
  it("tells v, rev, the default settings and the deployment's limits", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    expect(PROTOCOL_VERSION).toBe(2);
    expect(a.welcome).toMatchObject({ v: 2, rev: 0, seq: 0, gap: false });
    expect(a.welcome.settings).toEqual(DEFAULT_SETTINGS);
    expect(a.welcome.settings).toEqual({
      topic: "",
      slowMs: 0,
      locked: false,
      e2ee: false,
      owned: false,
    });
    expect(Object.keys(a.welcome.limits).sort()).toEqual([...WELCOME_LIMIT_NAMES].sort());
    expect(Object.keys(a.welcome.limits)).toHaveLength(8);
    expect(a.welcome.limits).toEqual({
      MAX_TEXT: LIMITS.MAX_TEXT,
      MAX_FRAME: LIMITS.MAX_FRAME,
      MAX_CIPHERTEXT: V2_LIMITS.MAX_CIPHERTEXT,
      RATE_BURST: LIMITS.RATE_BURST,
      RATE_PER_SEC: LIMITS.RATE_PER_SEC,
      EDIT_WINDOW_MS: V2_LIMITS.EDIT_WINDOW_MS,
      HISTORY_LIMIT: LIMITS.HISTORY_LIMIT,
      RESUME_GRACE_MS: LIMITS.RESUME_GRACE_MS,
    });
    // The test configuration's own values, not the protocol's defaults.
    expect(a.welcome.limits.HISTORY_LIMIT).toBe(30);
    expect(a.welcome.limits.RESUME_GRACE_MS).toBe(1500);
    // No bans for a session that is not an owner.
    expect("bans" in a.welcome).toBe(false);

    await postReply(a.client, "one");
    await applyChange(a.client, { type: "edit", seq: 1, text: "one!" });
    const b = await joinV2(room, "bob");
    expect(b.welcome).toMatchObject({ v: 2, rev: 2, seq: 1 });
  });

  it("answers v 1 with the same welcome (v is the server's version)", async () => {
    const room = freshRoom();
    const { welcome } = await joinV2(room, "alice", { v: 1 });
    expect(welcome.v).toBe(2);
    expect(welcome.limits.MAX_TEXT).toBe(LIMITS.MAX_TEXT);
  });

  it("refuses a v above the server's with version_unsupported, and a later join works", async () => {
    const room = freshRoom();
    const watcher = await joinV2(room, "watcher");
    const c = unbatch(await connect(room));
    c.send({ type: "join", name: "future", v: 3 });
    const err = await c.next("error");
    expect(err.code).toBe("version_unsupported");
    c.send({ type: "join", name: "future", v: 99 });
    expect((await c.next("error")).code).toBe("version_unsupported");
    // Nothing joined: nobody was told, and a send is not_joined.
    await watcher.client.expectNothing(200, "joined");
    c.send({ type: "typing" });
    expect((await c.next("error")).code).toBe("not_joined");
    expect(c.ws.readyState).toBe(WebSocket.OPEN);

    c.send({ type: "join", name: "future", v: 2 });
    const welcome = await c.next("welcome");
    expect(welcome.you.name).toBe("future");
    expect(welcome.v).toBe(2);
    expect((await watcher.client.next("joined")).user.name).toBe("future");
  });

  it("answers a v that is not a whole number of at least 1 with bad_message", async () => {
    const room = freshRoom();
    const c = await connect(room);
    for (const v of [0, -1, 1.5, "2", null]) {
      c.send({ type: "join", name: "alice", v });
      expect((await c.next("error")).code, JSON.stringify(v)).toBe("bad_message");
    }
    c.send({ type: "join", name: "alice", v: 2 });
    expect((await c.next("welcome")).you.name).toBe("alice");
  });

  it("answers a second join with v above the server's with already_joined (the state first)", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    a.client.send({ type: "join", name: "alice", v: 3 });
    expect((await a.client.next("error")).code).toBe("already_joined");
  });
});
