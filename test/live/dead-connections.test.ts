// A connection the server has closed, or let go of, is dead: a client that
// ignores the close frame and keeps sending has nothing stored, relayed or
// answered, whether the room stayed awake or woke from hibernation, and its
// socket still counts toward MAX_CONN_PER_IP until the close completes. And
// every close the server starts completes its handshake: a client that
// answers the close frame sees the server end the TCP connection.
//
// Against a real `wrangler dev`, with a raw client (test/lib/raw-ws.ts),
// since a well-behaved one stops sending at the close frame. Every client
// here comes from 127.0.0.1: one address.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MessageFrame, ServerFrame, WelcomeFrame } from "../../protocol";
import { openClient } from "../lib/client";
import { openRaw, type RawClient, upgradeStatus } from "../lib/raw-ws";
import { newMessageId } from "../lib/resilient";
import { type DevServer, roomStarts, startDevServer } from "../lib/wrangler";

const CAP = 3;
let server: DevServer;

beforeAll(async () => {
  server = await startDevServer({
    vars: { MAX_CONN_PER_IP: CAP, JOIN_TIMEOUT_MS: 1500, MAX_FRAME: 1024 },
  });
});
afterAll(async () => {
  await server?.dispose();
});

const parsed = (c: RawClient) => c.texts.map((t) => JSON.parse(t) as ServerFrame);
const welcomeOf = async (c: RawClient) => {
  await c.until("a welcome", () => parsed(c).some((f) => f.type === "welcome"));
  return parsed(c).find((f) => f.type === "welcome") as WelcomeFrame;
};

async function seqOf(room: string): Promise<number> {
  const res = await fetch(`${server.url}/api/rooms/${room}`);
  return ((await res.json()) as { seq: number }).seq;
}

/** A raw client that ignores close frames, joined to `room` as `name`. */
async function hostile(room: string, name: string): Promise<RawClient> {
  const c = await openRaw(server.wsUrl(room), { replyToClose: false });
  c.send({ type: "join", name });
  await welcomeOf(c);
  return c;
}

/**
 * After the server's close frame, the client goes on: a send, a typing
 * notice and a fresh join. Nothing may be stored, relayed or answered. A
 * message posted afterwards by a live client, and seen by the observer,
 * proves that what the dead socket sent before it really went nowhere.
 */
async function provesDead(
  room: string,
  dead: RawClient,
  observer: Awaited<ReturnType<typeof openClient>>,
) {
  const answered = dead.texts.length;
  const seq = await seqOf(room);
  dead.send({ type: "send", id: newMessageId(), text: "posted after the close" });
  dead.send({ type: "typing" });
  dead.send({ type: "join", name: "zombie" });
  dead.send({ type: "send", id: newMessageId(), text: "and again" });
  const marker = newMessageId();
  observer.send({ type: "send", id: marker, text: "marker" });
  await observer.next("message", (m) => m.id === marker);
  expect(await seqOf(room)).toBe(seq + 1);
  const seen = observer.frames.filter((f) => f.type === "message") as MessageFrame[];
  expect(seen.map((m) => m.text)).not.toContain("posted after the close");
  expect(observer.frames.filter((f) => f.type === "typing")).toEqual([]);
  expect(observer.frames.some((f) => f.type === "joined" && f.user.name === "zombie")).toBe(false);
  expect(dead.texts.length).toBe(answered);
}

async function observe(room: string) {
  const o = await openClient(server.wsUrl(room));
  o.send({ type: "join", name: "observer" });
  await o.next("welcome");
  return o;
}

describe("a connection the server let go of is dead", () => {
  it("after leave", async () => {
    const room = "dead-leave";
    const observer = await observe(room);
    const c = await hostile(room, "leaver");
    c.send({ type: "leave" });
    await c.until("the close frame", () => c.closeFrame !== undefined);
    expect(c.closeFrame?.code).toBe(1000);
    await provesDead(room, c, observer);
    c.destroy();
    observer.close();
  });

  it("after a takeover (4000)", async () => {
    const room = "dead-takeover";
    const observer = await observe(room);
    const c = await hostile(room, "twin");
    const token = (await welcomeOf(c)).token;
    const again = await openClient(server.wsUrl(room));
    again.send({ type: "join", name: "twin", token });
    await again.next("welcome");
    await c.until("the close frame", () => c.closeFrame !== undefined);
    expect(c.closeFrame?.code).toBe(4000);
    await provesDead(room, c, observer);
    c.destroy();
    again.close();
    observer.close();
  });

  it("after 1009 and after 1008", async () => {
    const room = "dead-abuse";
    const observer = await observe(room);
    const big = await hostile(room, "big");
    big.send({ type: "send", id: newMessageId(), text: "x".repeat(2000) });
    await big.until("the close frame", () => big.closeFrame !== undefined);
    expect(big.closeFrame?.code).toBe(1009);
    await provesDead(room, big, observer);
    big.destroy();

    const noisy = await hostile(room, "noisy");
    for (let i = 0; i < 51; i++) noisy.send("not json");
    await noisy.until("the close frame", () => noisy.closeFrame !== undefined);
    expect(noisy.closeFrame?.code).toBe(1008);
    await provesDead(room, noisy, observer);
    noisy.destroy();
    observer.close();
  });

  it("after the join timeout (4001)", async () => {
    const room = "dead-timeout";
    const observer = await observe(room);
    const c = await openRaw(server.wsUrl(room), { replyToClose: false });
    await c.until("the close frame", () => c.closeFrame !== undefined, 20_000);
    expect(c.closeFrame?.code).toBe(4001);
    await provesDead(room, c, observer);
    c.destroy();
    observer.close();
  });

  it("still counts toward MAX_CONN_PER_IP until its close completes", async () => {
    const room = "dead-cap";
    const dead: RawClient[] = [];
    for (let i = 0; i < CAP; i++) {
      const c = await hostile(room, `ghost${i}`);
      c.send({ type: "leave" });
      await c.until("the close frame", () => c.closeFrame !== undefined);
      dead.push(c);
    }
    // Three dead sockets, still open: the address has no room for a fourth.
    expect(await upgradeStatus(server.wsUrl(room))).toBe(429);
    // Completing one handshake frees one place.
    dead[0]?.close(1000);
    await dead[0]?.until("the server to end the connection", () => dead[0]?.ended === true);
    const next = await openRaw(server.wsUrl(room));
    next.destroy();
    for (const c of dead) c.destroy();
  });

  it("also after the room wakes from hibernation", async () => {
    const room = "dead-sleep";
    const observer = await observe(room);
    const c = await hostile(room, "sleeper");
    c.send({ type: "leave" });
    await c.until("the close frame", () => c.closeFrame !== undefined);
    // Idle long enough for the object to be dropped (about 10 s under wrangler dev).
    const before = roomStarts(server.output(), room).length;
    await new Promise((r) => setTimeout(r, 15_000));
    await provesDead(room, c, observer);
    // The frames above woke a rebuilt object: what it ignored, it ignored after a wake.
    expect(roomStarts(server.output(), room).length).toBeGreaterThan(before);
    c.destroy();
    observer.close();
  }, 60_000);
});

describe("every close the server starts completes its handshake", () => {
  for (const [code, setUp] of [
    [1000, (c: RawClient) => c.send({ type: "leave" })],
    [
      1008,
      (c: RawClient) => {
        for (let i = 0; i < 51; i++) c.send("not json");
      },
    ],
    [1009, (c: RawClient) => c.send({ type: "send", id: newMessageId(), text: "y".repeat(2000) })],
  ] as const) {
    it(`${code}: the server ends the TCP connection once the client answers`, async () => {
      const room = `handshake-${code}`;
      const c = await openRaw(server.wsUrl(room));
      c.send({ type: "join", name: "polite" });
      await welcomeOf(c);
      setUp(c);
      await c.until("the close frame", () => c.closeFrame !== undefined);
      expect(c.closeFrame?.code).toBe(code);
      await c.until("the server to end the connection", () => c.ended, 10_000);
    });
  }

  it("4001: the server ends the TCP connection once the client answers", async () => {
    // A client that has sent anything (here the keep-alive every client
    // sends) is let go of at once.
    const c = await openRaw(server.wsUrl("handshake-4001"));
    c.send("ping");
    await c.until("the close frame", () => c.closeFrame !== undefined, 20_000);
    expect(c.closeFrame?.code).toBe(4001);
    await c.until("the server to end the connection", () => c.ended, 10_000);
  });

  it("4001 to a client that never sent a frame: ended when the idle room is evicted", async () => {
    // Measured on the pinned workerd: such a socket's TCP connection stays
    // open after the closing handshake until the room object is dropped
    // (about 10 s idle), whatever the room does (docs/reliability.md).
    const c = await openRaw(server.wsUrl("handshake-4001-silent"));
    await c.until("the close frame", () => c.closeFrame !== undefined, 20_000);
    expect(c.closeFrame?.code).toBe(4001);
    await c.until("the runtime to end the connection", () => c.ended, 30_000);
  }, 60_000);

  it("4000: the server ends the TCP connection once the client answers", async () => {
    const room = "handshake-4000";
    const c = await openRaw(server.wsUrl(room));
    c.send({ type: "join", name: "first" });
    const { token } = await welcomeOf(c);
    const again = await openClient(server.wsUrl(room));
    again.send({ type: "join", name: "first", token });
    await again.next("welcome");
    await c.until("the close frame", () => c.closeFrame !== undefined);
    expect(c.closeFrame?.code).toBe(4000);
    await c.until("the server to end the connection", () => c.ended, 10_000);
    again.close();
  });
});
