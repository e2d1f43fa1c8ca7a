// (issue 17) Failures of one part of a sharded room. A shard that restarts
// loses its sockets: the room learns it at its next push, their sessions go
// away, and their clients resume (on whichever shard the room names) with
// nothing missed. A room that restarts finds its shards again: their
// sockets stay open and their frames reach the new instance.
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Env } from "../../worker/config";
import { freshRoom, join, newId, post, roomStub } from "../workers/helpers";

const shardStub = (name: string) => (env as unknown as Env).SHARD.getByName(name);

/** Resets a Durable Object as a crash would: its sockets drop, its memory goes. */
async function crash(stub: DurableObjectStub): Promise<void> {
  await runInDurableObject(stub, (_instance, state) => {
    try {
      state.abort("crash");
    } catch {
      // abort throws into the caller by design
    }
  }).catch(() => undefined);
}

describe("restarts in a sharded room", () => {
  it("lets a restarted shard's sessions go away, and they resume with what they missed", async () => {
    const room = freshRoom();
    const ann = await join(room, "ann"); // the room's own socket
    const ben = await join(room, "ben"); // shard #0
    await ann.client.next("joined");
    await crash(shardStub(`${room}#0`));
    await ben.client.closed();

    // The room learns at its next push that ben's socket is gone.
    const missed = await post(ann.client, "while ben was gone");
    const away = await ann.client.next("away");
    expect(away.user.name).toBe("ben");

    const back = await join(room, "ben", { token: ben.welcome.token, since: ben.welcome.seq });
    expect(back.welcome.you.id).toBe(ben.welcome.you.id);
    expect(back.welcome.messages.map((m) => m.id)).toEqual([missed.id]);
    expect(await shardStub(`${room}#0`).live()).toHaveLength(1);
    await ann.client.next("back");
  });

  it("finds its shards again after the room restarts", async () => {
    const room = freshRoom();
    const ann = await join(room, "ann"); // the room's own socket
    const ben = await join(room, "ben"); // shard #0
    const cat = await join(room, "cat"); // shard #0
    await ben.client.next("joined");
    await crash(roomStub(room));
    await ann.client.closed();

    // ben and cat never lost their sockets: a message of ben's reaches the
    // new instance of the room, is stored, and comes back to both.
    const m = await post(ben.client, "after the room restarted");
    expect((await cat.client.next("message")).id).toBe(m.id);
    expect(m.seq).toBe(ben.welcome.seq + 1);
  });

  it("closes with 1011 a shard's socket the room let go of, and its client resumes", async () => {
    const room = freshRoom();
    const ann = await join(room, "ann"); // the room's own socket
    const ben = await join(room, "ben"); // shard #0
    await ann.client.next("joined");
    // What the room does when a push to the shard keeps failing: it lets
    // go of that shard's sockets (their sessions go away).
    await runInDurableObject(roomStub(room), (instance) => {
      const room = instance as unknown as {
        fanout: { all(): unknown[] };
        remoteGone(ws: unknown): void;
      };
      for (const ws of room.fanout.all()) room.remoteGone(ws);
    });
    expect((await ann.client.next("away")).user.name).toBe("ben");

    // ben's socket is still open on the shard; what it sends next is not
    // taken: the socket is closed with 1011, and ben resumes.
    ben.client.send({ type: "send", id: newId(), text: "into the void" });
    expect((await ben.client.closed()).code).toBe(1011);
    const back = await join(room, "ben", { token: ben.welcome.token, since: ben.welcome.seq });
    expect(back.welcome.you.id).toBe(ben.welcome.you.id);
    await ann.client.next("back");
    const m = await post(back.client, "back again");
    expect((await ann.client.next("message")).id).toBe(m.id);
  });
});
