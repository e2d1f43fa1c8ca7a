// A room's sessions: the `sessions` table (who joined, under which name and
// token, live on which connection or away since when, and the buckets kept
// while away), the roster that mirrors it in memory, and the `join_buckets`
// table (fresh joins per address). It reads and writes; the room decides
// what to tell whom.
import { ErrorCode, type FrameError, nameKey, type User } from "../protocol";
import type { Config } from "./config";
import { type Bucket, fullBucket, take } from "./ratelimit";
import { randomId } from "./util";

export interface SessionRow extends Record<string, SqlStorageValue> {
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
  /** (v2) "owner", or null. */
  role: string | null;
  /** (v2) Until when the session is muted, or null. */
  muted_until: number | null;
  /** (v2) The trip of `name#secret`, or null. */
  trip: string | null;
  /** (v2) When it last posted a message (slow mode), or null. */
  posted_at: number | null;
}

export const toUser = (r: SessionRow): User => {
  const user: User = {
    id: r.user_id,
    name: r.name,
    joinedAt: r.joined_at,
    away: r.away_since !== null,
    tag: r.tag,
  };
  if (r.place) user.from = r.place;
  if (r.trip) user.trip = r.trip;
  if (r.role === "owner") user.role = "owner";
  if (r.muted_until !== null) user.mutedUntil = r.muted_until;
  return user;
};

/** A row's kept bucket, when it has one. */
const kept = (tokens: number | null, at: number | null): Bucket | undefined =>
  tokens !== null && at !== null ? { tokens, at } : undefined;

/** What a fresh join needs once every check passed. */
export interface Admission {
  /** The name's key, for the uniqueness index. */
  key: string;
  /** The address's session away the longest, which makes room for this one. */
  replaced: SessionRow | undefined;
}

/** Who opens a fresh session: the connection's side of the row. */
export interface Opener {
  connId: string;
  addrKey: string;
  tag: string;
  place: string | undefined;
  /** (v2) */
  trip?: string | undefined;
  owner?: boolean;
}

export class Sessions {
  /**
   * Every stored session as the protocol shows it, in join order: what a
   * `welcome` lists and what MAX_USERS counts. Read from `sessions` once
   * after a start, then kept in step with every write to that table, so
   * that a join does not read and sort the whole table (a storm of n joins
   * would be O(n²) rows). Null until first needed.
   */
  private roster: Map<string, User> | null = null;
  /** (v2) `posted_at` of the sessions asked about since the object started (slow mode). */
  private readonly posted = new Map<string, number | null>();
  /** The roster's last entry when it was appended, an upper bound of its join order. */
  private rosterTail: User | undefined;

  constructor(
    private readonly sql: SqlStorage,
    private readonly config: Config,
  ) {}

  /** Sessions with a live connection. */
  online(): number {
    return this.sql
      .exec<{ n: number }>("SELECT count(*) AS n FROM sessions WHERE away_since IS NULL")
      .one().n;
  }

  byToken(token: string): SessionRow | undefined {
    return this.sql.exec<SessionRow>("SELECT * FROM sessions WHERE token = ?", token).toArray()[0];
  }

  byUser(userId: string | undefined): SessionRow | undefined {
    return this.sql
      .exec<SessionRow>("SELECT * FROM sessions WHERE user_id = ?", userId)
      .toArray()[0];
  }

  /** Away past its grace: over, even if the alarm has not ended it yet. */
  graceOver(row: SessionRow, now: number): boolean {
    return row.away_since !== null && row.away_since <= now - this.config.RESUME_GRACE_MS;
  }

  /** Sessions whose grace period is over at `now`. */
  expired(now: number): SessionRow[] {
    return this.sql
      .exec<SessionRow>(
        "SELECT * FROM sessions WHERE away_since IS NOT NULL AND away_since <= ?",
        now - this.config.RESUME_GRACE_MS,
      )
      .toArray();
  }

  /** When the first away session's grace ends, if any is away. */
  nextExpiry(): number | null {
    const away = this.sql
      .exec<{ t: number | null }>(
        "SELECT min(away_since) AS t FROM sessions WHERE away_since IS NOT NULL",
      )
      .one().t;
    return away === null ? null : away + this.config.RESUME_GRACE_MS;
  }

  /** The buckets a session kept while it was away. */
  keptBuckets(row: SessionRow): { rate: Bucket | undefined; dups: Bucket | undefined } {
    return { rate: kept(row.rate_tokens, row.rate_at), dups: kept(row.dup_tokens, row.dup_at) };
  }

  /** A session goes on, on connection `connId`: live again if it was away. */
  resume(row: SessionRow, connId: string): { row: SessionRow; user: User } {
    this.sql.exec(
      "UPDATE sessions SET away_since = NULL, conn_id = ? WHERE user_id = ?",
      connId,
      row.user_id,
    );
    const updated = { ...row, away_since: null, conn_id: connId };
    return { row: updated, user: this.rosterPut(updated) };
  }

  /**
   * The checks of a fresh join past its name, in order: the room's size,
   * the name's uniqueness, the sessions of the address (`MAX_CONN_PER_IP`,
   * live and away together: the one away the longest makes room), the
   * address's join bucket. A refusal changes nothing; only a join that
   * passes them all takes a join token.
   */
  admit(
    addrKey: string,
    name: string,
    now: number,
  ):
    | { ok: true; admission: Admission }
    | { ok: false; error: FrameError & { retryAfterMs?: number } } {
    const mine = this.sql
      .exec<{ user_id: string; away_since: number | null }>(
        "SELECT user_id, away_since FROM sessions WHERE addr = ?",
        addrKey,
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
      return { ok: false, error: { code: ErrorCode.RoomFull, message: "The room is full." } };
    }
    const key = nameKey(name);
    const holder = this.sql
      .exec<{ user_id: string }>("SELECT user_id FROM sessions WHERE name_key = ?", key)
      .toArray()[0];
    if (holder && holder.user_id !== replaced) {
      return {
        ok: false,
        error: { code: ErrorCode.NameTaken, message: "Someone in this room has that name." },
      };
    }
    if (mine.length >= this.config.MAX_CONN_PER_IP && !replaced) {
      return {
        ok: false,
        error: {
          code: ErrorCode.TooManySessions,
          message: `At most ${this.config.MAX_CONN_PER_IP} sessions per address in one room.`,
        },
      };
    }
    const stored = this.sql
      .exec<{ tokens: number; at: number }>(
        "SELECT tokens, at FROM join_buckets WHERE addr = ?",
        addrKey,
      )
      .toArray()[0];
    const { JOIN_BURST: burst, JOIN_PER_SEC: perSec } = this.config;
    const took = take(stored ?? fullBucket(burst, now), burst, perSec, now);
    if (!took.ok) {
      return {
        ok: false,
        error: {
          code: ErrorCode.RateLimited,
          message: "Too many joins from your address; wait a moment.",
          retryAfterMs: took.retryAfterMs,
        },
      };
    }
    this.sql.exec(
      "INSERT INTO join_buckets (addr, tokens, at) VALUES (?, ?, ?) ON CONFLICT (addr) DO UPDATE SET tokens = excluded.tokens, at = excluded.at",
      addrKey,
      took.bucket.tokens,
      took.bucket.at,
    );
    return { ok: true, admission: { key, replaced: replaced ? this.byUser(replaced) : undefined } };
  }

  /** Stores a fresh session, live on the opener's connection. */
  create(by: Opener, name: string, key: string, now: number): { row: SessionRow; user: User } {
    const row: SessionRow = {
      user_id: randomId(12),
      token: randomId(32),
      name,
      tag: by.tag,
      place: by.place ?? null,
      joined_at: now,
      away_since: null,
      conn_id: by.connId,
      rate_tokens: null,
      rate_at: null,
      addr: by.addrKey,
      dup_tokens: null,
      dup_at: null,
      role: by.owner ? "owner" : null,
      muted_until: null,
      trip: by.trip ?? null,
      posted_at: null,
    };
    this.sql.exec(
      "INSERT INTO sessions (user_id, token, name, name_key, tag, place, joined_at, conn_id, addr, role, trip) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      row.user_id,
      row.token,
      row.name,
      key,
      row.tag,
      row.place,
      row.joined_at,
      row.conn_id,
      row.addr,
      row.role,
      row.trip,
    );
    return { row, user: this.rosterPut(row) };
  }

  /** (v2) Makes a session an owner; returns it as shown. */
  makeOwner(row: SessionRow): { row: SessionRow; user: User } {
    this.sql.exec("UPDATE sessions SET role = 'owner' WHERE user_id = ?", row.user_id);
    const updated = { ...row, role: "owner" };
    return { row: updated, user: this.rosterPut(updated) };
  }

  /** (v2) Mutes a session until then, or lifts its mute (null). */
  mute(row: SessionRow, until: number | null): User {
    this.sql.exec("UPDATE sessions SET muted_until = ? WHERE user_id = ?", until, row.user_id);
    return this.rosterPut({ ...row, muted_until: until });
  }

  /** (v2) Sessions whose mute has ended at `now`. */
  expiredMutes(now: number): SessionRow[] {
    return this.sql
      .exec<SessionRow>(
        "SELECT * FROM sessions WHERE muted_until IS NOT NULL AND muted_until <= ?",
        now,
      )
      .toArray();
  }

  /** (v2) When the first mute ends, if any. */
  nextMuteEnd(): number | null {
    return this.sql.exec<{ t: number | null }>("SELECT min(muted_until) AS t FROM sessions").one()
      .t;
  }

  /** (v2) The sessions made from an address (by the room's hash of it, or its tag). */
  ofAddress(addr: string | null, tag: string): SessionRow[] {
    return this.sql
      .exec<SessionRow>("SELECT * FROM sessions WHERE addr = ? OR tag = ?", addr, tag)
      .toArray();
  }

  /**
   * (v2) When the session last posted (slow mode): read from its row once,
   * then held, so that a send in a slowed room reads nothing.
   */
  postedAt(userId: string): number | null {
    let at = this.posted.get(userId);
    if (at === undefined) {
      at =
        this.sql
          .exec<{ posted_at: number | null }>(
            "SELECT posted_at FROM sessions WHERE user_id = ?",
            userId,
          )
          .toArray()[0]?.posted_at ?? null;
      this.posted.set(userId, at);
    }
    return at;
  }

  setPostedAt(userId: string, at: number): void {
    this.sql.exec("UPDATE sessions SET posted_at = ? WHERE user_id = ?", at, userId);
    this.posted.set(userId, at);
  }

  /** A session is over: its row goes. */
  end(row: SessionRow): void {
    this.sql.exec("DELETE FROM sessions WHERE user_id = ?", row.user_id);
    this.roster?.delete(row.user_id);
    this.posted.delete(row.user_id);
  }

  /**
   * The session's live connection `connId` is gone: the session is away from
   * `now`, keeping the connection's buckets. Nothing when that connection
   * was not the session's (taken over, or left): the row is matched on
   * conn_id, so this is idempotent.
   */
  away(
    userId: string,
    connId: string,
    rate: Bucket | undefined,
    dups: Bucket | undefined,
    now: number,
  ): { row: SessionRow; user: User } | undefined {
    const row = this.sql
      .exec<SessionRow>(
        "UPDATE sessions SET away_since = ?, conn_id = NULL, rate_tokens = ?, rate_at = ?, dup_tokens = ?, dup_at = ? WHERE user_id = ? AND conn_id = ? RETURNING *",
        now,
        rate ? rate.tokens : null,
        rate ? rate.at : null,
        dups ? dups.tokens : null,
        dups ? dups.at : null,
        userId,
        connId,
      )
      .toArray()[0];
    return row ? { row, user: this.rosterPut(row) } : undefined;
  }

  /**
   * After a restart every socket is gone but the sessions are stored: those
   * that were live on none of `liveConnIds` become away now. Returns how many.
   */
  markOrphansAway(liveConnIds: ReadonlySet<string>, now: number): number {
    const orphans = this.sql
      .exec<{ user_id: string; conn_id: string }>(
        "SELECT user_id, conn_id FROM sessions WHERE away_since IS NULL",
      )
      .toArray()
      .filter((r) => !liveConnIds.has(r.conn_id));
    if (orphans.length === 0) return 0;
    for (const r of orphans) {
      this.sql.exec(
        "UPDATE sessions SET away_since = ?, conn_id = NULL WHERE user_id = ?",
        now,
        r.user_id,
      );
    }
    this.roster = null;
    return orphans.length;
  }

  /** Join buckets that have refilled are the same as no bucket. */
  forgetFullJoinBuckets(now: number): void {
    const refill = (this.config.JOIN_BURST / this.config.JOIN_PER_SEC) * 1000;
    this.sql.exec("DELETE FROM join_buckets WHERE at <= ?", now - refill);
  }

  users(): Map<string, User> {
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
}
