// A room's history: the `messages` table (the newest HISTORY_LIMIT messages,
// by seq) and `pruned_ids` (the ids of messages pruned, kept 24 h so that a
// late resend is still known as one). It hands out the next seq, appends,
// finds a message by id, answers catch-up and pages, and prunes.
import { ID_RETENTION_MS, type Message, type MessagePage } from "../protocol";
import type { Config } from "./config";

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

/** Pruned rows are moved out of `messages` this many at a time. */
const PRUNE_BATCH = 64;

/** A message id seen before: its seq, and whether its row is still in `messages`. */
export interface Seen {
  seq: number;
  kept: number;
}

export class History {
  /** The latest seq: the only per-message read, answered from memory. */
  private last: number;
  /** Rows up to this seq have been moved out of `messages` (see `prune`). */
  private movedUpTo: number;

  /** `exists`: whether the room has tables; a room without them has no history. */
  constructor(
    private readonly sql: SqlStorage,
    private readonly config: Config,
    exists: boolean,
  ) {
    const bounds = exists
      ? sql
          .exec<{ lo: number | null; hi: number | null }>(
            "SELECT min(seq) AS lo, max(seq) AS hi FROM messages",
          )
          .one()
      : { lo: null, hi: null };
    this.last = bounds.hi ?? 0;
    this.movedUpTo = (bounds.lo ?? 1) - 1;
  }

  /** The latest seq, 0 before the first message. */
  get seq(): number {
    return this.last;
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
    // A row past the retained window is pruned, even before it is moved out.
    const row =
      seen.kept && seen.seq > this.pruneCut
        ? this.sql.exec<MessageRow>("SELECT * FROM messages WHERE seq = ?", seen.seq).toArray()[0]
        : undefined;
    return row ? toMessage(row) : undefined;
  }

  /** Stores a message with the next seq, and prunes. Synchronous: the caller broadcasts after. */
  append(id: string, user: { id: string; name: string }, text: string, now: number): Message {
    const message: Message = { seq: this.last + 1, id, user, text, ts: now };
    this.sql.exec(
      "INSERT INTO messages (seq, id, user_id, name, text, ts) VALUES (?, ?, ?, ?, ?, ?)",
      message.seq,
      message.id,
      message.user.id,
      message.user.name,
      message.text,
      message.ts,
    );
    this.last = message.seq;
    this.prune(now);
    return message;
  }

  /**
   * What a `welcome` carries: the newest messages without `since`; with it,
   * the newest after it, and whether some between were lost (pruned or
   * beyond the catch-up).
   */
  catchUp(
    since: number | undefined,
    recent: number,
    catchUp: number,
  ): { messages: Message[]; gap: boolean } {
    if (since === undefined)
      return { messages: this.newestAfter(this.pruneCut, recent), gap: false };
    const from = Math.min(since, this.last);
    const messages = this.newestAfter(from, catchUp);
    return { messages, gap: from < this.last && messages[0]?.seq !== from + 1 };
  }

  /** A page of retained messages before `before` (or the newest), oldest first. */
  page(before: number | undefined, limit: number): MessagePage {
    const rows = this.sql
      .exec<MessageRow>(
        "SELECT seq, id, user_id, name, text, ts FROM messages WHERE seq < ? AND seq > ? ORDER BY seq DESC LIMIT ?",
        before ?? this.last + 1,
        this.pruneCut,
        limit + 1,
      )
      .toArray();
    const more = rows.length > limit;
    if (more) rows.pop();
    return { messages: rows.reverse().map(toMessage), more };
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
}
