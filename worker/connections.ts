// A room's live connections: what each one carries across hibernation (its
// attachment, through a codec that keeps short keys in storage and readable
// names in the code), the registry of sockets and the count per address,
// sending (with batches, below), closing and letting go, and the error count
// of the 1008 rule. It owns no table: everything here lives in the runtime's
// sockets and is rebuilt from them when the object wakes.
//
// Batches (issue 17): sending a WebSocket frame costs the runtime about as
// much per frame whatever its size, so a busy room sends fewer, larger ones.
// A frame goes out at once when no batching window is open, and opens one
// (BATCH_MS); what comes for a v2 connection while it is open waits, and at
// its end each connection gets what waited for it as one `batch` frame (or
// the frame alone when only one waited), and the window opens again if some
// connection got several frames in one, so that a busy room stays batched,
// while a room that sends about one frame a window, or is idle, adds no
// latency. Every frame is serialised once; a batch is the
// concatenation of its frames' texts, made once for all the connections that
// get the same frames. v1 connections, connections that have not joined, and
// every `welcome` are never batched (the protocol's rule), and a connection
// that is closed gets what waited for it first, so order holds everywhere.
import { ERROR_WINDOW_MS, MAX_ERRORS, type ServerFrame } from "../protocol";
import type { Bucket } from "./ratelimit";

/**
 * What the room does with a socket: a WebSocket it accepted, or one that a
 * fan-out shard holds for it (worker/fanout.ts `RemoteSocket`), which
 * carries its frames and its attachment over RPC and SQLite.
 */
export type Socket = Pick<
  WebSocket,
  "send" | "close" | "serializeAttachment" | "deserializeAttachment"
>;

/** What the code knows of a connection. */
export interface Connection {
  /** Connection id, random. */
  id: string;
  /** The room's keyed hash of the address (32 hex): the per-address cap counts it. */
  addrKey: string;
  /** The deployment's keyed hash of the address (64 hex): its limiter's name. */
  limiter: string;
  /** The user-visible tag: the first 8 hex of `addrKey`. */
  tag: string;
  /** Coarse place, when the platform knows it. */
  place?: string;
  /** Opened at, ms: the join timeout runs from here. */
  openedAt: number;
  /** The session's user id and name, once joined. */
  userId?: string;
  name?: string;
  /** The session's rate bucket. */
  rate?: Bucket;
  /** Errors sent: the window's start and the count in it. */
  errors?: { since: number; count: number };
  /** Last typing notice relayed, ms. */
  typedAt?: number;
  /** The protocol version its join spoke (`join.v`, 1 when absent): 2 and up may get batches. */
  v?: number;
  /**
   * Answers to repeated ids: a bucket. It is the session's: it moves with a
   * takeover and is kept while the session is away, so that reconnecting
   * does not refill it.
   */
  dups?: Bucket;
  /**
   * Dead: the server closed this connection or stopped treating it as its
   * session's (leave, takeover, 1008, 1009, 4001). It still counts toward
   * the per-address cap until its close completes, and whatever still
   * arrives on it is ignored, also after a wake from hibernation.
   */
  dead?: true;
}

/**
 * The attachment as stored. Short keys keep it far below the 2 KiB limit
 * (about 200 bytes with a long place name), and sockets of an older deploy
 * carry exactly this shape, so the keys never change.
 */
interface Stored {
  c: string;
  a: string;
  l: string;
  t: string;
  f?: string;
  o: number;
  u?: string;
  n?: string;
  /** Rate bucket: tokens, at. */
  b?: [number, number];
  /** Errors: window start, count. */
  e?: [number, number];
  y?: number;
  /** Repeated-id bucket: tokens, at. */
  r?: [number, number];
  d?: 1;
  /** join.v, when 2 or more. */
  v?: number;
}

const pair = (b: Bucket): [number, number] => [b.tokens, b.at];
const bucket = (p: [number, number]): Bucket => ({ tokens: p[0], at: p[1] });

export function encode(conn: Connection): Stored {
  const s: Stored = { c: conn.id, a: conn.addrKey, l: conn.limiter, t: conn.tag, o: conn.openedAt };
  if (conn.place !== undefined) s.f = conn.place;
  if (conn.userId !== undefined) s.u = conn.userId;
  if (conn.name !== undefined) s.n = conn.name;
  if (conn.rate) s.b = pair(conn.rate);
  if (conn.errors) s.e = [conn.errors.since, conn.errors.count];
  if (conn.typedAt !== undefined) s.y = conn.typedAt;
  if (conn.dups) s.r = pair(conn.dups);
  if (conn.dead) s.d = 1;
  if (conn.v !== undefined && conn.v >= 2) s.v = conn.v;
  return s;
}

export function decode(s: Stored): Connection {
  const conn: Connection = { id: s.c, addrKey: s.a, limiter: s.l, tag: s.t, openedAt: s.o };
  if (s.f !== undefined) conn.place = s.f;
  if (s.u !== undefined) conn.userId = s.u;
  if (s.n !== undefined) conn.name = s.n;
  if (s.b) conn.rate = bucket(s.b);
  if (s.e) conn.errors = { since: s.e[0], count: s.e[1] };
  if (s.y !== undefined) conn.typedAt = s.y;
  if (s.r) conn.dups = bucket(s.r);
  if (s.d) conn.dead = true;
  if (s.v !== undefined) conn.v = s.v;
  return conn;
}

/** A socket with no attachment is no connection of ours: it is dead. */
const NOBODY: Stored = { c: "", a: "", l: "", t: "", o: 0, d: 1 };

/** A frame waiting for the window's end: its text, and whom it is for. */
interface Waiting {
  text: string;
  /** One connection only (an answer), or everyone joined but `except` (a broadcast). */
  only?: Socket;
  except?: Socket;
}

/** A v2 connection that has joined: what may wait for a batch. */
const batches = (conn: Connection): boolean =>
  conn.userId !== undefined && !conn.dead && (conn.v ?? 1) >= 2;

export class Connections {
  /** Live sockets and their attachments, rebuilt from the runtime after a wake. */
  private readonly conns = new Map<Socket, Connection>();
  /** How many of `conns` each address key has: MAX_CONN_PER_IP without listing sockets. */
  private readonly perAddress = new Map<string, number>();

  /** What waits for the window's end, oldest first. */
  private waiting: Waiting[] = [];
  /** The batching window is open until then (ms, the runtime's clock); 0 when closed. */
  private windowUntil = 0;
  /**
   * The flush at the window's end, set only once something waits: a window
   * that nothing falls into costs no timer. (Measured at A, 100 messages/s,
   * batched CPU per delivery against unbatched: 1.21× with a timer per
   * window, 1.09× and 1.22× in two runs without: within the noise, so this
   * is less work, not a measured gain.)
   */
  private timer: ReturnType<typeof setTimeout> | null = null;
  /**
   * For a connection that started to take batches while the window was
   * open (its welcome went out then): the first index of `waiting` meant
   * for it, so that what was broadcast before its welcome never reaches it.
   */
  private readonly from = new Map<Socket, number>();

  constructor(
    private readonly ctx: DurableObjectState,
    /** BATCH_MS: 0 sends every frame at once. */
    private readonly batchMs = 0,
    /** The sockets the room's shards hold for it, from its storage. */
    remote: Iterable<Socket> = [],
  ) {
    for (const ws of [...ctx.getWebSockets(), ...remote]) {
      const stored = ws.deserializeAttachment() as Stored | null;
      if (stored) this.track(ws, decode(stored));
    }
  }

  get size(): number {
    return this.conns.size;
  }

  /** Every tracked socket, dead ones included until their close completes. */
  entries(): IterableIterator<[Socket, Connection]> {
    return this.conns.entries();
  }

  /** How many sockets of an address are tracked, dead or not. */
  countOf(addrKey: string): number {
    return this.perAddress.get(addrKey) ?? 0;
  }

  /** Accepts a new socket for hibernation and tracks it. */
  accept(ws: WebSocket, conn: Connection): void {
    this.ctx.acceptWebSocket(ws);
    this.adopt(ws, conn);
  }

  /** Tracks a socket that is not the runtime's to hibernate: one a shard holds. */
  adopt(ws: Socket, conn: Connection): void {
    this.save(ws, conn);
    this.track(ws, conn);
  }

  /** Writes the connection into its socket's attachment. */
  save(ws: Socket, conn: Connection): void {
    ws.serializeAttachment(encode(conn));
  }

  of(ws: Socket): Connection {
    // A socket that closed before this instance listed it still carries its
    // attachment; one without any is no connection of ours, so it is dead.
    return this.conns.get(ws) ?? decode((ws.deserializeAttachment() as Stored | null) ?? NOBODY);
  }

  /** The live connections of a connection id (a session's), but `except`. */
  *withId(id: string, except?: Socket): Generator<[Socket, Connection]> {
    for (const [ws, conn] of this.conns) {
      if (conn.id === id && ws !== except && !conn.dead) yield [ws, conn];
    }
  }

  /** The ids of the connections that hold a session now. */
  joinedIds(): Set<string> {
    const ids = new Set<string>();
    for (const conn of this.conns.values()) if (conn.userId !== undefined) ids.add(conn.id);
    return ids;
  }

  /** The earliest join timeout of a live connection that has not joined, if any. */
  nextJoinTimeout(timeoutMs: number): number | null {
    let next: number | null = null;
    for (const conn of this.conns.values()) {
      if (conn.userId === undefined && !conn.dead) {
        const at = conn.openedAt + timeoutMs;
        if (next === null || at < next) next = at;
      }
    }
    return next;
  }

  private track(ws: Socket, conn: Connection): void {
    this.conns.set(ws, conn);
    this.perAddress.set(conn.addrKey, this.countOf(conn.addrKey) + 1);
  }

  /**
   * Forgets a socket once its close has completed (idempotent: a socket is
   * untracked at most once). Until then it counts toward the address's cap,
   * dead or not.
   */
  untrack(ws: Socket): void {
    const conn = this.conns.get(ws);
    if (!conn) return;
    this.conns.delete(ws);
    const left = (this.perAddress.get(conn.addrKey) ?? 1) - 1;
    if (left > 0) this.perAddress.set(conn.addrKey, left);
    else this.perAddress.delete(conn.addrKey);
  }

  /** Sends one frame to one connection (a `welcome` always at once, never in a batch). */
  sendTo(ws: Socket, frame: ServerFrame): void {
    const text = JSON.stringify(frame);
    const conn = this.conns.get(ws);
    if (frame.type === "welcome") {
      // Nothing waits for a connection that has just joined; from here on it may.
      sendText(ws, text);
      if (this.windowOpen) this.from.set(ws, this.waiting.length);
      return;
    }
    if (this.windowOpen && conn && batches(conn)) this.wait({ text, only: ws });
    else {
      sendText(ws, text);
      this.opened();
    }
  }

  /** Sends one frame, serialised once, to every joined connection but `except`. */
  broadcast(frame: ServerFrame, except?: Socket): void {
    const text = JSON.stringify(frame);
    const open = this.windowOpen;
    for (const [ws, conn] of this.conns) {
      if (conn.userId === undefined || ws === except) continue;
      // In a window, the v2 connections get it with the batch at its end.
      if (!open || !batches(conn)) sendText(ws, text);
    }
    if (open) this.wait(except ? { text, except } : { text });
    else this.opened();
  }

  /**
   * Whether what comes now for a v2 connection waits. Anything waiting
   * keeps the window open until its flush, whatever the clock says, so that
   * nothing overtakes it.
   */
  private get windowOpen(): boolean {
    return this.waiting.length > 0 || Date.now() < this.windowUntil;
  }

  /** A frame waits for the window's end; the first one sets the flush. */
  private wait(w: Waiting): void {
    this.waiting.push(w);
    if (this.timer !== null) return;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.flush();
      },
      Math.max(0, this.windowUntil - Date.now()),
    );
  }

  /** Something went out at once: what comes next waits for a window's end. */
  private opened(): void {
    if (this.batchMs <= 0 || this.windowOpen) return;
    this.windowUntil = Date.now() + this.batchMs;
  }

  /**
   * Sends what waited: each connection's frames as one `batch` (a frame
   * alone as itself), the text made once per distinct list of frames. Runs
   * at the window's end, and before a connection is closed.
   */
  flush(): void {
    this.windowUntil = 0;
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const waiting = this.waiting;
    const from = new Map(this.from);
    this.waiting = [];
    this.from.clear();
    if (waiting.length === 0) return;
    const texts = new Map<string, string>();
    let coalesced = false;
    for (const [ws, conn] of this.conns) {
      if (!batches(conn)) continue;
      const mine: number[] = [];
      for (let i = from.get(ws) ?? 0; i < waiting.length; i++) {
        const w = waiting[i] as Waiting;
        if (w.only ? w.only === ws : w.except !== ws) mine.push(i);
      }
      if (mine.length === 0) continue;
      if (mine.length === 1) {
        sendText(ws, (waiting[mine[0] as number] as Waiting).text);
        continue;
      }
      coalesced = true;
      const key = mine.join(",");
      let text = texts.get(key);
      if (text === undefined) {
        text = `{"type":"batch","frames":[${mine.map((i) => (waiting[i] as Waiting).text).join(",")}]}`;
        texts.set(key, text);
      }
      sendText(ws, text);
    }
    // The window paid for itself (some connection got several frames in
    // one): the load is steady, the next frames wait for another window.
    // A window that caught one frame at most saved nothing and only delayed
    // it: the next frame goes out at once (and opens a window again). At
    // 100 messages/s with a 10 ms window, reopening after every flush kept
    // a window open all the time, and every delivery waited for one: A's
    // p50 was 7.5 ms against 1.5 ms unbatched (bench/stalls.mjs, 2026-12-05).
    if (coalesced) this.opened();
  }

  closeQuietly(ws: Socket, code: number, reason: string): void {
    // What waited for it goes first: an error before a 1008, a frame before a takeover.
    if (this.waiting.length > 0) this.flush();
    try {
      ws.close(code, reason);
    } catch {
      // already closed or closing
    }
  }

  /**
   * The server lets go of a connection and closes it. The attachment says
   * so too, so that frames that still arrive, before or after a wake from
   * hibernation, are ignored. It stays tracked (and counted toward
   * MAX_CONN_PER_IP) until its close completes.
   */
  retire(ws: Socket, conn: Connection, code: number, reason: string): void {
    // What waited for it goes first, while it is still a member.
    if (this.waiting.length > 0) this.flush();
    conn.userId = undefined;
    conn.name = undefined;
    conn.dead = true;
    try {
      this.save(ws, conn);
    } catch {
      // already closed: nothing more can arrive on it
    }
    this.closeQuietly(ws, code, reason);
  }

  /**
   * Counts an error sent to a connection (every error counts, whatever its
   * code) and saves the count; true when it is past MAX_ERRORS within the
   * window, and the connection is to be closed with 1008.
   */
  countError(ws: Socket, conn: Connection, now: number): boolean {
    const e = conn.errors;
    const [since, count] = e && now - e.since < ERROR_WINDOW_MS ? [e.since, e.count] : [now, 0];
    conn.errors = { since, count: count + 1 };
    this.save(ws, conn);
    return count + 1 > MAX_ERRORS;
  }
}

/** Sends a text frame, ignoring a socket that is closing (its close handler will run). */
function sendText(ws: Socket, text: string): void {
  try {
    ws.send(text);
  } catch {
    // The socket is closing.
  }
}
