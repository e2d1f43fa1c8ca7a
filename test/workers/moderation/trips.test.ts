// (v2) Trip codes: a `join.name` of the form `name#secret` joins as `name`
// with a `trip` of 10 base64url characters (the one `tripOf` computes from
// the secret), shown to everyone; the same secret gives the same trip in
// two rooms, different secrets differ, a name without `#` has no trip, and a
// resumed session keeps its trip. The name rules and uniqueness apply to the
// part before `#`. A secret of 65 code points, or an empty one, is
// `name_invalid` (64 is fine) and the connection stays open. The secret
// never appears in any frame anyone receives (every frame's JSON text is
// scanned, as it arrived), in any HTTP answer about the room, in the room's
// log lines, nor in the room's storage.
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { WelcomeFrame } from "../../../protocol";
import type { Env } from "../../../worker/config";
import { tripOf } from "../../../worker/limiter";
import {
  type Client,
  type ConnectOptions,
  connect,
  freshRoom,
  getJson,
  postReply,
  unbatch,
} from "../helpers";
import { enter, joinFrame, storageText } from "./support";

afterEach(() => {
  vi.restoreAllMocks();
});

const TRIP = /^[A-Za-z0-9_-]{10}$/;

/** Every text frame a client receives, as it arrived. */
const raw = new Map<Client, string[]>();

/** Connects (batches unfolded), keeping the raw text of every frame. */
async function connectRaw(room: string, options: ConnectOptions = {}): Promise<Client> {
  const client = unbatch(await connect(room, options));
  const texts: string[] = [];
  raw.set(client, texts);
  client.ws.addEventListener("message", (e) => {
    if (typeof e.data === "string") texts.push(e.data);
  });
  return client;
}

/** Joins like `enter`, keeping the raw text of every frame. */
async function enterRaw(
  room: string,
  name: string,
  options: ConnectOptions & { token?: string; since?: number } = {},
): Promise<{ client: Client; welcome: WelcomeFrame }> {
  const client = await connectRaw(room, options);
  client.send(joinFrame(name, options));
  return { client, welcome: await client.next("welcome") };
}

const secretOf = () => `s3cret-${crypto.randomUUID()}`;

describe("trip codes", () => {
  it("name#secret joins as name with a 10-character trip, seen by all", async () => {
    const room = freshRoom("trip");
    const secret = secretOf();
    const alice = await enter(room, "alice");
    const bob = await enter(room, `bob#${secret}`);
    expect(bob.welcome.you.name).toBe("bob");
    expect(bob.welcome.you.trip).toMatch(TRIP);
    expect(bob.welcome.you.trip).toBe(await tripOf(env as unknown as Env, secret));
    const joined = await alice.client.next("joined");
    expect(joined.user).toMatchObject({ name: "bob", trip: bob.welcome.you.trip });
    // A name without # has no trip.
    expect(alice.welcome.you.trip).toBeUndefined();
    expect(bob.welcome.users.find((u) => u.name === "alice")?.trip).toBeUndefined();
  });

  it("the split is at the first #: a#b#c is a with the secret b#c", async () => {
    const room = freshRoom("trip");
    const a = await enter(room, "a#b#c");
    expect(a.welcome.you.name).toBe("a");
    expect(a.welcome.you.trip).toBe(await tripOf(env as unknown as Env, "b#c"));
  });

  it("the same secret gives the same trip in two rooms; different secrets differ", async () => {
    const secret = secretOf();
    const one = await enter(freshRoom("trip"), `carol#${secret}`);
    const two = await enter(freshRoom("trip"), `caroline#${secret}`);
    expect(two.welcome.you.trip).toBe(one.welcome.you.trip);
    const other = await enter(freshRoom("trip"), `carol#${secret}x`);
    expect(other.welcome.you.trip).toMatch(TRIP);
    expect(other.welcome.you.trip).not.toBe(one.welcome.you.trip);
  });

  it("uniqueness uses the part before #", async () => {
    const room = freshRoom("trip");
    await enter(room, "dave#one");
    for (const name of ["dave#two", "dave", "DAVE#one", "Dave"]) {
      const c = await connect(room);
      c.send(joinFrame(name));
      expect((await c.next("error")).code, name).toBe("name_taken");
      c.close();
    }
    const free = await enter(room, "eve#one");
    expect(free.welcome.you.name).toBe("eve");
  });

  it("the name rules apply to the part before #", async () => {
    const room = freshRoom("trip");
    for (const name of ["#secret", "   #secret", `${"x".repeat(33)}#secret`]) {
      const c = await connect(room);
      c.send(joinFrame(name));
      expect((await c.next("error")).code, name).toBe("name_invalid");
      c.close();
    }
  });

  it("a secret of 65 code points or an empty one is name_invalid; 64 is fine", async () => {
    const room = freshRoom("trip");
    const c = unbatch(await connect(room));
    for (const name of ["frank#", `frank#${"𝒜".repeat(65)}`, `frank#${"a".repeat(65)}`]) {
      c.send(joinFrame(name));
      expect((await c.next("error")).code, name.slice(0, 12)).toBe("name_invalid");
      expect(c.ws.readyState).toBe(WebSocket.OPEN);
    }
    c.send(joinFrame(`frank#${"𝒜".repeat(64)}`));
    const welcome = await c.next("welcome");
    expect(welcome.you).toMatchObject({ name: "frank" });
    expect(welcome.you.trip).toMatch(TRIP);
  });

  it("a resumed session keeps its trip (the name field is ignored)", async () => {
    const room = freshRoom("trip");
    const alice = await enter(room, "alice");
    const g = await enter(room, `gina#${secretOf()}`);
    await alice.client.next("joined");
    g.client.close();
    await alice.client.next("away");
    const again = await enter(room, "gina", { token: g.welcome.token });
    expect(again.welcome.you).toMatchObject({ id: g.welcome.you.id, trip: g.welcome.you.trip });
    expect((await alice.client.next("back")).user.trip).toBe(g.welcome.you.trip);
  });

  it("the secret never appears in any frame anyone receives, nor in any HTTP answer or log", async () => {
    const lines: string[] = [];
    for (const level of ["log", "info", "warn", "error"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        lines.push(args.map(String).join(" "));
      });
    }
    const room = freshRoom("trip");
    const secret = secretOf();
    const watcher = await enterRaw(room, "watcher");
    const h = await enterRaw(room, `hank#${secret}`);
    // Everything a session shows: its join, a message, a reaction, typing,
    // a refused second join with the secret, a resume with it, its leave.
    const m = await postReply(h.client, "hello");
    h.client.send({ type: "react", seq: m.seq, emoji: "👋", on: true });
    await h.client.next("update");
    h.client.send({ type: "typing" });
    await watcher.client.next("typing");
    h.client.send(joinFrame(`hank#${secret}`));
    await h.client.next("error");
    const taken = await connectRaw(room);
    taken.send(joinFrame(`hank#${secret}`));
    expect((await taken.next("error")).code).toBe("name_taken");
    h.client.close();
    await watcher.client.next("away");
    const resumed = await enterRaw(room, `hank#${secret}`, { token: h.welcome.token });
    expect(resumed.welcome.you.id).toBe(h.welcome.you.id);
    await enterRaw(room, "late", { since: 0 });
    resumed.client.send({ type: "leave" });
    await watcher.client.next("left");
    await new Promise((r) => setTimeout(r, 100));

    const all = [...raw.values()].flat();
    expect(all.length).toBeGreaterThan(10);
    for (const text of all) expect(text).not.toContain(secret);

    // The room logged this story (the control), and no line holds the secret.
    expect(lines.some((l) => l.includes('"joined"'))).toBe(true);
    for (const line of lines) expect(line).not.toContain(secret);

    const enc = encodeURIComponent(room);
    for (const path of [
      `/api/rooms/${enc}`,
      `/api/rooms/${enc}/messages`,
      `/api/rooms/${enc}/messages/${m.seq}`,
      `/r/${enc}`,
    ]) {
      const res = await getJson(path);
      expect(res.status, path).toBe(200);
      const text = typeof res.body === "string" ? res.body : JSON.stringify(res.body);
      expect(text, path).not.toContain(secret);
    }
    // Nor is it stored: no row or entry of the room's storage holds it.
    expect(await storageText(room)).not.toContain(secret);
    expect(await storageText(room)).toContain("watcher");
  });
});
