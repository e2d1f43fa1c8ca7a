// The room's SQLite schema and its migrations. Each migration runs once, in
// order, inside one synchronous transaction; the version reached is kept in
// the `meta` table, so a room created by an older deploy is brought up to
// date the first time the new code wakes it.

const MIGRATIONS: readonly string[] = [
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
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function migrate(storage: DurableObjectStorage): void {
  const sql = storage.sql;
  sql.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value)");
  const row = sql
    .exec<{ value: number }>("SELECT value FROM meta WHERE key = 'schema_version'")
    .toArray()[0];
  const current = row ? Number(row.value) : 0;
  if (current >= MIGRATIONS.length) return;
  storage.transactionSync(() => {
    for (let v = current; v < MIGRATIONS.length; v++) sql.exec(MIGRATIONS[v] as string);
    sql.exec(
      "INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      MIGRATIONS.length,
    );
  });
}
