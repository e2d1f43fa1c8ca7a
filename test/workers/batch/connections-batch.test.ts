// (v2, issue 17) The batching of worker/connections.ts, driven directly with
// real WebSocket pairs inside workerd, so that what falls inside one window
// is decided by the test and not by the machine's speed: a frame goes out at
// once when no window is open; a window stays open only while it batches;
// what comes while one is open reaches each v2 connection at its end as one
// `batch`, in order, with each broadcast's `except` and each answer's single
// addressee kept; a v1 connection, one that has not joined and every
// `welcome` get single frames; a connection that is closed gets what waited
// for it first; and every frame is serialised once, whatever the number of
// sockets.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ServerFrame } from "../../../protocol";
import { type Connection, Connections } from "../../../worker/connections";

const WINDOW_MS = 20;

/** A room's side of the sockets without a room: accept() instead of hibernation. */
const fakeCtx = () =>
  ({
    getWebSockets: () => [],
    acceptWebSocket: (ws: WebSocket) => ws.accept(),
  }) as unknown as DurableObjectState;

interface Peer {
  server: WebSocket;
  conn: Connection;
  /** Every text frame the client end received, parsed. */
  got: { type: string; frames?: { type: string; text?: string }[]; text?: string }[];
  closed: Promise<number>;
}

let n = 0;
function peer(conns: Connections, opts: { v?: number; joined?: boolean } = {}): Peer {
  const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
  client.accept();
  const got: Peer["got"] = [];
  client.addEventListener("message", (e) => got.push(JSON.parse(e.data as string)));
  const closed = new Promise<number>((resolve) =>
    client.addEventListener("close", (e) => resolve(e.code)),
  );
  n++;
  const conn: Connection = {
    id: `c${n}`,
    addrKey: "a",
    limiter: "l",
    tag: "t",
    openedAt: Date.now(),
  };
  if (opts.joined !== false) {
    conn.userId = `u${n}`;
    conn.name = `n${n}`;
  }
  if (opts.v !== undefined) conn.v = opts.v;
  conns.accept(server, conn);
  return { server, conn, got, closed };
}

const say = (text: string): ServerFrame =>
  ({ type: "error", code: "bad_frame", message: text }) as unknown as ServerFrame;
/** What a peer saw, batches shown as lists of the texts inside. */
const seen = (p: Peer) =>
  p.got.map((f) =>
    f.type === "batch"
      ? (f.frames ?? []).map((g) => (g as { message?: string }).message)
      : ((f as { message?: string }).message ?? f.type),
  );
const windowEnds = () => new Promise((r) => setTimeout(r, WINDOW_MS * 3));

afterEach(() => {
  vi.restoreAllMocks();
});

describe("batched delivery", () => {
  it("sends the first frame at once and what follows in the window as one batch", async () => {
    const conns = new Connections(fakeCtx(), WINDOW_MS);
    const a = peer(conns, { v: 2 });
    const b = peer(conns, { v: 2 });
    conns.broadcast(say("m1"));
    conns.broadcast(say("m2"));
    conns.broadcast(say("m3"));
    conns.broadcast(say("m4"));
    await windowEnds();
    expect(seen(a)).toEqual(["m1", ["m2", "m3", "m4"]]);
    expect(seen(b)).toEqual(["m1", ["m2", "m3", "m4"]]);
    // The window closed with nothing waiting: the next frame goes at once again.
    await windowEnds();
    conns.broadcast(say("m5"));
    await new Promise((r) => setTimeout(r, 0));
    expect(seen(a).at(-1)).toBe("m5");
  });

  it("closes a window that caught one frame: the next frame goes out at once", async () => {
    const conns = new Connections(fakeCtx(), WINDOW_MS);
    const a = peer(conns, { v: 2 });
    conns.broadcast(say("m1"));
    conns.broadcast(say("m2"));
    // The window's end, now rather than on the clock: m2 goes out alone.
    conns.flush();
    conns.broadcast(say("m3"));
    await new Promise((r) => setTimeout(r, 0));
    expect(seen(a)).toEqual(["m1", "m2", "m3"]);
  });

  it("keeps the window open after a batch: the next frame waits for its end", async () => {
    const conns = new Connections(fakeCtx(), WINDOW_MS);
    const a = peer(conns, { v: 2 });
    conns.broadcast(say("m1"));
    conns.broadcast(say("m2"));
    conns.broadcast(say("m3"));
    conns.flush();
    conns.broadcast(say("m4"));
    await new Promise((r) => setTimeout(r, 0));
    expect(seen(a)).toEqual(["m1", ["m2", "m3"]]);
    await windowEnds();
    expect(seen(a)).toEqual(["m1", ["m2", "m3"], "m4"]);
  });

  it("keeps a broadcast's except and an answer's addressee inside a batch, in order", async () => {
    const conns = new Connections(fakeCtx(), WINDOW_MS);
    const a = peer(conns, { v: 2 });
    const b = peer(conns, { v: 2 });
    conns.broadcast(say("open"));
    conns.broadcast(say("to all but a"), a.server);
    conns.sendTo(a.server, say("only a"));
    conns.broadcast(say("to all"));
    conns.sendTo(b.server, say("only b"));
    await windowEnds();
    expect(seen(a)).toEqual(["open", ["only a", "to all"]]);
    expect(seen(b)).toEqual(["open", ["to all but a", "to all", "only b"]]);
  });

  it("sends one frame that waited alone as itself, not as a batch of one", async () => {
    const conns = new Connections(fakeCtx(), WINDOW_MS);
    const a = peer(conns, { v: 2 });
    conns.broadcast(say("open"));
    conns.sendTo(a.server, say("alone"));
    await windowEnds();
    expect(a.got.map((f) => f.type)).toEqual(["error", "error"]);
  });

  it("never batches for a v1 connection or one that has not joined", async () => {
    const conns = new Connections(fakeCtx(), WINDOW_MS);
    const v1 = peer(conns);
    const fresh = peer(conns, { v: 2, joined: false });
    const v2 = peer(conns, { v: 2 });
    for (const t of ["m1", "m2", "m3"]) conns.broadcast(say(t));
    conns.sendTo(fresh.server, say("hello"));
    conns.sendTo(fresh.server, say("again"));
    await windowEnds();
    expect(seen(v1)).toEqual(["m1", "m2", "m3"]);
    expect(seen(fresh)).toEqual(["hello", "again"]);
    expect(seen(v2)).toEqual(["m1", ["m2", "m3"]]);
  });

  it("sends a welcome at once, and nothing broadcast before it to its connection", async () => {
    const conns = new Connections(fakeCtx(), WINDOW_MS);
    const a = peer(conns, { v: 2 });
    const late = peer(conns, { v: 2, joined: false });
    conns.broadcast(say("open"));
    conns.broadcast(say("before"));
    // It joins while the window is open: its welcome goes out now.
    late.conn.userId = "late";
    conns.sendTo(late.server, { type: "welcome" } as unknown as ServerFrame);
    expect(seen(late)).toEqual([]);
    await new Promise((r) => setTimeout(r, 0));
    expect(seen(late)).toEqual(["welcome"]);
    conns.broadcast(say("after"));
    await windowEnds();
    expect(seen(late)).toEqual(["welcome", "after"]);
    expect(seen(a)).toEqual(["open", ["before", "after"]]);
  });

  it("sends what waited for a connection before closing it", async () => {
    const conns = new Connections(fakeCtx(), WINDOW_MS);
    const a = peer(conns, { v: 2 });
    conns.broadcast(say("open"));
    conns.sendTo(a.server, say("why"));
    conns.closeQuietly(a.server, 1008, "too many errors");
    expect(await a.closed).toBe(1008);
    expect(seen(a)).toEqual(["open", "why"]);
  });

  it("serialises each frame once, whatever the number of connections", async () => {
    const conns = new Connections(fakeCtx(), WINDOW_MS);
    const peers = Array.from({ length: 20 }, () => peer(conns, { v: 2 }));
    const stringify = vi.spyOn(JSON, "stringify");
    for (const t of ["m1", "m2", "m3", "m4"]) conns.broadcast(say(t));
    await windowEnds();
    expect(stringify).toHaveBeenCalledTimes(4);
    for (const p of peers) expect(seen(p)).toEqual(["m1", ["m2", "m3", "m4"]]);
  });

  it("sends every frame at once with a window of 0", async () => {
    const conns = new Connections(fakeCtx(), 0);
    const a = peer(conns, { v: 2 });
    for (const t of ["m1", "m2", "m3"]) conns.broadcast(say(t));
    await windowEnds();
    expect(seen(a)).toEqual(["m1", "m2", "m3"]);
  });
});
