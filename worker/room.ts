// One chat room: a Durable Object with SQLite storage that holds the room's
// connections, sessions and history, and broadcasts. This class is the
// adapter between the runtime and the room's parts, each of which owns its
// state: worker/connections.ts (the sockets and their attachments),
// worker/sessions.ts (the sessions table and the roster, the join buckets),
// worker/history.ts (the messages and pruned ids) and worker/leases.ts (the
// room's shares of the per-address limit). Here are the upgrade, the four
// handlers of the runtime, the one alarm, and the protocol's decisions.
//
// It uses the WebSocket Hibernation API, so an idle room costs nothing: the
// runtime may drop this object between events and build it again for the
// next one, with its sockets intact. Everything that must survive that lives
// either in SQLite (messages, sessions, the tag key) or in each socket's
// attachment (who it is, its rate bucket); the parts' fields are caches that
// the constructor rebuilds from those two.
//
// The order of a `send` is the heart of the delivery promise: validate,
// check the id, take a rate token, write the message, then broadcast, all in
// one synchronous run with no `await`, so that two sends can never
// interleave and nothing is sent before it is stored. (The runtime's output
// gate also holds the broadcast until the write is durable.) That run is
// `send` below, whole, and every part it calls is synchronous. A change to
// a message (protocol v2: an edit, a deletion, a reaction) keeps the same
// promise: `change` below, in one synchronous run, stored before its
// `update` goes out.
import { DurableObject } from "cloudflare:workers";
import {
  BAN_MINUTES_DEFAULT,
  banCloseReason,
  type ChangeFrame,
  CloseCode,
  checkCiphertext,
  checkText,
  ErrorCode,
  type FrameError,
  HttpErrorCode,
  isQuitCommand,
  isReactionEmoji,
  type JoinFrame,
  type LeftReason,
  type Limits,
  type Message,
  type MessagePage,
  normalizeUserName,
  OWNER_FRAME_TYPES,
  type OwnerFrame,
  PING,
  PONG,
  PROTOCOL_VERSION,
  parseClientFrame,
  type RoomInfo,
  type SendFrame,
  type Settings,
  TYPING_INTERVAL_MS,
  utf8Length,
  WELCOME_CATCH_UP,
  WELCOME_LIMIT_NAMES,
  WELCOME_RECENT,
} from "../protocol";
import { splitTripName } from "../protocol/trip";
import { type Config, configOf, type Env } from "./config";
import { type Connection, Connections, type Socket } from "./connections";
import {
  Fanout,
  type Refusal,
  type Relayed,
  RemoteSocket,
  roomOfShard,
  UPGRADE_FAILED,
} from "./fanout";
import { History } from "./history";
import { hmacHex, hmacKey } from "./hmac";
import { sameSecret, sha256Hex } from "./keys";
import { AddressLeases } from "./leases";
import { tripOf } from "./limiter";
import { errorFields, type LogFields, log } from "./log";
import { Moderation } from "./moderation";
import { type Bucket, fullBucket, take } from "./ratelimit";
import { toggleReaction } from "./reactions";
import { migrate, roomExists } from "./schema";
import { type SessionRow, Sessions, toUser } from "./sessions";
import { randomId } from "./util";

/** The address's keyed hash (64 hex) from the worker: the room never sees the address. */
export const ADDR_HEADER = "X-Roomchat-Addr";
/** Coarse place from the worker, URI-encoded. */
export const PLACE_HEADER = "X-Roomchat-Place";

/** The number of the shard a socket is on, for the logs; undefined for the room's own. */
const shardOf = (ws: Socket): number | undefined =>
  ws instanceof RemoteSocket ? Number(ws.shard.slice(ws.shard.lastIndexOf("#") + 1)) : undefined;

/** What a join learned before its synchronous run: whether its owner key holds, its trip. */
interface JoinKeys {
  owner: boolean;
  trip?: string;
}

/** What a refused frame was about: a send's id, or a change's seq. */
type About = { id: string } | { seq: number };

/** How the server parts a session from a connection (see `detach`). */
interface Detach {
  /** The session, if this was its live connection, goes away; the code is logged. */
  away?: number;
  /** The connection is let go of and closed with this code and reason. */
  close?: [code: number, reason: string];
}

export class Room extends DurableObject<Env> {
  private readonly config: Config;
  private readonly sql: SqlStorage;
  /**
   * Whether the room has tables. A room that was only read (its info, its
   * pages) is never created: reads answer from nothing, and the first
   * connection creates it.
   */
  private exists: boolean;
  /**
   * The room's normalised name. The worker reaches every room with
   * `getByName(name)`, and the runtime hands that name to the object as
   * `ctx.id.name` (also when it wakes from hibernation or for an alarm), so
   * the room neither needs to be told its name nor to store it. Checked on
   * the pinned workerd: test/workers/platform/room-name.test.ts, and under
   * `wrangler dev` after a wake by a frame (test/live/hibernation.test.ts)
   * and by the alarm. Rooms of older deploys kept the name in `meta` as
   * 'room'; that row is no longer read or written.
   */
  private readonly room: string;
  private readonly connections: Connections;
  private readonly fanout: Fanout;
  private readonly sessions: Sessions;
  private readonly history: History;
  private readonly moderation: Moderation;
  private readonly leases: AddressLeases;
  /** When the alarm is set for, as far as this instance knows. */
  private alarmAt: number | null = null;
  private tagKey: Promise<CryptoKey> | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.config = configOf(env);
    this.sql = ctx.storage.sql;
    this.room = ctx.id.name ?? "";
    this.exists = roomExists(this.sql);
    if (this.exists) migrate(ctx.storage);
    this.history = new History(this.sql, this.config, this.exists);
    this.moderation = new Moderation(this.sql, this.exists);
    this.sessions = new Sessions(this.sql, this.config);
    this.fanout = new Fanout(
      {
        sql: this.sql,
        shard: (name) => env.SHARD.getByName(name),
        gone: (ws) => this.remoteGone(ws),
        warn: (event, fields) => this.logEvent("warn", event, fields),
        waitUntil: (p) => ctx.waitUntil(p),
      },
      this.exists,
    );
    this.connections = new Connections(ctx, this.config.BATCH_MS, this.fanout.all());
    this.leases = new AddressLeases({
      env,
      config: this.config,
      waitUntil: (p) => ctx.waitUntil(p),
      warn: (event, fields) => this.logEvent("warn", event, fields),
    });
    // Answered by the runtime itself, so a keep-alive never wakes the room.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
    // Logged so that a wake from hibernation (sockets > 0) can be told from a cold start.
    this.logEvent("info", "room_started", {
      sockets: this.connections.size,
      seq: this.history.seq,
    });
    ctx.blockConcurrencyWhile(async () => {
      this.alarmAt = await ctx.storage.getAlarm();
      if (this.exists) this.markOrphansAway();
    });
    // Which of the sockets its shards held they still hold; not inside the
    // block above, since a shard may be calling this room at the same time.
    if (this.fanout.size > 0) ctx.waitUntil(this.fanout.reconcile());
  }

  // -------------------------------------------------------------------------
  // RPC from the worker

  info(): RoomInfo {
    if (!this.exists)
      return { room: this.room, online: 0, seq: 0, rev: 0, settings: this.settings() };
    return {
      room: this.room,
      online: this.sessions.online(),
      seq: this.history.seq,
      rev: this.history.rev,
      settings: this.settings(),
    };
  }

  page(before: number | undefined, limit: number): MessagePage {
    if (!this.exists) return { messages: [], more: false };
    return this.history.page(before, limit);
  }

  /**
   * (v2) Sets the SHA-256 of the room's owner key: when the room has none,
   * or always with `replace` (the operator with ADMIN_KEY). False when it
   * had one. Everyone in the room learns that it is owned. With `e2ee`
   * (only `POST /api/rooms {"e2ee":true}`, for a new private room) the room
   * is end-to-end encrypted from then on, for life: nothing turns it off.
   */
  claim(keyHash: string, replace: boolean, e2ee = false): boolean {
    this.create();
    const wasOwned = this.moderation.settings().owned;
    if (!this.moderation.claim(keyHash, replace, e2ee)) return false;
    if (!wasOwned) this.connections.broadcast({ type: "settings", settings: this.settings() });
    this.logEvent("info", "claimed", { replace });
    return true;
  }

  /** One retained message as it is now, or null (`GET …/messages/:seq`). */
  message(seq: number): Message | null {
    if (!this.exists) return null;
    return this.history.get(seq) ?? null;
  }

  // -------------------------------------------------------------------------
  // The WebSocket upgrade, forwarded raw by the worker

  override async fetch(request: Request): Promise<Response> {
    try {
      return await this.upgrade(request);
    } catch (err) {
      log("error", "upgrade_failed", { room: this.room, ...errorFields(err) });
      return Response.json(UPGRADE_FAILED.body, { status: UPGRADE_FAILED.status });
    }
  }

  /** Makes the room's tables, the first time something writes to it. */
  private create(): void {
    if (this.exists) return;
    migrate(this.ctx.storage);
    this.exists = true;
    this.moderation.created();
  }

  private async upgrade(request: Request): Promise<Response> {
    const place = request.headers.get(PLACE_HEADER);
    const admitted = await this.admitSocket(
      request.headers.get(ADDR_HEADER) ?? "unknown",
      place ? decodeURIComponent(place) : null,
      randomId(12),
    );
    if ("status" in admitted) return Response.json(admitted.body, { status: admitted.status });
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.connections.accept(server, admitted);
    this.scheduleAlarm(admitted.openedAt + this.config.JOIN_TIMEOUT_MS);
    return new Response(null, { status: 101, webSocket: client });
  }

  /**
   * Whether a new socket of this address may open (not banned, under
   * MAX_CONN_PER_IP), on the room or on a shard: its connection, or the
   * HTTP refusal.
   */
  private async admitSocket(
    limiter: string,
    place: string | null,
    id: string,
  ): Promise<Connection | NonNullable<Refusal>> {
    this.create();
    const addrKey = await this.addressKey(limiter);
    // (v2) A banned address gets no socket at all.
    const ban = this.moderation.banned(addrKey, addrKey.slice(0, 8), Date.now());
    if (ban) {
      this.logEvent("info", "refused", { code: HttpErrorCode.Banned, tag: ban.tag });
      return {
        status: 403,
        body: {
          error: {
            code: HttpErrorCode.Banned,
            message: `You are banned from this room until ${new Date(ban.until).toISOString()}.`,
          },
        },
      };
    }
    // The first lease is fetched before the socket opens, so that the first
    // sends find tokens; this is the one place where the room may wait.
    if (!this.leases.has(limiter)) await this.leases.topUp(limiter);
    // Counted after the last await, so that concurrent upgrades cannot all pass.
    if (this.connections.countOf(addrKey) >= this.config.MAX_CONN_PER_IP) {
      this.logEvent("info", "refused", {
        code: HttpErrorCode.TooManyConnections,
        tag: addrKey.slice(0, 8),
      });
      return {
        status: 429,
        body: {
          error: {
            code: HttpErrorCode.TooManyConnections,
            message: `At most ${this.config.MAX_CONN_PER_IP} connections per address in one room.`,
          },
        },
      };
    }
    const conn: Connection = {
      id,
      addrKey,
      limiter,
      tag: addrKey.slice(0, 8),
      openedAt: Date.now(),
    };
    if (place) conn.place = place;
    return conn;
  }

  // -------------------------------------------------------------------------
  // RPC from the room's fan-out shards (issue 17, worker/fanout.ts)

  /**
   * Where the worker sends a new connection: null for this room, or the
   * name of the shard that takes it. Asked before every upgrade.
   */
  place(): string | null {
    const local = this.connections.size - this.fanout.size;
    return this.fanout.place(
      local,
      this.config.SHARD_AT,
      this.config.SHARD_SIZE,
      this.room,
      Date.now(),
    );
  }

  /** A shard opens a connection: the same checks as an upgrade here. */
  async openRemote(
    shard: string,
    id: string,
    limiter: string,
    place: string | null,
  ): Promise<Refusal> {
    if (roomOfShard(shard) !== this.room)
      return {
        status: 400,
        body: { error: { code: HttpErrorCode.Internal, message: "Not this room's shard." } },
      };
    this.fanout.arrived(shard);
    try {
      const admitted = await this.admitSocket(limiter, place, id);
      if ("status" in admitted) return admitted;
      this.connections.adopt(this.fanout.open(shard, id), admitted);
      this.scheduleAlarm(admitted.openedAt + this.config.JOIN_TIMEOUT_MS);
      return null;
    } catch (err) {
      log("error", "upgrade_failed", { room: this.room, ...errorFields(err) });
      return UPGRADE_FAILED;
    }
  }

  /**
   * Frames and closes from a shard's sockets, in the order they came: each
   * is handled as if it came on a socket of the room's own. Answers the ids
   * of the frames' sockets this room does not hold (it let them go when
   * their shard could not be reached), which the shard then closes, so
   * that their clients resume instead of talking to nobody.
   */
  async relay(shard: string, items: Relayed[]): Promise<string[]> {
    const unknown: string[] = [];
    for (const item of items) {
      const ws = this.fanout.get(item.id);
      if (!ws || ws.shard !== shard) {
        if (!("c" in item)) unknown.push(item.id);
        continue;
      }
      if ("c" in item) {
        ws.closed = true;
        await this.onClose(ws, item.c);
        this.fanout.forget(ws);
      } else await this.onMessage(ws, item.d);
    }
    return unknown;
  }

  /** A remote socket is gone without a close (its shard restarted or cannot be reached). */
  private remoteGone(ws: RemoteSocket): void {
    const conn = this.connections.of(ws);
    this.fanout.forget(ws);
    this.connections.untrack(ws);
    try {
      this.detach(ws, conn, { away: CloseCode.ServerError });
    } catch (err) {
      this.logEvent("error", "close_failed", { user: conn.userId, ...errorFields(err) });
    }
  }

  // -------------------------------------------------------------------------
  // Hibernation handlers: thin, with errors caught at this boundary

  override webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): Promise<void> {
    return this.onMessage(ws, data);
  }

  override webSocketClose(ws: WebSocket, code: number, _reason: string): Promise<void> {
    return this.onClose(ws, code);
  }

  private async onMessage(ws: Socket, data: string | ArrayBuffer): Promise<void> {
    const conn = this.connections.of(ws);
    // A connection the server has let go of is dead: nothing it still sends
    // is stored, relayed or answered.
    if (conn.dead) return;
    try {
      // Only a join with an owner key or a trip waits (for a hash); every
      // other frame is handled in one synchronous run.
      const waiting = this.onFrame(ws, conn, data);
      if (waiting) await waiting;
    } catch (err) {
      this.logEvent("error", "frame_failed", { user: conn.userId, ...errorFields(err) });
      this.detach(ws, conn, {
        away: CloseCode.ServerError,
        close: [CloseCode.ServerError, "internal error"],
      });
    }
  }

  private async onClose(ws: Socket, code: number): Promise<void> {
    const conn = this.connections.of(ws);
    try {
      this.connections.untrack(ws);
      this.detach(ws, conn, { away: code });
    } catch (err) {
      this.logEvent("error", "close_failed", { user: conn.userId, ...errorFields(err) });
    }
    // The peer started the closing handshake; the Hibernation API leaves the
    // reply to us, and without it the peer waits in CLOSING and reports 1006.
    // 1005 and 1006 only describe a close, they cannot be sent, so they
    // become 1000. Closing an already closed socket throws, harmlessly.
    this.connections.closeQuietly(
      ws,
      code === 1005 || code === 1006 ? CloseCode.Normal : code,
      "closed",
    );
  }

  override async webSocketError(ws: WebSocket, err: unknown): Promise<void> {
    const conn = this.connections.of(ws);
    this.logEvent("warn", "socket_error", { user: conn.userId, ...errorFields(err) });
    try {
      this.connections.untrack(ws);
      this.detach(ws, conn, { away: CloseCode.ServerError });
    } catch (e) {
      this.logEvent("error", "socket_error_failed", { user: conn.userId, ...errorFields(e) });
    }
  }

  /**
   * The one alarm: sessions past their grace end, connections that never
   * joined are closed, then it is set again for whichever part is due next.
   * A failure is logged and thrown on: unlike the socket handlers, the alarm
   * is retried by the platform (with backoff), which is what a failed pass
   * over due work wants.
   */
  override async alarm(): Promise<void> {
    try {
      this.onAlarm();
    } catch (err) {
      this.logEvent("error", "alarm_failed", errorFields(err));
      throw err;
    }
  }

  private onAlarm(): void {
    this.alarmAt = null;
    if (!this.exists) return;
    const now = Date.now();
    // Sessions whose grace period is over leave for good.
    for (const row of this.sessions.expired(now)) this.endSession(row, "disconnect");
    // (v2) Bans and mutes end on their own.
    if (this.moderation.expireBans(now)) this.sendBans(now);
    for (const row of this.sessions.expiredMutes(now))
      this.connections.broadcast({ type: "user", user: this.sessions.mute(row, null) });
    // Connections that never joined are closed.
    for (const [ws, conn] of this.connections.entries()) {
      if (
        conn.userId === undefined &&
        !conn.dead &&
        conn.openedAt + this.config.JOIN_TIMEOUT_MS <= now
      ) {
        this.logEvent("info", "join_timeout", { tag: conn.tag });
        this.detach(ws, conn, {
          away: CloseCode.JoinTimeout,
          close: [CloseCode.JoinTimeout, "join timeout"],
        });
      }
    }
    this.sessions.forgetFullJoinBuckets(now);
    this.scheduleNextAlarm();
  }

  // -------------------------------------------------------------------------
  // Frames

  private onFrame(
    ws: Socket,
    conn: Connection,
    data: string | ArrayBuffer,
  ): Promise<void> | undefined {
    const max = this.config.MAX_FRAME;
    if (typeof data !== "string") {
      if (data.byteLength > max) {
        this.detach(ws, conn, {
          away: CloseCode.TooBig,
          close: [CloseCode.TooBig, "frame too large"],
        });
      } else {
        this.refuse(ws, conn, {
          code: ErrorCode.BadFrame,
          message: "Binary frames are not accepted.",
        });
      }
      return;
    }
    if (data.length > max || utf8Length(data) > max) {
      this.detach(ws, conn, {
        away: CloseCode.TooBig,
        close: [CloseCode.TooBig, "frame too large"],
      });
      return;
    }
    const parsed = parseClientFrame(data);
    if (!parsed.ok) {
      this.refuse(ws, conn, parsed.error);
      return;
    }
    const frame = parsed.value;
    if (frame.type === "join") {
      if (conn.userId !== undefined) {
        this.refuse(ws, conn, {
          code: ErrorCode.AlreadyJoined,
          message: "This connection has joined already.",
        });
        return;
      }
      if (frame.v !== undefined && frame.v > PROTOCOL_VERSION) {
        this.refuse(ws, conn, {
          code: ErrorCode.VersionUnsupported,
          message: `This server speaks protocol version ${PROTOCOL_VERSION} at most.`,
        });
        return;
      }
      if (frame.ownerKey !== undefined || frame.name.includes("#"))
        return this.joinWithKeys(ws, conn, frame);
      this.join(ws, conn, frame, { owner: false });
      return;
    }
    if (conn.userId === undefined) {
      const error: FrameError = { code: ErrorCode.NotJoined, message: "Send `join` first." };
      if (frame.type === "send") error.id = frame.id;
      if (frame.type === "edit" || frame.type === "delete" || frame.type === "react")
        error.seq = frame.seq;
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
      case "edit":
      case "delete":
      case "react":
        this.change(ws, conn, frame);
        return;
      default:
        if (OWNER_FRAME_TYPES.has(frame.type)) this.moderate(ws, conn, frame as OwnerFrame);
        return;
    }
  }

  /**
   * A join with an owner key or a trip: the hashes are computed first (Web
   * Crypto is asynchronous), then the join runs synchronously like any
   * other, after checking again that the connection is still open and has
   * not joined meanwhile. A trip's secret is used here and forgotten.
   */
  private async joinWithKeys(ws: Socket, conn: Connection, frame: JoinFrame): Promise<void> {
    const keys: JoinKeys = { owner: false };
    if (frame.ownerKey !== undefined) keys.owner = await this.isOwnerKey(frame.ownerKey);
    const split = splitTripName(frame.name);
    // A wrong key is refused before the name is judged (join() checks it first too).
    if ("error" in split && (frame.ownerKey === undefined || keys.owner)) {
      if (conn.dead || conn.userId !== undefined) return;
      this.refuse(ws, conn, { code: ErrorCode.NameInvalid, message: split.error });
      return;
    }
    if ("error" in split) {
      if (conn.dead || conn.userId !== undefined) return;
      this.refuse(ws, conn, { code: ErrorCode.Forbidden, message: "That owner key is wrong." });
      return;
    }
    if (split.secret !== undefined) keys.trip = await tripOf(this.env, split.secret);
    if (conn.dead) return;
    if (conn.userId !== undefined) {
      this.refuse(ws, conn, {
        code: ErrorCode.AlreadyJoined,
        message: "This connection has joined already.",
      });
      return;
    }
    this.join(ws, conn, { ...frame, name: split.name }, keys);
  }

  /** The room's own owner key, or the deployment's ADMIN_KEY, compared in constant time. */
  private async isOwnerKey(key: string): Promise<boolean> {
    const stored = this.moderation.ownerHash();
    const [own, admin] = await Promise.all([
      stored === null ? false : sha256Hex(key).then((h) => sameSecret(h, stored)),
      this.env.ADMIN_KEY ? sameSecret(key, this.env.ADMIN_KEY) : false,
    ]);
    return own || admin;
  }

  private join(ws: Socket, conn: Connection, frame: JoinFrame, keys: JoinKeys): void {
    const now = Date.now();
    if (frame.ownerKey !== undefined && !keys.owner) {
      this.refuse(ws, conn, { code: ErrorCode.Forbidden, message: "That owner key is wrong." });
      return;
    }
    let resumed = frame.token === undefined ? undefined : this.sessions.byToken(frame.token);
    // A session past its grace is over even if the alarm has not run yet.
    if (resumed && this.sessions.graceOver(resumed, now)) {
      this.endSession(resumed, "disconnect");
      resumed = undefined;
    }
    let row: SessionRow;
    if (resumed) {
      const wasAway = resumed.away_since !== null;
      // The rate bucket belongs to the session: it comes from the connection
      // taken over, or from the row where it was kept while the session was away.
      let { rate, dups } = this.sessions.keptBuckets(resumed);
      // The older live connection of this session, if any, is taken over.
      if (resumed.conn_id !== null) {
        for (const [other, c] of this.connections.withId(resumed.conn_id, ws)) {
          if (c.rate) rate = c.rate;
          if (c.dups) dups = c.dups;
          this.detach(other, c, {
            close: [CloseCode.TakenOver, "taken over by a newer connection"],
          });
        }
      }
      let on = this.sessions.resume(resumed, conn.id);
      // A resumed session keeps its role; the owner key can give it one.
      const promoted = keys.owner && on.row.role !== "owner";
      if (promoted) on = this.sessions.makeOwner(on.row);
      row = on.row;
      if (promoted) this.connections.broadcast({ type: "user", user: on.user }, ws);
      if (rate) conn.rate = rate;
      if (dups) conn.dups = dups;
      if (wasAway) this.connections.broadcast({ type: "back", user: on.user }, ws);
      this.logEvent("info", "resumed", { user: row.user_id, wasAway, shard: shardOf(ws) });
    } else {
      // Owners are exempt from the lock; resuming with a token is not a new session.
      if (this.moderation.settings().locked && !keys.owner) {
        this.refuse(ws, conn, { code: ErrorCode.RoomLocked, message: "This room is locked." });
        return;
      }
      const fresh = this.admit(ws, conn, frame, now, keys);
      if (!fresh) return;
      row = fresh;
    }
    conn.userId = row.user_id;
    conn.name = row.name;
    conn.v = frame.v ?? 1;
    this.connections.save(ws, conn);

    const users = [...this.sessions.users().values()];
    const { messages, gap } = this.history.catchUp(frame.since, WELCOME_RECENT, WELCOME_CATCH_UP);
    const owner = row.role === "owner";
    this.connections.sendTo(ws, {
      ...(owner ? { bans: this.moderation.bans(now) } : {}),
      type: "welcome",
      room: this.room,
      you: toUser(row),
      token: row.token,
      users,
      messages,
      seq: this.history.seq,
      gap,
      v: PROTOCOL_VERSION,
      rev: this.history.rev,
      settings: this.settings(),
      limits: this.limits(),
    });
  }

  /** The room's settings (held, not copied: never change them). */
  private settings(): Readonly<Settings> {
    return this.moderation.settings();
  }

  /** The limits this deployment runs with, as a welcome tells them. */
  private limits(): Limits {
    const limits = {} as Limits;
    for (const name of WELCOME_LIMIT_NAMES) limits[name] = this.config[name];
    return limits;
  }

  /**
   * A fresh session, or null when the join is refused. The name is checked
   * first, then the room's size, the name's uniqueness, the sessions of the
   * address and its join bucket (worker/sessions.ts `admit`). Each refusal
   * leaves the connection open, and only a join that succeeds takes a join
   * token.
   */
  private admit(
    ws: Socket,
    conn: Connection,
    frame: JoinFrame,
    now: number,
    keys: JoinKeys,
  ): SessionRow | null {
    const name = normalizeUserName(frame.name);
    if (!name.ok) {
      this.refuse(ws, conn, { code: ErrorCode.NameInvalid, message: name.error });
      return null;
    }
    const checked = this.sessions.admit(conn.addrKey, name.value, now);
    if (!checked.ok) {
      this.refuse(ws, conn, checked.error);
      return null;
    }
    const { key, replaced } = checked.admission;
    if (replaced) this.endSession(replaced, "disconnect");
    const opener = {
      connId: conn.id,
      addrKey: conn.addrKey,
      tag: conn.tag,
      place: conn.place,
      trip: keys.trip,
      owner: keys.owner,
    };
    const { row, user } = this.sessions.create(opener, name.value, key, now);
    this.connections.broadcast({ type: "joined", user }, ws);
    this.logEvent("info", "joined", { user: row.user_id, tag: row.tag, shard: shardOf(ws) });
    return row;
  }

  /**
   * A send, start to end in one synchronous run: nothing is awaited between
   * accepting it and its write, and the write comes before the broadcast.
   */
  private send(ws: Socket, conn: Connection, frame: SendFrame): void {
    // (v2) In an encrypted room a text is ciphertext, never the command.
    if (!this.moderation.settings().e2ee && isQuitCommand(frame.text)) {
      this.leave(ws, conn);
      return;
    }

    // A repeated id is answered to this connection only, whatever its text.
    const seen = this.history.seen(frame.id);
    if (seen) {
      // Bounded per session, so that repeating one id cannot make the
      // room send far more than it receives.
      const { DUP_BURST: burst, DUP_PER_SEC: perSec } = this.config;
      const dups = this.takeOrRefuse(
        ws,
        conn,
        { id: frame.id },
        conn.dups,
        burst,
        perSec,
        Date.now(),
        {
          message: "Too many repeated messages; wait a moment.",
        },
      );
      if (!dups) return;
      conn.dups = dups;
      this.connections.save(ws, conn);
      const stored = this.history.retained(seen);
      if (stored) {
        this.connections.sendTo(ws, { type: "message", ...stored });
        return;
      }
      this.refuse(ws, conn, {
        code: ErrorCode.Duplicate,
        message: "That message was posted already.",
        id: frame.id,
      });
      return;
    }

    const text = this.checkText(frame.text);
    if (!text.ok) {
      this.refuse(ws, conn, { code: ErrorCode.TextInvalid, message: text.error, id: frame.id });
      return;
    }
    if (frame.replyTo !== undefined) {
      const original = this.history.get(frame.replyTo);
      if (!original || original.deleted) {
        this.refuse(ws, conn, {
          code: ErrorCode.MessageUnknown,
          message: "The message this one answers is not retained, or it was deleted.",
          id: frame.id,
        });
        return;
      }
    }

    const now = Date.now();
    if (this.refuseIfMuted(ws, conn, { id: frame.id }, now)) return;
    // Slow mode: one message per slowMs per session; owners are exempt.
    const slowMs = this.moderation.settings().slowMs;
    const slowed = slowMs > 0 && !this.isOwner(conn);
    if (slowed) {
      const last = this.sessions.postedAt(conn.userId as string);
      if (last !== null && now - last < slowMs) {
        this.refuse(ws, conn, {
          code: ErrorCode.RateLimited,
          message: `Slow mode: one message every ${Math.ceil(slowMs / 1000)} s.`,
          id: frame.id,
          retryAfterMs: last + slowMs - now,
        });
        return;
      }
    }
    if (!this.takeRateToken(ws, conn, { id: frame.id }, now)) return;

    const user = { id: conn.userId as string, name: conn.name as string };
    const message = this.history.append(frame.id, user, frame.text, now, frame.replyTo);
    if (slowed) this.sessions.setPostedAt(user.id, now);
    this.connections.broadcast({ type: "message", ...message });
    this.leases.spend(conn.limiter);
  }

  /**
   * The text rules of a `send` and an `edit`, at the same place in both
   * orders of checks: the plaintext rules (MAX_TEXT, a visible character),
   * or (v2) in an encrypted room the ciphertext's form and MAX_CIPHERTEXT
   * instead, since the room cannot read the text.
   */
  private checkText(text: string) {
    return this.moderation.settings().e2ee
      ? checkCiphertext(text, this.config.MAX_CIPHERTEXT)
      : checkText(text, this.config.MAX_TEXT);
  }

  /**
   * (v2) An owner's frame. The right comes first (`forbidden` for anyone
   * else), then the target (`user_unknown`), then whom it may act on (not
   * itself, not another owner, and no ban of its own address: `forbidden`).
   * Moderation takes no rate token. Every change is stored, then told: the
   * room's settings to everyone, bans to owners, a mute as the user's new
   * state to everyone; a kick or a ban ends the sessions concerned with
   * 4002 or 4003 and `left` with that reason.
   */
  private moderate(ws: Socket, conn: Connection, frame: OwnerFrame): void {
    const refuse = (code: FrameError["code"], message: string) =>
      this.refuse(ws, conn, { code, message });
    if (!this.isOwner(conn)) {
      refuse(ErrorCode.Forbidden, "Only an owner of this room may do that.");
      return;
    }
    const now = Date.now();
    const me = conn.userId as string;
    if (frame.type === "settings") {
      const patch: { topic?: string; slowMs?: number; locked?: boolean } = {};
      if (frame.topic !== undefined) patch.topic = frame.topic;
      if (frame.slowMs !== undefined) patch.slowMs = frame.slowMs;
      if (frame.locked !== undefined) patch.locked = frame.locked;
      const settings = this.moderation.update(patch);
      this.connections.broadcast({ type: "settings", settings });
      this.logEvent("info", "settings_changed", { user: me });
      return;
    }
    if (frame.type === "unban") {
      if (!this.moderation.unban(frame.tag, now)) {
        refuse(ErrorCode.UserUnknown, "No ban of this room has that tag.");
        return;
      }
      this.logEvent("info", "unbanned", { user: me, tag: frame.tag });
      this.sendBans(now);
      return;
    }
    const target = this.sessions.byUser(frame.user);
    if (!target) {
      refuse(ErrorCode.UserUnknown, "No session of this room has that id.");
      return;
    }
    if (target.user_id === me || target.role === "owner") {
      refuse(ErrorCode.Forbidden, "An owner cannot act on itself or on another owner.");
      return;
    }
    switch (frame.type) {
      case "kick":
        this.logEvent("info", "kicked", { user: target.user_id, by: me });
        this.endSession(target, "kick", CloseCode.Kicked);
        return;
      case "ban": {
        if (target.tag === conn.tag) {
          refuse(
            ErrorCode.Forbidden,
            "That session shares your address: a ban would hold you too.",
          );
          return;
        }
        const until = now + (frame.minutes ?? BAN_MINUTES_DEFAULT) * 60_000;
        this.moderation.ban(target.addr ?? target.tag, target.tag, until);
        this.logEvent("info", "banned", { tag: target.tag, by: me, until });
        // Every session of that address, whatever its name. The close says
        // until when (a reading: the banned have no other way to learn it, as
        // a browser cannot read the upgrade's 403), so the page can say it.
        const closeReason = banCloseReason(until);
        for (const row of this.sessions.ofAddress(target.addr, target.tag))
          this.endSession(row, "ban", CloseCode.Banned, closeReason);
        // Connections of that address that have not joined yet close too.
        for (const [other, c] of this.connections.entries()) {
          if (
            !c.dead &&
            c.userId === undefined &&
            (c.addrKey === target.addr || c.tag === target.tag)
          )
            this.detach(other, c, { close: [CloseCode.Banned, closeReason] });
        }
        this.sendBans(now);
        this.scheduleAlarm(until);
        return;
      }
      case "mute": {
        const until = frame.minutes === 0 ? null : now + frame.minutes * 60_000;
        const user = this.sessions.mute(target, until);
        this.connections.broadcast({ type: "user", user });
        this.logEvent("info", until === null ? "unmuted" : "muted", {
          user: target.user_id,
          by: me,
        });
        if (until !== null) this.scheduleAlarm(until);
        return;
      }
    }
  }

  /** The bans in force, to every owner's connection. */
  private sendBans(now: number): void {
    const bans = this.moderation.bans(now);
    for (const [ws, conn] of this.connections.entries()) {
      if (!conn.dead && this.isOwner(conn)) this.connections.sendTo(ws, { type: "bans", bans });
    }
  }

  /** Whether this connection's session is an owner (from the roster, in memory). */
  private isOwner(conn: Connection): boolean {
    return conn.userId !== undefined && this.sessions.users().get(conn.userId)?.role === "owner";
  }

  /** A muted session's send, edit or reaction is refused with the time left. */
  private refuseIfMuted(ws: Socket, conn: Connection, about: About, now: number): boolean {
    const until =
      conn.userId === undefined ? undefined : this.sessions.users().get(conn.userId)?.mutedUntil;
    if (until === undefined || until <= now) return false;
    this.refuse(ws, conn, {
      code: ErrorCode.Muted,
      message: "An owner has muted you in this room.",
      ...about,
      retryAfterMs: until - now,
    });
    return true;
  }

  /**
   * An edit, a deletion or a reaction, start to end in one synchronous run
   * like a send. Checked in the protocol's order: the message
   * (`message_unknown`), the right (`forbidden`, `too_late`), the content
   * (`text_invalid`, `reaction_invalid`, `reaction_limit`), then the rate.
   * A change that changes nothing (the same text, a reaction already held
   * or absent, a deletion of a deleted message) is answered to this
   * connection alone with the message as it is, and costs neither a token
   * nor a rev: a client that lost the answer to a change sends it again,
   * and this is its acknowledgement. Otherwise the change is stored with
   * the next rev, then sent to everyone as `update`.
   */
  private change(ws: Socket, conn: Connection, frame: ChangeFrame): void {
    const seq = frame.seq;
    const refuse = (code: FrameError["code"], message: string) =>
      this.refuse(ws, conn, { code, message, seq });
    const userId = conn.userId as string;
    const message = this.history.get(seq);
    // A deleted message is unknown to edits and reactions; deleting it
    // again is a change that changes nothing.
    if (!message || (message.deleted && frame.type !== "delete")) {
      refuse(ErrorCode.MessageUnknown, "That message is not retained, or it was deleted.");
      return;
    }
    // The session that posted a message is its author: a resumed session
    // (same id) is, a new session under the same name is not.
    // An owner may delete any message (as "owner"; its own as "author").
    const asOwner = frame.type === "delete" && message.user.id !== userId && this.isOwner(conn);
    if (frame.type !== "react" && message.user.id !== userId && !asOwner) {
      refuse(ErrorCode.Forbidden, "Only its author may change a message.");
      return;
    }
    const now = Date.now();
    if (frame.type === "edit" && now - message.ts > this.config.EDIT_WINDOW_MS) {
      refuse(ErrorCode.TooLate, "The time to edit that message is over.");
      return;
    }

    let apply: (() => Message) | null = null;
    switch (frame.type) {
      case "edit": {
        const text = this.checkText(frame.text);
        if (!text.ok) {
          refuse(ErrorCode.TextInvalid, text.error);
          return;
        }
        if (frame.text !== message.text) apply = () => this.history.edit(message, frame.text, now);
        break;
      }
      case "delete":
        if (!message.deleted)
          apply = () => this.history.remove(message, asOwner ? "owner" : "author");
        break;
      case "react": {
        if (!isReactionEmoji(frame.emoji)) {
          refuse(ErrorCode.ReactionInvalid, "A reaction is exactly one emoji.");
          return;
        }
        const toggled = toggleReaction(message.reactions ?? [], frame.emoji, userId, frame.on);
        if (toggled.kind === "limit") {
          refuse(toggled.code, toggled.message);
          return;
        }
        if (toggled.kind === "changed") {
          const reactions = toggled.reactions;
          apply = () => this.history.react(message, reactions);
        }
        break;
      }
    }
    // A muted session may still delete its own messages.
    if (frame.type !== "delete" && this.refuseIfMuted(ws, conn, { seq }, now)) return;
    if (!apply) {
      this.connections.sendTo(ws, { type: "update", message });
      return;
    }
    if (!this.takeRateToken(ws, conn, { seq }, now)) return;
    const updated = apply();
    this.connections.broadcast({ type: "update", message: updated });
    this.leases.spend(conn.limiter);
  }

  /**
   * A send or a change takes a token from its address's share and from its
   * session's bucket, or is refused with `rate_limited` and the wait.
   */
  private takeRateToken(ws: Socket, conn: Connection, about: About, now: number): boolean {
    const addressWait = this.leases.refusal(conn.limiter, now);
    if (addressWait !== null) {
      this.refuse(ws, conn, {
        code: ErrorCode.RateLimited,
        message: "Too many messages from your address; wait a moment.",
        ...about,
        retryAfterMs: addressWait,
      });
      return false;
    }
    const { RATE_BURST: burst, RATE_PER_SEC: perSec } = this.config;
    const rate = this.takeOrRefuse(ws, conn, about, conn.rate, burst, perSec, now, {
      message: "Too many messages; wait a moment.",
    });
    if (!rate) return false;
    conn.rate = rate;
    this.connections.save(ws, conn);
    return true;
  }

  /**
   * One token from a bucket of the session's (its messages, its answers to
   * repeated ids), or the send is refused with `rate_limited` and the wait:
   * the bucket after the take, or null.
   */
  private takeOrRefuse(
    ws: Socket,
    conn: Connection,
    about: About,
    bucket: Bucket | undefined,
    burst: number,
    perSec: number,
    now: number,
    { message }: { message: string },
  ): Bucket | null {
    const took = take(bucket ?? fullBucket(burst, now), burst, perSec, now);
    if (took.ok) return took.bucket;
    this.refuse(ws, conn, {
      code: ErrorCode.RateLimited,
      message,
      ...about,
      retryAfterMs: took.retryAfterMs,
    });
    return null;
  }

  private typing(ws: Socket, conn: Connection): void {
    const now = Date.now();
    if (conn.typedAt !== undefined && now - conn.typedAt < TYPING_INTERVAL_MS) return;
    conn.typedAt = now;
    this.connections.save(ws, conn);
    this.connections.broadcast(
      { type: "typing", user: { id: conn.userId as string, name: conn.name as string } },
      ws,
    );
  }

  private leave(ws: Socket, conn: Connection): void {
    const row = this.sessions.byUser(conn.userId);
    if (row) this.endSession(row, "leave");
    // Also when the row was gone already: this connection is done.
    if (!conn.dead) this.detach(ws, conn, { close: [CloseCode.Normal, "left"] });
  }

  // -------------------------------------------------------------------------
  // Sessions and connections parting

  /**
   * A session leaves for good: on purpose, or because it was away past its
   * grace or made room for a newer session of its address. Its live
   * connection, if it had one, is let go.
   */
  private endSession(
    row: SessionRow,
    reason: LeftReason,
    closeCode: number = CloseCode.Normal,
    closeReason: string = reason === "leave" ? "left" : reason,
  ): void {
    this.sessions.end(row);
    if (row.conn_id !== null) {
      for (const [ws, c] of this.connections.withId(row.conn_id)) {
        this.detach(ws, c, { close: [closeCode, closeReason] });
      }
    }
    this.connections.broadcast({ type: "left", user: toUser(row), reason });
    this.logEvent("info", "left", { user: row.user_id, reason });
  }

  /**
   * The one path by which a session and a connection part, whoever ends it.
   *
   * `away`: the connection is gone, or the server ends it (1008, 1009,
   * 1011, 4001). If it was its session's live connection (not one taken
   * over, not one that left), the session is kept for the grace period with
   * the connection's buckets, and the others see it away. Idempotent: the
   * row is matched on the connection's id.
   *
   * `close`: the server lets go of the connection (also a takeover, a
   * leave, a session's end): it is dead from now on, and closed.
   */
  private detach(ws: Socket, conn: Connection, how: Detach): void {
    if (how.away !== undefined && conn.userId !== undefined) {
      const now = Date.now();
      const gone = this.sessions.away(conn.userId, conn.id, conn.rate, conn.dups, now);
      conn.userId = undefined;
      if (gone) {
        this.connections.broadcast({ type: "away", user: gone.user });
        this.logEvent("info", "away", { user: gone.row.user_id, code: how.away });
        this.scheduleAlarm(now + this.config.RESUME_GRACE_MS);
      }
    }
    if (how.close) this.connections.retire(ws, conn, ...how.close);
  }

  /**
   * After a restart every socket is gone but the sessions are stored: those
   * that were live become away now, and their grace runs from this start.
   */
  private markOrphansAway(): void {
    const now = Date.now();
    const count = this.sessions.markOrphansAway(this.connections.joinedIds(), now);
    if (count === 0) return;
    this.logEvent("info", "sessions_orphaned", { count });
    this.scheduleAlarm(now + this.config.RESUME_GRACE_MS);
  }

  /** Sends an error to one connection; every error counts toward the 1008 rule. */
  private refuse(
    ws: Socket,
    conn: Connection,
    error: FrameError & { retryAfterMs?: number },
  ): void {
    const tooMany = this.connections.countError(ws, conn, Date.now());
    this.connections.sendTo(ws, { type: "error", ...error });
    this.logEvent("info", "refused", { code: error.code, user: conn.userId, tag: conn.tag });
    if (tooMany) {
      this.logEvent("warn", "abuse_closed", { user: conn.userId, tag: conn.tag });
      this.detach(ws, conn, { away: CloseCode.Abuse, close: [CloseCode.Abuse, "too many errors"] });
    }
  }

  // -------------------------------------------------------------------------
  // The alarm, keys, logs

  private scheduleAlarm(at: number): void {
    if (this.alarmAt !== null && this.alarmAt <= at) return;
    this.alarmAt = at;
    void this.ctx.storage.setAlarm(at);
  }

  /** Sets the alarm for the part that is due first: a grace that ends, a join that times out. */
  private scheduleNextAlarm(): void {
    const due = [
      this.sessions.nextExpiry(),
      this.connections.nextJoinTimeout(this.config.JOIN_TIMEOUT_MS),
      this.moderation.nextExpiry(),
      this.sessions.nextMuteEnd(),
    ].filter((t): t is number => t !== null);
    if (due.length > 0) this.scheduleAlarm(Math.min(...due));
  }

  /**
   * HMAC-SHA-256 of the address under a key made once for this room and kept
   * in its storage: the tag is stable per address and room, and the address
   * cannot be recovered from it.
   */
  private async addressKey(addr: string): Promise<string> {
    this.tagKey ??= (async () => {
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
      return hmacKey(raw);
    })();
    return hmacHex(await this.tagKey, addr, 16);
  }

  private logEvent(level: "info" | "warn" | "error", event: string, fields: LogFields = {}): void {
    log(level, event, { room: this.room, ...fields });
  }
}
