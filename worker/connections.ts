// A room's live connections: what each one carries across hibernation (its
// attachment, through a codec that keeps short keys in storage and readable
// names in the code), the registry of sockets and the count per address,
// sending, closing and letting go, and the error count of the 1008 rule.
// It owns no table: everything here lives in the runtime's sockets and is
// rebuilt from them when the object wakes.
import { ERROR_WINDOW_MS, MAX_ERRORS, type ServerFrame } from "../protocol";
import type { Bucket } from "./ratelimit";

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
  return conn;
}

/** A socket with no attachment is no connection of ours: it is dead. */
const NOBODY: Stored = { c: "", a: "", l: "", t: "", o: 0, d: 1 };

export class Connections {
  /** Live sockets and their attachments, rebuilt from the runtime after a wake. */
  private readonly conns = new Map<WebSocket, Connection>();
  /** How many of `conns` each address key has: MAX_CONN_PER_IP without listing sockets. */
  private readonly perAddress = new Map<string, number>();

  constructor(private readonly ctx: DurableObjectState) {
    for (const ws of ctx.getWebSockets()) {
      const stored = ws.deserializeAttachment() as Stored | null;
      if (stored) this.track(ws, decode(stored));
    }
  }

  get size(): number {
    return this.conns.size;
  }

  /** Every tracked socket, dead ones included until their close completes. */
  entries(): IterableIterator<[WebSocket, Connection]> {
    return this.conns.entries();
  }

  /** How many sockets of an address are tracked, dead or not. */
  countOf(addrKey: string): number {
    return this.perAddress.get(addrKey) ?? 0;
  }

  /** Accepts a new socket for hibernation and tracks it. */
  accept(ws: WebSocket, conn: Connection): void {
    this.ctx.acceptWebSocket(ws);
    this.save(ws, conn);
    this.track(ws, conn);
  }

  /** Writes the connection into its socket's attachment. */
  save(ws: WebSocket, conn: Connection): void {
    ws.serializeAttachment(encode(conn));
  }

  of(ws: WebSocket): Connection {
    // A socket that closed before this instance listed it still carries its
    // attachment; one without any is no connection of ours, so it is dead.
    return this.conns.get(ws) ?? decode((ws.deserializeAttachment() as Stored | null) ?? NOBODY);
  }

  /** The live connections of a connection id (a session's), but `except`. */
  *withId(id: string, except?: WebSocket): Generator<[WebSocket, Connection]> {
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

  private track(ws: WebSocket, conn: Connection): void {
    this.conns.set(ws, conn);
    this.perAddress.set(conn.addrKey, this.countOf(conn.addrKey) + 1);
  }

  /**
   * Forgets a socket once its close has completed (idempotent: a socket is
   * untracked at most once). Until then it counts toward the address's cap,
   * dead or not.
   */
  untrack(ws: WebSocket): void {
    const conn = this.conns.get(ws);
    if (!conn) return;
    this.conns.delete(ws);
    const left = (this.perAddress.get(conn.addrKey) ?? 1) - 1;
    if (left > 0) this.perAddress.set(conn.addrKey, left);
    else this.perAddress.delete(conn.addrKey);
  }

  sendTo(ws: WebSocket, frame: ServerFrame): void {
    try {
      ws.send(JSON.stringify(frame));
    } catch {
      // The socket is closing; its close handler will run.
    }
  }

  /** Sends one frame, serialised once, to every joined connection but `except`. */
  broadcast(frame: ServerFrame, except?: WebSocket): void {
    const text = JSON.stringify(frame);
    for (const [ws, conn] of this.conns) {
      if (conn.userId === undefined || ws === except) continue;
      try {
        ws.send(text);
      } catch {
        // The socket is closing; its close handler will run.
      }
    }
  }

  closeQuietly(ws: WebSocket, code: number, reason: string): void {
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
  retire(ws: WebSocket, conn: Connection, code: number, reason: string): void {
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
  countError(ws: WebSocket, conn: Connection, now: number): boolean {
    const e = conn.errors;
    const [since, count] = e && now - e.since < ERROR_WINDOW_MS ? [e.since, e.count] : [now, 0];
    conn.errors = { since, count: count + 1 };
    this.save(ws, conn);
    return count + 1 > MAX_ERRORS;
  }
}
