// A room's history: the `messages` table (the newest HISTORY_LIMIT messages,
// by seq, each folded with its edits, deletion and reactions) and
// `pruned_ids` (the ids of messages pruned, kept 24 h so that a late resend
// is still known as one). It hands out the next seq and the next rev,
// appends, changes a message, finds a message by id or seq, answers
// catch-up (by rev) and pages, and prunes.
//
// Two counters, both kept in memory and rebuilt from the table on start:
// `seq` counts messages, `rev` counts changes (a message, an edit, a
// deletion, a reaction added or removed). The rev of a pruned message must
// outlive it, or a restart after the latest change was pruned would hand out
// a rev twice: a prune keeps the highest rev it removes in `meta`.
//
// Recently written or read messages are kept folded in a small cache, so
// that a reaction toggle or an edit of a recent message (the common case)
// costs one UPDATE and no read.
import {
  type DeletedBy,
  ID_RETENTION_MS,
  type Message,
  type MessagePage,
  type Reaction,
} from "../protocol";
import type { Config } from "./config";
import { decodeReactions, encodeReactions } from "./reactions";

interface MessageRow extends Record<string, SqlStorageValue> {
  seq: number;
  id: string;
  user_id: string;
  name: string;
  text: string;
  ts: number;
  rev: number;
  reply_to: number | null;
  edited_at: number | null;
  deleted: string | null;
  reactions: string | null;
}

const COLUMNS = "seq, id, user_id, name, text, ts, rev, reply_to, edited_at, deleted, reactions";

const toMessage = (r: MessageRow): Message => {
  const m: Message = {
    seq: r.seq,
    id: r.id,
    user: { id: r.user_id, name: r.name },
    text: r.text,
    ts: r.ts,
    rev: r.rev,
  };
  if (r.reply_to !== null) m.replyTo = r.reply_to;
  if (r.edited_at !== null) m.editedAt = r.edited_at;
  if (r.deleted !== null) m.deleted = r.deleted as DeletedBy;
  const reactions = decodeReactions(r.reactions);
  if (reactions) m.reactions = reactions;
  return m;
};

/** Pruned rows are moved out of `messages` this many at a time. */
const PRUNE_BATCH = 64;
/** Folded messages kept in memory (the newest written or read). */
const CACHE_SIZE = 256;

/** A message id seen before: its seq, and whether its row is still in `messages`. */
export interface Seen {
  seq: number;
  kept: number;
}

export class History {
  /** The latest seq: the only per-message read, answered from memory. */
  private last: number;
  /** The latest rev, likewise. */
  private lastRev: number;
  /** Rows up to this seq have been moved out of `messages` (see `prune`). */
  private movedUpTo: number;
  /** The highest rev among the rows moved out (from `meta`). */
  private prunedRev: number;
  /** seq → message as it is now; Map order is the recency order. */
  private readonly cache = new Map<number, Message>();

  /** `exists`: whether the room has tables; a room without them has no history. */
  constructor(
    private readonly sql: SqlStorage,
    private readonly config: Config,
    exists: boolean,
  ) {
    const bounds = exists
      ? sql
          .exec<{ lo: number | null; hi: number | null; rev: number | null }>(
            "SELECT min(seq) AS lo, max(seq) AS hi, max(rev) AS rev FROM messages",
          )
          .one()
      : { lo: null, hi: null, rev: null };
    this.prunedRev = exists
      ? Number(
          sql
            .exec<{ value: number }>("SELECT value FROM meta WHERE key = 'pruned_rev'")
            .toArray()[0]?.value ?? 0,
        )
      : 0;
    this.last = bounds.hi ?? 0;
    this.lastRev = Math.max(bounds.rev ?? 0, this.prunedRev);
    this.movedUpTo = (bounds.lo ?? 1) - 1;
  }

  /** The latest seq, 0 before the first message. */
  get seq(): number {
    return this.last;
  }

  /** The latest rev, 0 before the first message. */
  get rev(): number {
    return this.lastRev;
  }

  /**
   * Messages with a seq up to this one are pruned: the room retains exactly
   * its newest HISTORY_LIMIT, whatever rows are still to be moved out.
   */
  private get pruneCut(): number {
    return Math.max(0, this.last - this.config.HISTORY_LIMIT);
  }

  /** Whether a message id was used already, retained or pruned. */
  seen(id: string): Seen | undefined {
    return this.sql
      .exec<{ seq: number; kept: number }>(
        "SELECT seq, 1 AS kept FROM messages WHERE id = ? UNION ALL SELECT seq, 0 AS kept FROM pruned_ids WHERE id = ?",
        id,
        id,
      )
      .toArray()[0];
  }

  /** The message a seen id stands for, if the room still retains it. */
  retained(seen: Seen): Message | undefined {
    return seen.kept ? this.get(seen.seq) : undefined;
  }

  /** The retained message with this seq, as it is now (deleted ones included). */
  get(seq: number): Message | undefined {
    // A row past the retained window is pruned, even before it is moved out.
    if (seq <= this.pruneCut || seq > this.last) return undefined;
    const cached = this.cache.get(seq);
    if (cached) {
      this.remember(cached);
      return cached;
    }
    const row = this.sql
      .exec<MessageRow>(`SELECT ${COLUMNS} FROM messages WHERE seq = ?`, seq)
      .toArray()[0];
    if (!row) return undefined;
    const message = toMessage(row);
    this.remember(message);
    return message;
  }

  /**
   * Stores a message with the next seq and rev, and prunes. Synchronous:
   * the caller broadcasts after.
   */
  append(
    id: string,
    user: { id: string; name: string },
    text: string,
    now: number,
    replyTo?: number,
  ): Message {
    const message: Message = { seq: this.last + 1, id, user, text, ts: now, rev: this.lastRev + 1 };
    if (replyTo !== undefined) message.replyTo = replyTo;
    this.sql.exec(
      "INSERT INTO messages (seq, id, user_id, name, text, ts, rev, reply_to) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      message.seq,
      message.id,
      message.user.id,
      message.user.name,
      message.text,
      message.ts,
      message.rev,
      message.replyTo ?? null,
    );
    this.last = message.seq;
    this.lastRev = message.rev;
    this.remember(message);
    this.prune(now);
    return message;
  }

  /** Sets a message's text (an edit), with the next rev. */
  edit(message: Message, text: string, now: number): Message {
    const next: Message = { ...message, text, editedAt: now, rev: this.lastRev + 1 };
    this.sql.exec(
      "UPDATE messages SET text = ?, edited_at = ?, rev = ? WHERE seq = ?",
      text,
      now,
      next.rev,
      message.seq,
    );
    return this.changed(next);
  }

  /** Deletes a message: a tombstone that keeps seq, id, user, ts and replyTo. */
  remove(message: Message, by: DeletedBy): Message {
    const next: Message = {
      seq: message.seq,
      id: message.id,
      user: message.user,
      text: "",
      ts: message.ts,
      rev: this.lastRev + 1,
      deleted: by,
    };
    if (message.replyTo !== undefined) next.replyTo = message.replyTo;
    this.sql.exec(
      "UPDATE messages SET text = '', edited_at = NULL, reactions = NULL, deleted = ?, rev = ? WHERE seq = ?",
      by,
      next.rev,
      message.seq,
    );
    return this.changed(next);
  }

  /** Sets a message's reactions (the result of a toggle), with the next rev. */
  react(message: Message, reactions: Reaction[]): Message {
    const next: Message = { ...message, rev: this.lastRev + 1 };
    if (reactions.length) next.reactions = reactions;
    else delete next.reactions;
    this.sql.exec(
      "UPDATE messages SET reactions = ?, rev = ? WHERE seq = ?",
      encodeReactions(reactions),
      next.rev,
      message.seq,
    );
    return this.changed(next);
  }

  /**
   * What a `welcome` carries: the newest messages without `since`; with it
   * (a rev), the retained messages changed after it, at most `catchUp` of
   * them with the highest seq, and whether some changed message is not
   * among them (pruned, or beyond the catch-up).
   */
  catchUp(
    since: number | undefined,
    recent: number,
    catchUp: number,
  ): { messages: Message[]; gap: boolean } {
    if (since === undefined)
      return { messages: this.newestAfter(this.pruneCut, recent), gap: false };
    const from = Math.min(since, this.lastRev);
    const rows = this.sql
      .exec<MessageRow>(
        `SELECT ${COLUMNS} FROM messages WHERE rev > ? AND seq > ? ORDER BY seq DESC LIMIT ?`,
        from,
        this.pruneCut,
        catchUp + 1,
      )
      .toArray();
    const beyond = rows.length > catchUp;
    if (beyond) rows.pop();
    return {
      messages: rows.reverse().map((r) => this.fresh(r)),
      gap: beyond || from < this.prunedRevNow(),
    };
  }

  /** A page of retained messages before `before` (or the newest), oldest first. */
  page(before: number | undefined, limit: number): MessagePage {
    const rows = this.sql
      .exec<MessageRow>(
        `SELECT ${COLUMNS} FROM messages WHERE seq < ? AND seq > ? ORDER BY seq DESC LIMIT ?`,
        before ?? this.last + 1,
        this.pruneCut,
        limit + 1,
      )
      .toArray();
    const more = rows.length > limit;
    if (more) rows.pop();
    return { messages: rows.reverse().map((r) => this.fresh(r)), more };
  }

  /** The newest `limit` retained messages after seq `since`, oldest first. */
  private newestAfter(since: number, limit: number): Message[] {
    return this.sql
      .exec<MessageRow>(
        `SELECT ${COLUMNS} FROM messages WHERE seq > ? ORDER BY seq DESC LIMIT ?`,
        Math.max(since, this.pruneCut),
        limit,
      )
      .toArray()
      .reverse()
      .map((r) => this.fresh(r));
  }

  /** A row read in bulk, folded; the cache keeps the newest of each seq. */
  private fresh(row: MessageRow): Message {
    return this.cache.get(row.seq) ?? toMessage(row);
  }

  /**
   * The highest rev among pruned messages: those moved out (kept in `meta`)
   * and those past the window whose rows are still to be moved.
   */
  private prunedRevNow(): number {
    if (this.pruneCut <= this.movedUpTo) return this.prunedRev;
    const r = this.sql
      .exec<{ rev: number | null }>(
        "SELECT max(rev) AS rev FROM messages WHERE seq <= ?",
        this.pruneCut,
      )
      .one().rev;
    return Math.max(this.prunedRev, r ?? 0);
  }

  private changed(message: Message): Message {
    this.lastRev = message.rev;
    this.cache.delete(message.seq);
    this.remember(message);
    return message;
  }

  private remember(message: Message): void {
    this.cache.delete(message.seq);
    this.cache.set(message.seq, message);
    if (this.cache.size > CACHE_SIZE) {
      const oldest = this.cache.keys().next().value as number;
      this.cache.delete(oldest);
    }
  }

  /**
   * Moves the rows past the retained window out of `messages`, keeping their
   * ids for 24 h and the highest rev among them. It runs once every
   * PRUNE_BATCH messages rather than on every write: a few statements per
   * batch instead of per message, while the reads above never show more
   * than the newest HISTORY_LIMIT. A message's reactions live in its row
   * and go with it.
   */
  private prune(now: number): void {
    const cut = this.pruneCut;
    if (cut < this.movedUpTo + PRUNE_BATCH) return;
    const rev = this.prunedRevNow();
    if (rev > this.prunedRev) {
      this.sql.exec(
        "INSERT INTO meta (key, value) VALUES ('pruned_rev', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        rev,
      );
      this.prunedRev = rev;
    }
    this.sql.exec(
      "INSERT OR IGNORE INTO pruned_ids (id, seq, ts) SELECT id, seq, ts FROM messages WHERE seq <= ?",
      cut,
    );
    this.sql.exec("DELETE FROM messages WHERE seq <= ?", cut);
    this.sql.exec("DELETE FROM pruned_ids WHERE ts < ?", now - ID_RETENTION_MS);
    for (const seq of this.cache.keys()) if (seq <= cut) this.cache.delete(seq);
    this.movedUpTo = cut;
  }
}
