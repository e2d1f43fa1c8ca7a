// A room's moderation state (protocol v2): its settings (topic, slow mode,
// lock, and whether it is encrypted), the SHA-256 of its owner key, and its
// bans by address hash, in SQLite so that a restart or a wake keeps them.
// Settings are read once and cached; bans are few and read when asked. The
// room decides who may change them and tells everyone; expiry runs on the
// room's one alarm (`expireBans`, `nextExpiry`).
import { type Ban, DEFAULT_SETTINGS, type Settings } from "../protocol";

interface SettingsRow extends Record<string, SqlStorageValue> {
  topic: string;
  slow_ms: number;
  locked: number;
  e2ee: number;
  owner_hash: string | null;
}

export class Moderation {
  private cached: { settings: Readonly<Settings>; ownerHash: string | null } | null = null;

  /** `exists`: whether the room has tables; a room without them has the defaults. */
  constructor(
    private readonly sql: SqlStorage,
    private exists: boolean,
  ) {}

  /** The room's tables were just made. */
  created(): void {
    this.exists = true;
  }

  private load(): { settings: Settings; ownerHash: string | null } {
    if (this.cached) return this.cached;
    const row = this.exists
      ? this.sql.exec<SettingsRow>("SELECT * FROM settings WHERE id = 1").toArray()[0]
      : undefined;
    this.cached = row
      ? {
          settings: Object.freeze({
            topic: row.topic,
            slowMs: row.slow_ms,
            locked: row.locked === 1,
            e2ee: row.e2ee === 1,
            owned: row.owner_hash !== null,
          }),
          ownerHash: row.owner_hash,
        }
      : { settings: Object.freeze({ ...DEFAULT_SETTINGS }), ownerHash: null };
    return this.cached;
  }

  /** The settings held in memory: read on every send, so not copied (a save replaces them). */
  settings(): Readonly<Settings> {
    return this.load().settings;
  }

  ownerHash(): string | null {
    return this.load().ownerHash;
  }

  private save(settings: Settings, ownerHash: string | null): void {
    this.sql.exec(
      `INSERT INTO settings (id, topic, slow_ms, locked, e2ee, owner_hash) VALUES (1, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET topic = excluded.topic, slow_ms = excluded.slow_ms,
         locked = excluded.locked, e2ee = excluded.e2ee, owner_hash = excluded.owner_hash`,
      settings.topic,
      settings.slowMs,
      settings.locked ? 1 : 0,
      settings.e2ee ? 1 : 0,
      ownerHash,
    );
    this.cached = {
      settings: Object.freeze({ ...settings, owned: ownerHash !== null }),
      ownerHash,
    };
  }

  /** Changes the fields given; returns the settings as they are now. */
  update(patch: { topic?: string; slowMs?: number; locked?: boolean }): Settings {
    const now = this.load();
    const next = { ...now.settings };
    if (patch.topic !== undefined) next.topic = patch.topic;
    if (patch.slowMs !== undefined) next.slowMs = patch.slowMs;
    if (patch.locked !== undefined) next.locked = patch.locked;
    this.save(next, now.ownerHash);
    return this.settings();
  }

  /**
   * Sets the owner key's hash: when the room has none, or always with
   * `replace`. With `e2ee`, the room is encrypted from then on: `update`
   * never touches the flag, so nothing turns it off.
   */
  claim(hash: string, replace: boolean, e2ee = false): boolean {
    const now = this.load();
    if (now.ownerHash !== null && !replace) return false;
    this.save(e2ee ? { ...now.settings, e2ee } : now.settings, hash);
    return true;
  }

  /** The ban that holds against this address (by its hash, or its tag in this room), if any. */
  banned(addr: string, tag: string, now: number): Ban | undefined {
    if (!this.exists) return undefined;
    return this.sql
      .exec<{ tag: string; until: number }>(
        "SELECT tag, until FROM bans WHERE (addr = ? OR tag = ?) AND until > ? ORDER BY until DESC LIMIT 1",
        addr,
        tag,
        now,
      )
      .toArray()[0];
  }

  ban(addr: string, tag: string, until: number): void {
    this.sql.exec(
      "INSERT INTO bans (addr, tag, until) VALUES (?, ?, ?) ON CONFLICT (addr) DO UPDATE SET tag = excluded.tag, until = excluded.until",
      addr,
      tag,
      until,
    );
  }

  /** Lifts the ban of that tag; false when it was not banned. */
  unban(tag: string, now: number): boolean {
    return (
      this.sql
        .exec("DELETE FROM bans WHERE tag = ? AND until > ? RETURNING addr", tag, now)
        .toArray().length > 0
    );
  }

  /** The bans in force, soonest to end first. */
  bans(now: number): Ban[] {
    if (!this.exists) return [];
    return this.sql
      .exec<{ tag: string; until: number }>(
        "SELECT tag, until FROM bans WHERE until > ? ORDER BY until, tag",
        now,
      )
      .toArray()
      .map(({ tag, until }) => ({ tag, until }));
  }

  /** Removes the bans that have ended; true when there were any. */
  expireBans(now: number): boolean {
    if (!this.exists) return false;
    return (
      this.sql.exec("DELETE FROM bans WHERE until <= ? RETURNING addr", now).toArray().length > 0
    );
  }

  /** When the next ban ends, if any. */
  nextExpiry(): number | null {
    if (!this.exists) return null;
    return this.sql.exec<{ t: number | null }>("SELECT min(until) AS t FROM bans").one().t;
  }
}
