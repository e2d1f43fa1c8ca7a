// A user's IP address is never sent to anyone: not in any frame (welcome,
// joined, message) nor in the HTTP answers about the room. What others see is
// `tag`, 8 hex characters, equal for two sessions from one address and
// different for another address.
import { describe, expect, it } from "vitest";
import type { ServerFrame, User } from "../../../protocol";
import { freshRoom, getJson, join, post } from "../helpers";

const ADDR = "198.51.100.23";
const OTHER = "198.51.100.24";

describe("no address leak", () => {
  it("the address appears in no frame and no HTTP answer; tags follow the address", async () => {
    const room = freshRoom();
    const a = await join(room, "alice", { ip: ADDR });
    const b = await join(room, "bob", { ip: ADDR });
    const c = await join(room, "carol", { ip: OTHER });
    await a.client.next("joined");
    await a.client.next("joined");
    await b.client.next("joined");
    await post(a.client, "hello");
    await post(b.client, "hi");
    await post(c.client, "hey");
    // Everyone has seen every message before the frames are checked.
    for (const x of [a, b, c]) {
      const seen = new Set<number>();
      for (const f of x.client.frames)
        if (typeof f !== "string" && f.type === "message") seen.add(f.seq);
      while (seen.size < 3) seen.add((await x.client.next("message")).seq);
    }

    const frames: (ServerFrame | string)[] = [a, b, c].flatMap((x) => x.client.frames);
    const types = new Set(frames.map((f) => (typeof f === "string" ? f : f.type)));
    expect(types).toEqual(new Set(["welcome", "joined", "message"]));
    for (const f of frames) {
      const text = typeof f === "string" ? f : JSON.stringify(f);
      expect(text).not.toContain(ADDR);
      expect(text).not.toContain(OTHER);
    }

    for (const path of [`/api/rooms/${room}`, `/api/rooms/${room}/messages`]) {
      const res = await getJson(path);
      expect(res.status).toBe(200);
      const text = JSON.stringify(res.body);
      expect(text).not.toContain(ADDR);
      expect(text).not.toContain(OTHER);
    }

    const users = c.welcome.users;
    const byName = (name: string) => users.find((u) => u.name === name) as User;
    for (const u of users) {
      expect(u.tag).toMatch(/^[0-9a-f]{8}$/);
      expect(u.id).not.toContain(ADDR);
    }
    expect(byName("alice").tag).toBe(byName("bob").tag);
    expect(byName("carol").tag).not.toBe(byName("alice").tag);
    expect(a.welcome.you.tag).toBe(b.welcome.you.tag);
    expect(c.welcome.you.tag).not.toBe(a.welcome.you.tag);

    for (const x of [a, b, c]) x.client.close();
    // Let the room process the closes before the file ends.
    for (let i = 0; i < 100; i++) {
      const info = await getJson<{ online: number }>(`/api/rooms/${room}`);
      if (info.body.online === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  });
});
