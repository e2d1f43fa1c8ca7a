// A user's `tag` is 8 hex characters derived from the connecting address:
// equal for two sessions from one address, different for another address;
// the address itself appears in no frame, and `from` is absent or a string.
import { describe, expect, it } from "vitest";
import type { User } from "../../../protocol";
import { type Client, freshRoom, getJson, join, post } from "../helpers";

const IP_A = "198.51.100.77";
const IP_B = "2001:db8::4242";

describe("tag and place", () => {
  it("gives one tag per address, 8 hex characters", async () => {
    const room = freshRoom();
    const a1 = await join(room, "alice", { ip: IP_A });
    const a2 = await join(room, "alex", { ip: IP_A });
    const b = await join(room, "bob", { ip: IP_B });
    for (const w of [a1.welcome, a2.welcome, b.welcome]) {
      expect(w.you.tag).toMatch(/^[0-9a-f]{8}$/);
    }
    expect(a2.welcome.you.tag).toBe(a1.welcome.you.tag);
    expect(b.welcome.you.tag).not.toBe(a1.welcome.you.tag);

    // Others see the same tags.
    const seen = new Map(b.welcome.users.map((u) => [u.id, u.tag]));
    expect(seen.get(a1.welcome.you.id)).toBe(a1.welcome.you.tag);
    expect(seen.get(a2.welcome.you.id)).toBe(a1.welcome.you.tag);
    const joined = (await a1.client.next("joined")).user;
    expect(joined.tag).toBe(a1.welcome.you.tag);
  });

  it("never sends the address, and `from` is absent or a string", async () => {
    const room = freshRoom();
    const a = await join(room, "alice", { ip: IP_A });
    const b = await join(room, "bob", { ip: IP_B });
    await post(a.client, "hello");
    b.client.send({ type: "typing" });
    await a.client.next("typing");
    b.client.close();
    await a.client.next("away");
    const b2 = await join(room, "bob", { ip: IP_B, token: b.welcome.token });
    await a.client.next("back");

    const clients: Client[] = [a.client, b.client, b2.client];
    const users: User[] = [];
    for (const c of clients) {
      for (const f of c.frames) {
        const raw = typeof f === "string" ? f : JSON.stringify(f);
        expect(raw).not.toContain(IP_A);
        expect(raw).not.toContain(IP_B);
        expect(raw).not.toContain("4242");
        if (typeof f === "string") continue;
        if (f.type === "welcome") users.push(f.you, ...f.users);
        if ("user" in f && "tag" in f.user) users.push(f.user as User);
      }
    }
    expect(users.length).toBeGreaterThan(4);
    for (const u of users) {
      expect(u.from === undefined || typeof u.from === "string").toBe(true);
      expect(u.id).not.toContain(IP_A);
    }

    const path = `/api/rooms/${encodeURIComponent(room)}`;
    for (const p of [path, `${path}/messages`]) {
      const res = await getJson(p);
      expect(JSON.stringify(res.body)).not.toContain(IP_A);
    }
  });
});
