// The room's SQLite schema and its migrations. Each migration runs once, in
// order, inside one synchronous transaction; the version reached is kept in
// the `meta` table, so a room created by an older deploy is brought up to
// date the first time the new code wakes it. A migration is SQL, or a
// function for what SQL cannot compute (a name key is Unicode work).
//
// A room that was never used has no tables at all: reads of it answer from
// nothing (`roomExists` is false) and create nothing; the first connection
// runs the migrations.
import { nameKey } from "../protocol";

type Migration = string | ((sql: SqlStorage) => void);

const MIGRATIONS: readonly Migration[] = [
  // 1: messages, the ids of pruned messages, sessions.
  `
  CREATE TABLE messages (
    seq     INTEGER PRIMARY KEY,
    id      TEXT    NOT NULL UNIQUE,
    user_id TEXT    NOT NULL,
    name    TEXT    NOT NULL,
    text    TEXT    NOT NULL,
    ts      INTEGER NOT NULL
  );
  -- A message's id outlives the message by at least 24 hours, so that a late
  -- resend is recognised as a duplicate instead of being posted again.
  CREATE TABLE pruned_ids (
    id  TEXT    PRIMARY KEY,
    seq INTEGER NOT NULL,
    ts  INTEGER NOT NULL
  );
  CREATE INDEX pruned_ids_ts ON pruned_ids (ts);
  CREATE TABLE sessions (
    user_id     TEXT    PRIMARY KEY,
    token       TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    name_key    TEXT    NOT NULL UNIQUE,
    tag         TEXT    NOT NULL,
    place       TEXT,
    joined_at   INTEGER NOT NULL,
    -- NULL while a connection is live; when it dropped, otherwise.
    away_since  INTEGER,
    -- The live connection's id (in its attachment), NULL while away.
    conn_id     TEXT,
    -- The rate limiter's bucket, kept while the session is away so that
    -- reconnecting does not refill it.
    rate_tokens REAL,
    rate_at     INTEGER
  );
  CREATE INDEX sessions_away ON sessions (away_since) WHERE away_since IS NOT NULL;
  `,
  // 2 (hardening): the sessions of one address are counted, so each session
  // keeps the room's hash of its address (NULL for sessions made before);
  // the bucket of answers to repeated ids is the session's, kept while it is
  // away like its rate bucket; fresh joins per address have a bucket that
  // survives hibernation.
  `
  ALTER TABLE sessions ADD COLUMN addr TEXT;
  ALTER TABLE sessions ADD COLUMN dup_tokens REAL;
  ALTER TABLE sessions ADD COLUMN dup_at INTEGER;
  CREATE INDEX sessions_addr ON sessions (addr) WHERE addr IS NOT NULL;
  CREATE TABLE join_buckets (
    addr   TEXT    PRIMARY KEY,
    tokens REAL    NOT NULL,
    at     INTEGER NOT NULL
  );
  `,
  // 3: name keys became NFKC without ignorable code points, case-folded.
  // Two stored sessions whose new keys meet keep their old keys: both stay,
  // and new joins are compared with both.
  (sql) => {
    const rows = sql
      .exec<{ user_id: string; name: string }>("SELECT user_id, name FROM sessions")
      .toArray();
    for (const { user_id, name } of rows) {
      sql.exec(
        "UPDATE OR IGNORE sessions SET name_key = ? WHERE user_id = ?",
        nameKey(name),
        user_id,
      );
    }
  },
  // 4 (protocol v2, conversations): a message keeps the rev of its latest
  // change (equal to its seq until something changes, so rooms of older
  // deploys carry on where they were), the message it answers, when it was
  // last edited, whether it was deleted and by whom, and its reactions as
  // compact JSON (read and written whole with the row; they go with it when
  // it is pruned). Catch-up reads by rev.
  `
  ALTER TABLE messages ADD COLUMN rev INTEGER NOT NULL DEFAULT 0;
  UPDATE messages SET rev = seq;
  ALTER TABLE messages ADD COLUMN reply_to INTEGER;
  ALTER TABLE messages ADD COLUMN edited_at INTEGER;
  ALTER TABLE messages ADD COLUMN deleted TEXT;
  ALTER TABLE messages ADD COLUMN reactions TEXT;
  CREATE INDEX messages_rev ON messages (rev);
  `,
  // 5 (protocol v2, owners and moderation): a session's role, mute and trip,
  // and when it last posted (for slow mode); the room's settings and the
  // SHA-256 of its owner key in one row; bans by the room's hash of the
  // address, with the tag that names them to owners.
  `
  ALTER TABLE sessions ADD COLUMN role TEXT;
  ALTER TABLE sessions ADD COLUMN muted_until INTEGER;
  ALTER TABLE sessions ADD COLUMN trip TEXT;
  ALTER TABLE sessions ADD COLUMN posted_at INTEGER;
  CREATE INDEX sessions_muted ON sessions (muted_until) WHERE muted_until IS NOT NULL;
  CREATE TABLE settings (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    topic      TEXT    NOT NULL DEFAULT '',
    slow_ms    INTEGER NOT NULL DEFAULT 0,
    locked     INTEGER NOT NULL DEFAULT 0,
    e2ee       INTEGER NOT NULL DEFAULT 0,
    owner_hash TEXT
  );
  CREATE TABLE bans (
    addr  TEXT    PRIMARY KEY,
    tag   TEXT    NOT NULL,
    until INTEGER NOT NULL
  );
  CREATE INDEX bans_until ON bans (until);
  CREATE INDEX bans_tag ON bans (tag);
  `,
  // 6 (issue 17, fan-out shards): the sockets that shards hold for the room,
  // each with the shard's name and its attachment as JSON (what a local
  // socket keeps in the runtime), so that a room that restarts or wakes
  // finds them, and its shards, again.
  `
  CREATE TABLE remote_sockets (
    id    TEXT PRIMARY KEY,
    shard TEXT NOT NULL,
    att   TEXT NOT NULL
  );
  CREATE INDEX remote_sockets_shard ON remote_sockets (shard);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Whether this room has ever been used: its `meta` table exists. Reads, creates nothing. */
export function roomExists(sql: SqlStorage): boolean {
  return (
    sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").toArray()
      .length > 0
  );
}

export function migrate(storage: DurableObjectStorage): void {
  const sql = storage.sql;
  sql.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value)");
  const row = sql
    .exec<{ value: number }>("SELECT value FROM meta WHERE key = 'schema_version'")
    .toArray()[0];
  const current = row ? Number(row.value) : 0;
  if (current >= MIGRATIONS.length) return;
  storage.transactionSync(() => {
    for (let v = current; v < MIGRATIONS.length; v++) {
      const step = MIGRATIONS[v] as Migration;
      if (typeof step === "string") sql.exec(step);
      else step(sql);
    }
    sql.exec(
      "INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      MIGRATIONS.length,
    );
  });
}
