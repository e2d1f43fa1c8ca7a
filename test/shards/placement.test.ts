// (issue 17) Where connections go: with SHARD_AT 1 and SHARD_SIZE 2 (the
// `shards` test project), the room keeps the first socket itself and places
// the others on shards `<room>#0`, `<room>#1`, … two each; a socket that
// closes frees its place. The clients see one room: the roster, the
// messages in one order, presence.
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import type { Env } from "../../worker/config";
import { type Client, freshRoom, join, post, roomStub } from "../workers/helpers";

/** The texts of every message a client received, in order. */
const texts = (client: Client) =>
  client.frames.flatMap((f) => (typeof f !== "string" && f.type === "message" ? [f.text] : []));

const shardStub = (name: string) => (env as unknown as Env).SHARD.getByName(name);

async function localSockets(room: string): Promise<number> {
  return runInDurableObject(roomStub(room), (_instance, state) => state.getWebSockets().length);
}

describe("shard placement", () => {
  it("keeps SHARD_AT sockets in the room and spreads the rest over shards of SHARD_SIZE", async () => {
    const room = freshRoom();
    const people = [];
    for (const name of ["ann", "ben", "cat", "dan", "eve"]) people.push(await join(room, name));

    expect(await localSockets(room)).toBe(1);
    expect(await shardStub(`${room}#0`).live()).toHaveLength(2);
    expect(await shardStub(`${room}#1`).live()).toHaveLength(2);
    expect(await shardStub(`${room}#2`).live()).toHaveLength(0);

    // Everyone sees everyone, and a message reaches everyone once, in one order.
    const last = people[people.length - 1];
    expect(last?.welcome.users.map((u) => u.name).sort()).toEqual([
      "ann",
      "ben",
      "cat",
      "dan",
      "eve",
    ]);
    const [ann, ben] = people;
    if (!ann || !ben) throw new Error("five joined");
    const first = await post(ben.client, "from a shard");
    const second = await post(ann.client, "from the room");
    for (const p of people) {
      await vi.waitFor(() => expect(texts(p.client)).toEqual([first.text, second.text]));
    }
  });

  it("gives a freed place on a shard to the next connection", async () => {
    const room = freshRoom();
    const ann = await join(room, "ann");
    const ben = await join(room, "ben");
    const cat = await join(room, "cat");
    expect(await shardStub(`${room}#0`).live()).toHaveLength(2);
    ben.client.close();
    await ann.client.next("away");
    const dan = await join(room, "dan");
    expect(await shardStub(`${room}#0`).live()).toHaveLength(2);
    expect(await shardStub(`${room}#1`).live()).toHaveLength(0);
    await post(dan.client, "hello");
    expect((await cat.client.next("message")).text).toBe("hello");
  });
});
