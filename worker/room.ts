// One chat room: a Durable Object with SQLite storage that holds the room's
// connections, sessions and history, and broadcasts.
//
// It uses the WebSocket Hibernation API, so an idle room costs nothing: the
// runtime may drop this object between events and build it again for the
// next one, with its sockets intact. Everything that must survive that lives
// either in SQLite (messages, sessions, the tag key) or in each socket's
// attachment (who it is, its rate bucket); the fields below are caches that
// the constructor rebuilds from those two.
//
// The order of a `send` is the heart of the delivery promise: validate,
// check the id, take a rate token, write the message, then broadcast, all in
// one synchronous run with no `await`, so that two sends can never
// interleave and nothing is sent before it is stored. (The runtime's output
// gate also holds the broadcast until the write is durable.)
import { DurableObject } from "cloudflare:workers";
import {
  CloseCode,
  checkText,
  ERROR_WINDOW_MS,
  ErrorCode,
  type FrameError,
  HttpErrorCode,
  ID_RETENTION_MS,
  isQuitCommand,
  type JoinFrame,
  type LeftReason,
  MAX_ERRORS,
  type Message,
  type MessagePage,
  nameKey,
  normalizeUserName,
  PING,
  PONG,
  parseClientFrame,
  type RoomInfo,
  type SendFrame,
  type ServerFrame,
  TYPING_INTERVAL_MS,
  type User,
  utf8Length,
  WELCOME_CATCH_UP,
  WELCOME_RECENT,
} from "../protocol";
import { type Config, configOf, type Env } from "./config";
import { errorFields, type LogFields, log } from "./log";
import { type Bucket, fullBucket, take } from "./ratelimit";
import { migrate, roomExists } from "./schema";
import { hex, randomId } from "./util";

/** Headers by which the worker hands the upgrade's context to the room. */
export const ROOM_HEADER = "X-Roomchat-Room";
/** The address's keyed hash (64 hex) from the worker: the room never sees the address. */
export const ADDR_HEADER = "X-Roomchat-Addr";
export const PLACE_HEADER = "X-Roomchat-Place";

/**
 * What a connection carries across hibernation, in its attachment. Short keys
 * keep it far below the 2 KiB limit: about 200 bytes with a long place name.
 */
interface Conn {
  /** Connection id, random. */
  c: string;
  /** The room's keyed hash of the address (32 hex): the per-address cap counts it. */
  a: string;
  /** The deployment's keyed hash of the address (64 hex): its limiter's name. */
  l: string;
  /** The user-visible tag: the first 8 hex of `a`. */
  t: string;
  /** Coarse place, when the platform knows it. */
  f?: string;
  /** Opened at, ms: the join timeout runs from here. */
  o: number;
  /** The session's user id and name, once joined. */
  u?: string;
  n?: string;
  /** Rate bucket: tokens, at. */
  b?: [number, number];
  /** Errors sent: window start, count. */
  e?: [number, number];
  /** Last typing notice relayed, ms. */
  y?: number;
  /**
   * Answers to repeated ids: a bucket (tokens, at). It is the session's:
   * it moves with a takeover and is kept while the session is away, so that
   * reconnecting does not refill it.
   */
  r?: [number, number];
  /**
   * Dead: the server closed this connection or stopped treating it as its
   * session's (leave, takeover, 1008, 1009, 4001). It still counts toward
   * the per-address cap until its close completes, and whatever still
   * arrives on it is ignored, also after a wake from hibernation.
   */
  d?: 1;
}

interface SessionRow extends Record<string, SqlStorageValue> {
  user_id: string;
  token: string;
  name: string;
  tag: string;
  place: string | null;
  joined_at: number;
  away_since: number | null;
  conn_id: string | null;
  rate_tokens: number | null;
  rate_at: number | null;
  /** The room's hash of the address that made the session (null before schema 2). */
  addr: string | null;
  /** The bucket of answers to repeated ids, kept while the session is away. */
  dup_tokens: number | null;
  dup_at: number | null;
}

interface MessageRow extends Record<string, SqlStorageValue> {
  seq: number;
  id: string;
  user_id: string;
  name: string;
  text: string;
  ts: number;
}

const toMessage = (r: MessageRow): Message => ({
  seq: r.seq,
  id: r.id,
  user: { id: r.user_id, name: r.name },
  text: r.text,
  ts: r.ts,
});

const toUser = (r: SessionRow): User => {
  const user: User = {
    id: r.user_id,
    name: r.name,
    joinedAt: r.joined_at,
    away: r.away_since !== null,
    tag: r.tag,
  };
  if (r.place) user.from = r.place;
  return user;
};

/** This room's share of an address's tokens (worker/limiter.ts), in memory. */
interface AddressLease {
  tokens: number;
  /** When the limiter said its next token would be there, after it granted none. */
  retryAt: number;
  fetching: boolean;
  /** A send was refused for want of tokens since the last top-up. */
  wanted: boolean;
  /** No answer from the limiter yet: sends pass, and the debt is paid from the first grant. */
  provisional: boolean;
}

/** Pruned rows are moved out of `messages` this many at a time. */
const PRUNE_BATCH = 64;

export class Room extends DurableObject<Env> {
  private readonly config: Config;
  private readonly sql: SqlStorage;
  /**
   * Whether the room has tables. A room that was only read (its info, its
   * pages) is never created: reads answer from nothing, and the first
   * connection creates it.
   */
  private exists: boolean;
  /** The room's normalised name, known once the worker has named it. */
  private room: string;
  /** The latest seq: the only per-message read, answered from memory. */
  private seq: number;
  /** Rows up to this seq have been moved out of `messages` (see `prune`). */
  private movedUpTo: number;
  /** Live sockets and their attachments, rebuilt from the runtime after a wake. */
  private readonly conns = new Map<WebSocket, Conn>();
  /** How many of `conns` each address key has: MAX_CONN_PER_IP without listing sockets. */
  private readonly perAddress = new Map<string, number>();
  /**
   * Every stored session as the protocol shows it, in join order: what a
   * `welcome` lists and what MAX_USERS counts. Read from `sessions` once
   * after a start, then kept in step with every write to that table, so
   * that a join does not read and sort the whole table (a storm of n joins
   * would be O(n²) rows). Null until first needed.
   */
  private roster: Map<string, User> | null = null;
  /** The roster's last entry when it was appended, an upper bound of its join order. */
  private rosterTail: User | undefined;
  /** When the alarm is set for, as far as this instance knows. */
  private alarmAt: number | null = null;
  private hmacKey: Promise<CryptoKey> | undefined;
  /**
   * Per address (by limiter name), the tokens this room may spend. Lost when
   * the object hibernates; an address with no lease is let through while a
   * new one is fetched, and the grant pays for what passed (the limit fails
   * open, never shut).
   */
  private readonly leases = new Map<string, AddressLease>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.config = configOf(env);
    this.sql = ctx.storage.sql;
    this.exists = roomExists(this.sql);
    if (this.exists) migrate(ctx.storage);
    this.room = this.exists ? (this.meta("room") ?? "") : "";
    const bounds = this.exists
      ? this.sql
          .exec<{ lo: number | null; hi: number | null }>(
            "SELECT min(seq) AS lo, max(seq) AS hi FROM messages",
          )
          .one()
      : { lo: null, hi: null };
    this.seq = bounds.hi ?? 0;
    this.movedUpTo = (bounds.lo ?? 1) - 1;
    for (const ws of ctx.getWebSockets()) {
      const conn = ws.deserializeAttachment() as Conn | null;
      if (conn) this.track(ws, conn);
    }
    // Answered by the runtime itself, so a keep-alive never wakes the room.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
    // Logged so that a wake from hibernation (sockets > 0) can be told from a cold start.
    this.logEvent("info", "room_started", { sockets: this.conns.size, seq: this.seq });
    ctx.blockConcurrencyWhile(async () => {
      this.alarmAt = await ctx.storage.getAlarm();
      if (this.exists) this.markOrphansAway();
    });
  }

  // -------------------------------------------------------------------------
  // RPC from the worker

  info(room: string): RoomInfo {
    this.room ||= room;
    if (!this.exists) return { room, online: 0, seq: 0 };
    const online = this.sql
      .exec<{ n: number }>("SELECT count(*) AS n FROM sessions WHERE away_since IS NULL")
      .one().n;
    return { room, online, seq: this.seq };
  }

  page(room: string, before: number | undefined, limit: number): MessagePage {
    this.room ||= room;
    if (!this.exists) return { messages: [], more: false };
    const rows = this.sql
      .exec<MessageRow>(
        "SELECT seq, id, user_id, name, text, ts FROM messages WHERE seq < ? AND seq > ? ORDER BY seq DESC LIMIT ?",
        before ?? this.seq + 1,
        this.pruneCut,
        limit + 1,
      )
      .toArray();
    const more = rows.length > limit;
    if (more) rows.pop();
    return { messages: rows.reverse().map(toMessage), more };
  }

  // -------------------------------------------------------------------------
  // The WebSocket upgrade, forwarded raw by the worker

  override async fetch(request: Request): Promise<Response> {
    try {
      return await this.upgrade(request);
    } catch (err) {
      log("error", "upgrade_failed", { room: this.room, ...errorFields(err) });
      return Response.json(
        {
          error: {
            code: HttpErrorCode.Internal,
            message: "The room could not accept the connection.",
          },
        },
        { status: 500 },
      );
    }
  }

  private async upgrade(request: Request): Promise<Response> {
    if (!this.exists) {
      migrate(this.ctx.storage);
      this.exists = true;
    }
    this.nameRoom(decodeURIComponent(request.headers.get(ROOM_HEADER) ?? ""));
    const limiterName = request.headers.get(ADDR_HEADER) ?? "unknown";
    const addrKey = await this.addressKey(limiterName);
    // The first lease is fetched before the socket opens, so that the first
    // sends find tokens; this is the one place where the room may wait.
    if (!this.leases.has(limiterName)) await this.topUpLease(limiterName);
    // Counted after the last await, so that concurrent upgrades cannot all pass.
    if ((this.perAddress.get(addrKey) ?? 0) >= this.config.MAX_CONN_PER_IP) {
      this.logEvent("info", "refused", {
        code: HttpErrorCode.TooManyConnections,
        tag: addrKey.slice(0, 8),
      });
      return Response.json(
        {
          error: {
            code: HttpErrorCode.TooManyConnections,
            message: `At most ${this.config.MAX_CONN_PER_IP} connections per address in one room.`,
          },
        },
        { status: 429 },
      );
    }
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    const now = Date.now();
    const conn: Conn = {
      c: randomId(12),
      a: addrKey,
      l: limiterName,
      t: addrKey.slice(0, 8),
      o: now,
    };
    const place = request.headers.get(PLACE_HEADER);
    if (place) conn.f = decodeURIComponent(place);
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment(conn);
    this.track(server, conn);
    this.scheduleAlarm(now + this.config.JOIN_TIMEOUT_MS);
    return new Response(null, { status: 101, webSocket: client });
  }

  // -------------------------------------------------------------------------
  // Hibernation handlers: thin, with errors caught at this boundary

  override async webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): Promise<void> {
    const conn = this.connOf(ws);
    // A connection the server has let go of is dead: nothing it still sends
    // is stored, relayed or answered.
    if (conn.d) return;
    try {
      this.onFrame(ws, conn, data);
    } catch (err) {
      this.logEvent("error", "frame_failed", { user: conn.u, ...errorFields(err) });
      this.closeConnection(ws, conn, CloseCode.ServerError, "internal error");
    }
  }

  override async webSocketClose(ws: WebSocket, code: number, _reason: string): Promise<void> {
    const conn = this.connOf(ws);
    try {
      this.untrack(ws);
      this.sessionGone(conn, code);
    } catch (err) {
      this.logEvent("error", "close_failed", { user: conn.u, ...errorFields(err) });
    }
    // The peer started the closing handshake; the Hibernation API leaves the
    // reply to us, and without it the peer waits in CLOSING and reports 1006.
    // 1005 and 1006 only describe a close, they cannot be sent, so they
    // become 1000. Closing an already closed socket throws, harmlessly.
    try {
      ws.close(code === 1005 || code === 1006 ? CloseCode.Normal : code, "closed");
    } catch {
      // already closed
    }
  }

  override async webSocketError(ws: WebSocket, err: unknown): Promise<void> {
    const conn = this.connOf(ws);
    this.logEvent("warn", "socket_error", { user: conn.u, ...errorFields(err) });
    try {
      this.untrack(ws);
      this.sessionGone(conn, CloseCode.ServerError);
    } catch (e) {
      this.logEvent("error", "socket_error_failed", { user: conn.u, ...errorFields(e) });
    }
  }

  override async alarm(): Promise<void> {
    this.alarmAt = null;
    if (!this.exists) return;
    const now = Date.now();
    // Sessions whose grace period is over leave for good.
    const expired = this.sql
      .exec<SessionRow>(
        "SELECT * FROM sessions WHERE away_since IS NOT NULL AND away_since <= ?",
        now - this.config.RESUME_GRACE_MS,
      )
      .toArray();
    for (const row of expired) this.endSession(row, "disconnect");
    // Connections that never joined are closed.
    for (const [ws, conn] of this.conns) {
      if (conn.u === undefined && !conn.d && conn.o + this.config.JOIN_TIMEOUT_MS <= now) {
        this.logEvent("info", "join_timeout", { tag: conn.t });
        this.closeConnection(ws, conn, CloseCode.JoinTimeout, "join timeout");
      }
    }
    // Join buckets that have refilled are the same as no bucket.
    const refill = (this.config.JOIN_BURST / this.config.JOIN_PER_SEC) * 1000;
    this.sql.exec("DELETE FROM join_buckets WHERE at <= ?", now - refill);
    this.scheduleNextAlarm();
  }

  // -------------------------------------------------------------------------
  // Frames

  private onFrame(ws: WebSocket, conn: Conn, data: string | ArrayBuffer): void {
    const max = this.config.MAX_FRAME;
    if (typeof data !== "string") {
      if (data.byteLength > max) {
        this.closeConnection(ws, conn, CloseCode.TooBig, "frame too large");
      } else {
        this.refuse(ws, conn, {
          code: ErrorCode.BadFrame,
          message: "Binary frames are not accepted.",
        });
      }
      return;
    }
    if (data.length > max || utf8Length(data) > max) {
      this.closeConnection(ws, conn, CloseCode.TooBig, "frame too large");
      return;
    }
    const parsed = parseClientFrame(data);
    if (!parsed.ok) {
      this.refuse(ws, conn, parsed.error);
      return;
    }
    const frame = parsed.value;
    if (frame.type === "join") {
      if (conn.u !== undefined) {
        this.refuse(ws, conn, {
          code: ErrorCode.AlreadyJoined,
          message: "This connection has joined already.",
        });
        return;
      }
      this.join(ws, conn, frame);
      return;
    }
    if (conn.u === undefined) {
      const error: FrameError = { code: ErrorCode.NotJoined, message: "Send `join` first." };
      if (frame.type === "send") error.id = frame.id;
      this.refuse(ws, conn, error);
      return;
    }
    switch (frame.type) {
      case "send":
        this.send(ws, conn, frame);
        return;
      case "typing":
        this.typing(ws, conn);
        return;
      case "leave":
        this.leave(ws, conn);
        return;
    }
  }

  private join(ws: WebSocket, conn: Conn, frame: JoinFrame): void {
    const now = Date.now();
    let resumed =
      frame.token === undefined
        ? undefined
        : this.sql
            .exec<SessionRow>("SELECT * FROM sessions WHERE token = ?", frame.token)
            .toArray()[0];
    // A session past its grace is over even if the alarm has not run yet.
    if (
      resumed &&
      resumed.away_since !== null &&
      resumed.away_since <= now - this.config.RESUME_GRACE_MS
    ) {
      this.endSession(resumed, "disconnect");
      resumed = undefined;
    }
    let row: SessionRow;
    if (resumed) {
      row = resumed;
      const wasAway = row.away_since !== null;
      // The rate bucket belongs to the session: it comes from the connection
      // taken over, or from the row where it was kept while the session was away.
      let bucket: [number, number] | undefined =
        row.rate_tokens !== null && row.rate_at !== null
          ? [row.rate_tokens, row.rate_at]
          : undefined;
      let dups: [number, number] | undefined =
        row.dup_tokens !== null && row.dup_at !== null ? [row.dup_tokens, row.dup_at] : undefined;
      // The older live connection of this session, if any, is taken over.
      if (row.conn_id !== null) {
        for (const [other, c] of this.conns) {
          if (c.c === row.conn_id && other !== ws && !c.d) {
            if (c.b) bucket = c.b;
            if (c.r) dups = c.r;
            this.retire(other, c, CloseCode.TakenOver, "taken over by a newer connection");
          }
        }
      }
      this.sql.exec(
        "UPDATE sessions SET away_since = NULL, conn_id = ? WHERE user_id = ?",
        conn.c,
        row.user_id,
      );
      row = { ...row, away_since: null, conn_id: conn.c };
      const user = this.rosterPut(row);
      if (bucket) conn.b = bucket;
      if (dups) conn.r = dups;
      if (wasAway) this.broadcast({ type: "back", user }, ws);
      this.logEvent("info", "resumed", { user: row.user_id, wasAway });
    } else {
      const fresh = this.admit(ws, conn, frame, now);
      if (!fresh) return;
      row = fresh;
    }
    conn.u = row.user_id;
    conn.n = row.name;
    ws.serializeAttachment(conn);

    const users = [...this.users().values()];
    let messages: Message[];
    let gap = false;
    if (frame.since === undefined) {
      messages = this.newestAfter(this.pruneCut, WELCOME_RECENT);
    } else {
      const since = Math.min(frame.since, this.seq);
      messages = this.newestAfter(since, WELCOME_CATCH_UP);
      gap = since < this.seq && messages[0]?.seq !== since + 1;
    }
    this.sendTo(ws, {
      type: "welcome",
      room: this.room,
      you: toUser(row),
      token: row.token,
      users,
      messages,
      seq: this.seq,
      gap,
    });
  }

  /**
   * A fresh session, or null when the join is refused. The checks, in
   * order: the name, the room's size, the name's uniqueness, the sessions of
   * the address (`MAX_CONN_PER_IP`, live and away together: the one away the
   * longest makes room), the address's join bucket. Each refusal leaves the
   * connection open, and only a join that succeeds takes a join token.
   */
  private admit(ws: WebSocket, conn: Conn, frame: JoinFrame, now: number): SessionRow | null {
    const name = normalizeUserName(frame.name);
    if (!name.ok) {
      this.refuse(ws, conn, { code: ErrorCode.NameInvalid, message: name.error });
      return null;
    }
    const mine = this.sql
      .exec<{ user_id: string; away_since: number | null }>(
        "SELECT user_id, away_since FROM sessions WHERE addr = ?",
        conn.a,
      )
      .toArray();
    let replaced: string | undefined;
    if (mine.length >= this.config.MAX_CONN_PER_IP) {
      let since = Number.POSITIVE_INFINITY;
      for (const s of mine) {
        if (s.away_since !== null && s.away_since < since) {
          since = s.away_since;
          replaced = s.user_id;
        }
      }
    }
    if (this.users().size - (replaced ? 1 : 0) >= this.config.MAX_USERS) {
      this.refuse(ws, conn, { code: ErrorCode.RoomFull, message: "The room is full." });
      return null;
    }
    const key = nameKey(name.value);
    const holder = this.sql
      .exec<{ user_id: string }>("SELECT user_id FROM sessions WHERE name_key = ?", key)
      .toArray()[0];
    if (holder && holder.user_id !== replaced) {
      this.refuse(ws, conn, {
        code: ErrorCode.NameTaken,
        message: "Someone in this room has that name.",
      });
      return null;
    }
    if (mine.length >= this.config.MAX_CONN_PER_IP && !replaced) {
      this.refuse(ws, conn, {
        code: ErrorCode.TooManySessions,
        message: `At most ${this.config.MAX_CONN_PER_IP} sessions per address in one room.`,
      });
      return null;
    }
    const stored = this.sql
      .exec<{ tokens: number; at: number }>(
        "SELECT tokens, at FROM join_buckets WHERE addr = ?",
        conn.a,
      )
      .toArray()[0];
    const { JOIN_BURST: burst, JOIN_PER_SEC: perSec } = this.config;
    const took = take(stored ?? fullBucket(burst, now), burst, perSec, now);
    if (!took.ok) {
      this.refuse(ws, conn, {
        code: ErrorCode.RateLimited,
        message: "Too many joins from your address; wait a moment.",
        retryAfterMs: took.retryAfterMs,
      });
      return null;
    }
    this.sql.exec(
      "INSERT INTO join_buckets (addr, tokens, at) VALUES (?, ?, ?) ON CONFLICT (addr) DO UPDATE SET tokens = excluded.tokens, at = excluded.at",
      conn.a,
      took.bucket.tokens,
      took.bucket.at,
    );
    if (replaced) {
      const old = this.sql
        .exec<SessionRow>("SELECT * FROM sessions WHERE user_id = ?", replaced)
        .toArray()[0];
      if (old) this.endSession(old, "disconnect");
    }
    const row: SessionRow = {
      user_id: randomId(12),
      token: randomId(32),
      name: name.value,
      tag: conn.t,
      place: conn.f ?? null,
      joined_at: now,
      away_since: null,
      conn_id: conn.c,
      rate_tokens: null,
      rate_at: null,
      addr: conn.a,
      dup_tokens: null,
      dup_at: null,
    };
    this.sql.exec(
      "INSERT INTO sessions (user_id, token, name, name_key, tag, place, joined_at, conn_id, addr) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      row.user_id,
      row.token,
      row.name,
      key,
      row.tag,
      row.place,
      row.joined_at,
      row.conn_id,
      row.addr,
    );
    this.broadcast({ type: "joined", user: this.rosterPut(row) }, ws);
    this.logEvent("info", "joined", { user: row.user_id, tag: row.tag });
    return row;
  }

  private send(ws: WebSocket, conn: Conn, frame: SendFrame): void {
    if (isQuitCommand(frame.text)) {
      this.leave(ws, conn);
      return;
    }

    // A repeated id is answered to this connection only, whatever its text.
    const seen = this.sql
      .exec<{ seq: number; kept: number }>(
        "SELECT seq, 1 AS kept FROM messages WHERE id = ? UNION ALL SELECT seq, 0 AS kept FROM pruned_ids WHERE id = ?",
        frame.id,
        frame.id,
      )
      .toArray()[0];
    if (seen) {
      // Bounded per connection, so that repeating one id cannot make the
      // room send far more than it receives.
      const now = Date.now();
      const { DUP_BURST: burst, DUP_PER_SEC: perSec } = this.config;
      const took = take(
        conn.r ? { tokens: conn.r[0], at: conn.r[1] } : fullBucket(burst, now),
        burst,
        perSec,
        now,
      );
      if (!took.ok) {
        this.refuse(ws, conn, {
          code: ErrorCode.RateLimited,
          message: "Too many repeated messages; wait a moment.",
          id: frame.id,
          retryAfterMs: took.retryAfterMs,
        });
        return;
      }
      conn.r = [took.bucket.tokens, took.bucket.at];
      ws.serializeAttachment(conn);
      // A row past the retained window is pruned, even before it is moved out.
      const stored =
        seen.kept && seen.seq > this.pruneCut
          ? this.sql.exec<MessageRow>("SELECT * FROM messages WHERE seq = ?", seen.seq).toArray()[0]
          : undefined;
      if (stored) {
        this.sendTo(ws, { type: "message", ...toMessage(stored) });
        return;
      }
      this.refuse(ws, conn, {
        code: ErrorCode.Duplicate,
        message: "That message was posted already.",
        id: frame.id,
      });
      return;
    }

    const text = checkText(frame.text, this.config.MAX_TEXT);
    if (!text.ok) {
      this.refuse(ws, conn, { code: ErrorCode.TextInvalid, message: text.error, id: frame.id });
      return;
    }

    const now = Date.now();
    const lease = this.leases.get(conn.l);
    if (lease && lease.tokens < 1 && !lease.provisional) {
      lease.wanted = true;
      this.topUpLease(conn.l);
      this.refuse(ws, conn, {
        code: ErrorCode.RateLimited,
        message: "Too many messages from your address; wait a moment.",
        id: frame.id,
        retryAfterMs: Math.max(
          lease.retryAt - now,
          Math.ceil(1000 / this.config.ADDR_RATE_PER_SEC),
        ),
      });
      return;
    }
    const bucket: Bucket = conn.b
      ? { tokens: conn.b[0], at: conn.b[1] }
      : fullBucket(this.config.RATE_BURST, now);
    const took = take(bucket, this.config.RATE_BURST, this.config.RATE_PER_SEC, now);
    if (!took.ok) {
      this.refuse(ws, conn, {
        code: ErrorCode.RateLimited,
        message: "Too many messages; wait a moment.",
        id: frame.id,
        retryAfterMs: took.retryAfterMs,
      });
      return;
    }
    conn.b = [took.bucket.tokens, took.bucket.at];
    ws.serializeAttachment(conn);

    const message: Message = {
      seq: this.seq + 1,
      id: frame.id,
      user: { id: conn.u as string, name: conn.n as string },
      text: frame.text,
      ts: now,
    };
    this.sql.exec(
      "INSERT INTO messages (seq, id, user_id, name, text, ts) VALUES (?, ?, ?, ?, ?, ?)",
      message.seq,
      message.id,
      message.user.id,
      message.user.name,
      message.text,
      message.ts,
    );
    this.seq = message.seq;
    this.prune(now);
    this.broadcast({ type: "message", ...message });
    this.leaseOf(conn.l).tokens -= 1;
    this.topUpLease(conn.l);
  }

  /**
   * The size of a lease: large enough that one session's burst never waits
   * for a top-up (two bursts), small enough that a few rooms share the
   * address's burst (a quarter of it), never more than the burst itself.
   */
  private get leaseSize(): number {
    const { ADDR_RATE_BURST: addr, RATE_BURST: session } = this.config;
    return Math.min(addr, Math.max(Math.ceil(addr / 4), 2 * session));
  }

  /** The lease of an address; a new one is provisional until the limiter answers. */
  private leaseOf(name: string): AddressLease {
    let lease = this.leases.get(name);
    if (!lease) {
      lease = { tokens: 0, retryAt: 0, fetching: false, wanted: false, provisional: true };
      this.leases.set(name, lease);
    }
    return lease;
  }

  /**
   * Tops up this room's lease for an address when it is below half, in the
   * background. When the limiter grants nothing and sends were refused, it
   * tries again when the limiter says a token will be there.
   */
  private topUpLease(name: string): Promise<void> {
    const state = this.leaseOf(name);
    if (state.fetching || state.tokens >= this.leaseSize / 2) return Promise.resolve();
    state.fetching = true;
    const run = async () => {
      try {
        for (;;) {
          // A provisional lease may be in debt: the grant pays it back first.
          const want = this.leaseSize - Math.floor(state.tokens);
          const answer = await this.env.LIMITER.getByName(name).lease(want);
          state.tokens += answer.granted;
          state.provisional = false;
          state.retryAt = answer.granted > 0 ? 0 : Date.now() + answer.retryAfterMs;
          if (answer.granted > 0 || !state.wanted) break;
          state.wanted = false;
          await new Promise((r) => setTimeout(r, answer.retryAfterMs));
        }
      } catch (err) {
        // Fail open: without a lease the address is let through until one arrives.
        this.leases.delete(name);
        this.logEvent("warn", "limiter_failed", errorFields(err));
      } finally {
        state.fetching = false;
      }
    };
    const done = run();
    this.ctx.waitUntil(done);
    return done;
  }

  /**
   * A session leaves for good: on purpose, or because it was away past its
   * grace or made room for a newer session of its address. Its live
   * connection, if it had one, is let go.
   */
  private endSession(
    row: SessionRow,
    reason: LeftReason,
    closeCode: number = CloseCode.Normal,
  ): void {
    this.sql.exec("DELETE FROM sessions WHERE user_id = ?", row.user_id);
    this.roster?.delete(row.user_id);
    if (row.conn_id !== null) {
      for (const [ws, c] of this.conns) {
        if (c.c === row.conn_id && !c.d)
          this.retire(ws, c, closeCode, reason === "leave" ? "left" : reason);
      }
    }
    this.broadcast({ type: "left", user: toUser(row), reason });
    this.logEvent("info", "left", { user: row.user_id, reason });
  }

  private typing(ws: WebSocket, conn: Conn): void {
    const now = Date.now();
    if (conn.y !== undefined && now - conn.y < TYPING_INTERVAL_MS) return;
    conn.y = now;
    ws.serializeAttachment(conn);
    this.broadcast({ type: "typing", user: { id: conn.u as string, name: conn.n as string } }, ws);
  }

  private leave(ws: WebSocket, conn: Conn): void {
    const row = this.sql
      .exec<SessionRow>("SELECT * FROM sessions WHERE user_id = ?", conn.u)
      .toArray()[0];
    if (row) this.endSession(row, "leave");
    // Also when the row was gone already: this connection is done.
    if (!conn.d) this.retire(ws, conn, CloseCode.Normal, "left");
  }

  // -------------------------------------------------------------------------
  // Connections and presence

  private track(ws: WebSocket, conn: Conn): void {
    this.conns.set(ws, conn);
    this.perAddress.set(conn.a, (this.perAddress.get(conn.a) ?? 0) + 1);
  }

  /**
   * Forgets a socket once its close has completed (idempotent: a socket is
   * untracked at most once). Until then it counts toward the address's cap,
   * dead or not.
   */
  private untrack(ws: WebSocket): void {
    const conn = this.conns.get(ws);
    if (!conn) return;
    this.conns.delete(ws);
    const left = (this.perAddress.get(conn.a) ?? 1) - 1;
    if (left > 0) this.perAddress.set(conn.a, left);
    else this.perAddress.delete(conn.a);
  }

  private users(): Map<string, User> {
    if (!this.roster) {
      this.roster = new Map();
      for (const row of this.sql.exec<SessionRow>(
        "SELECT * FROM sessions ORDER BY joined_at, user_id",
      )) {
        this.roster.set(row.user_id, toUser(row));
      }
      this.rosterTail = undefined;
      for (const user of this.roster.values()) this.rosterTail = user;
    }
    return this.roster;
  }

  /**
   * Keeps the roster in step with a row just inserted or updated in
   * `sessions`; returns the row as the protocol shows it, for the broadcast.
   */
  private rosterPut(row: SessionRow): User {
    const user = toUser(row);
    const roster = this.roster;
    if (!roster) return user;
    // An update keeps its place (a Map keeps the first insertion's order).
    if (roster.has(user.id)) {
      roster.set(user.id, user);
      return user;
    }
    // A new session joins last, unless the clock stepped back: then read it all again.
    const tail = this.rosterTail;
    if (
      tail &&
      (tail.joinedAt > user.joinedAt || (tail.joinedAt === user.joinedAt && tail.id > user.id))
    ) {
      this.roster = null;
      return user;
    }
    roster.set(user.id, user);
    this.rosterTail = user;
    return user;
  }

  private connOf(ws: WebSocket): Conn {
    // A socket that closed before this instance listed it still carries its
    // attachment; one without any is no connection of ours, so it is dead.
    return (
      this.conns.get(ws) ??
      (ws.deserializeAttachment() as Conn | null) ?? { c: "", a: "", l: "", t: "", o: 0, d: 1 }
    );
  }

  /**
   * The server ends a connection (1008, 1009, 1011, 4001): the session, if
   * any, becomes away, and the connection is dead from now on.
   */
  private closeConnection(ws: WebSocket, conn: Conn, code: number, reason: string): void {
    this.sessionGone(conn, code);
    this.retire(ws, conn, code, reason);
  }

  /**
   * The server lets go of a connection and closes it. The attachment says
   * so too, so that frames that still arrive, before or after a wake from
   * hibernation, are ignored. It stays tracked (and counted toward
   * MAX_CONN_PER_IP) until its close completes.
   */
  private retire(ws: WebSocket, conn: Conn, code: number, reason: string): void {
    conn.u = undefined;
    conn.n = undefined;
    conn.d = 1;
    try {
      ws.serializeAttachment(conn);
    } catch {
      // already closed: nothing more can arrive on it
    }
    this.closeQuietly(ws, code, reason);
  }

  /**
   * A connection is gone or let go of. If it was its session's live
   * connection (not one taken over, not one that left), the session is kept
   * for the grace period and the others see it away. Idempotent: the row is
   * matched on conn_id.
   */
  private sessionGone(conn: Conn, code: number): void {
    if (conn.u === undefined) return;
    const now = Date.now();
    const bucket = conn.b ?? null;
    const dups = conn.r ?? null;
    const row = this.sql
      .exec<SessionRow>(
        "UPDATE sessions SET away_since = ?, conn_id = NULL, rate_tokens = ?, rate_at = ?, dup_tokens = ?, dup_at = ? WHERE user_id = ? AND conn_id = ? RETURNING *",
        now,
        bucket ? bucket[0] : null,
        bucket ? bucket[1] : null,
        dups ? dups[0] : null,
        dups ? dups[1] : null,
        conn.u,
        conn.c,
      )
      .toArray()[0];
    conn.u = undefined;
    if (!row) return;
    this.broadcast({ type: "away", user: this.rosterPut(row) });
    this.logEvent("info", "away", { user: row.user_id, code });
    this.scheduleAlarm(now + this.config.RESUME_GRACE_MS);
  }

  /**
   * After a restart every socket is gone but the sessions are stored: those
   * that were live become away now, and their grace runs from this start.
   */
  private markOrphansAway(): void {
    const live = new Set<string>();
    for (const conn of this.conns.values()) if (conn.u !== undefined) live.add(conn.c);
    const now = Date.now();
    const orphans = this.sql
      .exec<{ user_id: string; conn_id: string }>(
        "SELECT user_id, conn_id FROM sessions WHERE away_since IS NULL",
      )
      .toArray()
      .filter((r) => !live.has(r.conn_id));
    if (orphans.length === 0) return;
    for (const r of orphans) {
      this.sql.exec(
        "UPDATE sessions SET away_since = ?, conn_id = NULL WHERE user_id = ?",
        now,
        r.user_id,
      );
    }
    this.roster = null;
    this.logEvent("info", "sessions_orphaned", { count: orphans.length });
    this.scheduleAlarm(now + this.config.RESUME_GRACE_MS);
  }

  private closeQuietly(ws: WebSocket, code: number, reason: string): void {
    try {
      ws.close(code, reason);
    } catch {
      // already closed or closing
    }
  }

  // -------------------------------------------------------------------------
  // Sending

  private sendTo(ws: WebSocket, frame: ServerFrame): void {
    try {
      ws.send(JSON.stringify(frame));
    } catch {
      // The socket is closing; its close handler will run.
    }
  }

  /** Sends one frame, serialised once, to every joined connection but `except`. */
  private broadcast(frame: ServerFrame, except?: WebSocket): void {
    const text = JSON.stringify(frame);
    for (const [ws, conn] of this.conns) {
      if (conn.u === undefined || ws === except) continue;
      try {
        ws.send(text);
      } catch {
        // The socket is closing; its close handler will run.
      }
    }
  }

  private refuse(ws: WebSocket, conn: Conn, error: FrameError & { retryAfterMs?: number }): void {
    const now = Date.now();
    const [start, count] = conn.e && now - conn.e[0] < ERROR_WINDOW_MS ? conn.e : [now, 0];
    conn.e = [start, count + 1];
    ws.serializeAttachment(conn);
    this.sendTo(ws, { type: "error", ...error });
    this.logEvent("info", "refused", { code: error.code, user: conn.u, tag: conn.t });
    if (count + 1 > MAX_ERRORS) {
      this.logEvent("warn", "abuse_closed", { user: conn.u, tag: conn.t });
      this.closeConnection(ws, conn, CloseCode.Abuse, "too many errors");
    }
  }

  // -------------------------------------------------------------------------
  // History

  /**
   * Messages with a seq up to this one are pruned: the room retains exactly
   * its newest HISTORY_LIMIT, whatever rows are still to be moved out.
   */
  private get pruneCut(): number {
    return Math.max(0, this.seq - this.config.HISTORY_LIMIT);
  }

  /** The newest `limit` retained messages after `since`, oldest first. */
  private newestAfter(since: number, limit: number): Message[] {
    return this.sql
      .exec<MessageRow>(
        "SELECT seq, id, user_id, name, text, ts FROM messages WHERE seq > ? ORDER BY seq DESC LIMIT ?",
        Math.max(since, this.pruneCut),
        limit,
      )
      .toArray()
      .reverse()
      .map(toMessage);
  }

  /**
   * Moves the rows past the retained window out of `messages`, keeping their
   * ids for 24 h. It runs once every PRUNE_BATCH messages rather than on
   * every write: two statements per batch instead of two per message, while
   * the reads above never show more than the newest HISTORY_LIMIT.
   */
  private prune(now: number): void {
    const cut = this.pruneCut;
    if (cut < this.movedUpTo + PRUNE_BATCH) return;
    this.sql.exec(
      "INSERT OR IGNORE INTO pruned_ids (id, seq, ts) SELECT id, seq, ts FROM messages WHERE seq <= ?",
      cut,
    );
    this.sql.exec("DELETE FROM messages WHERE seq <= ?", cut);
    this.sql.exec("DELETE FROM pruned_ids WHERE ts < ?", now - ID_RETENTION_MS);
    this.movedUpTo = cut;
  }

  // -------------------------------------------------------------------------
  // Alarm, naming, keys, logs

  private scheduleAlarm(at: number): void {
    if (this.alarmAt !== null && this.alarmAt <= at) return;
    this.alarmAt = at;
    void this.ctx.storage.setAlarm(at);
  }

  private scheduleNextAlarm(): void {
    let next = Number.POSITIVE_INFINITY;
    const away = this.sql
      .exec<{ t: number | null }>(
        "SELECT min(away_since) AS t FROM sessions WHERE away_since IS NOT NULL",
      )
      .one().t;
    if (away !== null) next = away + this.config.RESUME_GRACE_MS;
    for (const conn of this.conns.values()) {
      if (conn.u === undefined && !conn.d)
        next = Math.min(next, conn.o + this.config.JOIN_TIMEOUT_MS);
    }
    if (Number.isFinite(next)) this.scheduleAlarm(next);
  }

  private meta(key: string): string | undefined {
    const row = this.sql
      .exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key)
      .toArray()[0];
    return row?.value;
  }

  /** Learns the room's name from the worker the first time (a Durable Object does not know its own). */
  private nameRoom(room: string): void {
    if (this.room || !room) return;
    this.room = room;
    this.sql.exec("INSERT OR IGNORE INTO meta (key, value) VALUES ('room', ?)", room);
  }

  /**
   * HMAC-SHA-256 of the address under a key made once for this room and kept
   * in its storage: the tag is stable per address and room, and the address
   * cannot be recovered from it.
   */
  private async addressKey(addr: string): Promise<string> {
    this.hmacKey ??= (async () => {
      let raw = this.sql
        .exec<{ value: ArrayBuffer }>("SELECT value FROM meta WHERE key = 'tag_key'")
        .toArray()[0]?.value;
      if (!raw) {
        raw = crypto.getRandomValues(new Uint8Array(32)).buffer as ArrayBuffer;
        this.sql.exec("INSERT OR IGNORE INTO meta (key, value) VALUES ('tag_key', ?)", raw);
        raw = this.sql
          .exec<{ value: ArrayBuffer }>("SELECT value FROM meta WHERE key = 'tag_key'")
          .one().value;
      }
      return crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, [
        "sign",
      ]);
    })();
    const mac = await crypto.subtle.sign(
      "HMAC",
      await this.hmacKey,
      new TextEncoder().encode(addr),
    );
    return hex(new Uint8Array(mac, 0, 16));
  }

  private logEvent(level: "info" | "warn" | "error", event: string, fields: LogFields = {}): void {
    log(level, event, { room: this.room, ...fields });
  }
}
