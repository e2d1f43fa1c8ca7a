// The room's rules as one client sees them (protocol v2): the settings (topic,
// slow mode, locked, e2ee, owned), the bans (sent to owners only), whether
// you are an owner, how long you are muted, when slow mode lets you post
// again, the owner key to join with, the tags you ignore, and the owners'
// frames (kick, ban, unban, mute, settings).
//
// Times are this client's clock (`deps.now`), and each goes back to 0 when
// it has passed. `mutedUntil` is taken from your User (`mutedUntil`, the
// room's clock, taken as is: the clocks are assumed close) and from a
// `muted` answer (now + `retryAfterMs`, which corrects a skewed clock). The
// room does not say when a mute ends on its own, so the timer does.
// `slowUntil` is the earliest time slow mode will take your next message:
// the local time your latest message came back live plus `slowMs` (a little
// later than the room's own count, which starts when it accepted it, so it
// errs on the side of waiting), or now + `retryAfterMs` of a `rate_limited`
// answer to a send while `slowMs` > 0 (taken as slow mode's), whichever is
// later; 0 when slow mode is off, for owners (exempt), and once it passes.
// It is for the composer to show; the outbox does not hold a send back for
// it: a send before then is answered `rate_limited` and waits (`rateUntil`).
//
// The owners' frames are written only on a welcomed connection, by an owner,
// with arguments the room would take; there is no queue to write them again:
// one lost with its connection is lost, and the owner sees that nothing
// happened (no `left`, `user`, `settings` or `bans` came) and does it again.
// The room's refusals (`forbidden`, `user_unknown`) come back as errors and
// the room model shows them as notices.
//
// The owner key is the one given in the options, else the one the page keeps
// in local storage for this room (storageKeys.ownerKey), read at every join.
// After the room answers a join with `forbidden` (a wrong key), it is kept
// but no longer sent by this model: the join goes again without it, so the
// person gets in as an ordinary member and is told why. The page may offer to
// forget or replace it; a new model (a reload) tries it again.
//
// The ignored tags are kept in local storage per room; the core only keeps
// the set (the page hides what it wants to: the log keeps every message).
import { batch, computed, createModel, type ReadonlySignal, signal } from "@preact/signals-core";
import {
  BAN_MINUTES_MAX,
  type Ban,
  DEFAULT_SETTINGS,
  isTopic,
  type OwnerFrame,
  type Settings,
  type SettingsChangeFrame,
  SLOW_MS_MAX,
  type User,
} from "../protocol";
import { type Deps, readJson, storageKeys, writeItem } from "./deps";

/** What `updateSettings` may change; every field left out stays as it is. */
export type SettingsPatch = Partial<Pick<Settings, "topic" | "slowMs" | "locked">>;

export interface ModerationOptions {
  room: string;
  /** The owner key given by the page (it wins over the stored one). */
  ownerKey?: string;
  /** This client's session as the room shows it. */
  you: ReadonlySignal<User | null>;
  /** The user with this id, if present (to refuse moderating another owner). */
  user(id: string): User | undefined;
  /** Writes a frame on a welcomed connection; false when it could not. */
  write(frame: OwnerFrame): boolean;
  canWrite(): boolean;
}

export interface Moderation {
  settings: ReadonlySignal<Settings>;
  bans: ReadonlySignal<Ban[]>;
  isOwner: ReadonlySignal<boolean>;
  mutedUntil: ReadonlySignal<number>;
  slowUntil: ReadonlySignal<number>;
  ignored: ReadonlySignal<ReadonlySet<string>>;
  /** A welcome's settings and bans (none for a member). */
  welcome(settings: unknown, bans: Ban[] | undefined): void;
  settingsChanged(settings: unknown): void;
  bansChanged(bans: Ban[] | undefined): void;
  /** Your User as a welcome or a `user` frame shows it; true when a mute was lifted. */
  youChanged(me: User): boolean;
  /** The room answered `muted` with `retryAfterMs`. */
  muted(retryAfterMs: number | undefined): void;
  /** A message of yours came back live, new: slow mode counts from now. */
  posted(): void;
  /** The room answered a send with `rate_limited`: slow mode's, while it is on. */
  sendRateLimited(retryAfterMs: number | undefined): void;
  /** The owner key for the next join, if there is one and the room has not refused it. */
  ownerKeyForJoin(): string | undefined;
  /** The room answered the join with `forbidden`: stop sending the key. */
  ownerKeyRefused(): void;
  kick(userId: string): boolean;
  ban(userId: string, minutes?: number): boolean;
  unban(tag: string): boolean;
  mute(userId: string, minutes: number): boolean;
  updateSettings(patch: SettingsPatch): boolean;
  ignore(tag: string): void;
  unignore(tag: string): void;
  stop(): void;
}

/** A whole number in [min, max]. */
const wholeIn = (v: unknown, min: number, max: number): v is number =>
  Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max;

/** Settings as given, over the defaults: a field missing or of the wrong type keeps its default. */
export function readSettings(given: unknown): Settings {
  const s = { ...DEFAULT_SETTINGS };
  if (typeof given !== "object" || given === null) return s;
  const g = given as Record<string, unknown>;
  if (typeof g.topic === "string") s.topic = g.topic;
  if (typeof g.slowMs === "number" && Number.isFinite(g.slowMs) && g.slowMs >= 0)
    s.slowMs = g.slowMs;
  for (const k of ["locked", "e2ee", "owned"] as const)
    if (typeof g[k] === "boolean") s[k] = g[k] as boolean;
  return s;
}

const sameSettings = (a: Settings, b: Settings) =>
  a.topic === b.topic &&
  a.slowMs === b.slowMs &&
  a.locked === b.locked &&
  a.e2ee === b.e2ee &&
  a.owned === b.owned;

/** The ignored tags of a room, as a previous page left them. */
function loadIgnored(deps: Deps, room: string): Set<string> {
  const saved = readJson<unknown>(deps.local, storageKeys.ignored(room), []);
  return new Set(Array.isArray(saved) ? saved.filter((t) => typeof t === "string" && t) : []);
}

export const ModerationModel = createModel((deps: Deps, o: ModerationOptions): Moderation => {
  const settings = signal<Settings>({ ...DEFAULT_SETTINGS });
  const bans = signal<Ban[]>([]);
  const isOwner = computed(() => o.you.value?.role === "owner");
  const mutedUntil = signal(0);
  const slowUntil = signal(0);
  const ignored = signal<ReadonlySet<string>>(loadIgnored(deps, o.room));
  let ownerKeyRefused = false;
  /** The local time your latest message came back live (0: none yet). */
  let postedAt = 0;
  /** Until when the room last said to wait, while in slow mode. */
  let slowRefusedUntil = 0;
  let muteTimer: unknown = null;
  let slowTimer: unknown = null;

  const clear = (t: unknown) => {
    if (t !== null) deps.clearTimeout(t);
  };

  const setMuted = (until: number) => {
    clear(muteTimer);
    muteTimer = null;
    const now = deps.now();
    mutedUntil.value = until > now ? until : 0;
    if (until > now)
      muteTimer = deps.setTimeout(() => {
        muteTimer = null;
        mutedUntil.value = 0;
      }, until - now);
  };

  /** slowUntil from what is known now. */
  const refreshSlow = () => {
    clear(slowTimer);
    slowTimer = null;
    const { slowMs } = settings.value;
    const now = deps.now();
    let until = 0;
    if (slowMs > 0 && !isOwner.value)
      until = Math.max(postedAt > 0 ? postedAt + slowMs : 0, slowRefusedUntil);
    slowUntil.value = until > now ? until : 0;
    if (until > now) slowTimer = deps.setTimeout(refreshSlow, until - now);
  };

  const setSettings = (given: unknown) => {
    const next = readSettings(given);
    if (!sameSettings(next, settings.value)) settings.value = next;
    if (next.slowMs === 0) slowRefusedUntil = 0;
    refreshSlow();
  };

  const storeIgnored = (next: Set<string>) => {
    ignored.value = next;
    writeItem(
      deps.local,
      storageKeys.ignored(o.room),
      next.size ? JSON.stringify([...next]) : null,
    );
  };

  /** An owner's frame may go: welcomed, and an owner. */
  const mayModerate = () => o.canWrite() && isOwner.value;
  /** Someone the room lets an owner kick, ban or mute: not yourself, not another owner. */
  const target = (userId: string) =>
    typeof userId === "string" &&
    userId !== "" &&
    userId !== o.you.value?.id &&
    o.user(userId)?.role !== "owner";

  return {
    settings,
    bans,
    isOwner,
    mutedUntil,
    slowUntil,
    ignored,

    welcome(given: unknown, list: Ban[] | undefined) {
      batch(() => {
        setSettings(given);
        bans.value = Array.isArray(list) ? list : [];
      });
    },

    settingsChanged: (given: unknown) => batch(() => setSettings(given)),

    bansChanged(list: Ban[] | undefined) {
      bans.value = Array.isArray(list) ? list : [];
    },

    youChanged(me: User): boolean {
      const was = mutedUntil.value;
      batch(() => {
        setMuted(typeof me.mutedUntil === "number" ? me.mutedUntil : 0);
        // Made owner (exempt) or no longer one: slow mode's wait follows;
        // the bans are for owners only.
        refreshSlow();
        if (me.role !== "owner" && bans.value.length) bans.value = [];
      });
      return was > 0 && mutedUntil.value === 0;
    },

    muted(retryAfterMs: number | undefined) {
      const until = deps.now() + Math.max(0, retryAfterMs ?? 0);
      if (until > mutedUntil.value) setMuted(until);
    },

    posted() {
      postedAt = deps.now();
      refreshSlow();
    },

    sendRateLimited(retryAfterMs: number | undefined) {
      if (settings.value.slowMs <= 0 || isOwner.value) return;
      slowRefusedUntil = Math.max(slowRefusedUntil, deps.now() + Math.max(0, retryAfterMs ?? 0));
      refreshSlow();
    },

    ownerKeyForJoin() {
      if (ownerKeyRefused) return undefined;
      if (o.ownerKey) return o.ownerKey;
      try {
        return deps.local.getItem(storageKeys.ownerKey(o.room)) || undefined;
      } catch {
        return undefined;
      }
    },

    ownerKeyRefused() {
      ownerKeyRefused = true;
    },

    kick(userId: string) {
      return mayModerate() && target(userId) && o.write({ type: "kick", user: userId });
    },

    ban(userId: string, minutes?: number) {
      if (!mayModerate() || !target(userId)) return false;
      if (minutes === undefined) return o.write({ type: "ban", user: userId });
      return (
        wholeIn(minutes, 1, BAN_MINUTES_MAX) && o.write({ type: "ban", user: userId, minutes })
      );
    },

    unban(tag: string) {
      return (
        mayModerate() && typeof tag === "string" && tag !== "" && o.write({ type: "unban", tag })
      );
    },

    mute(userId: string, minutes: number) {
      return (
        mayModerate() &&
        target(userId) &&
        wholeIn(minutes, 0, BAN_MINUTES_MAX) &&
        o.write({ type: "mute", user: userId, minutes })
      );
    },

    updateSettings(patch: SettingsPatch) {
      if (!mayModerate()) return false;
      const frame: SettingsChangeFrame = { type: "settings" };
      if (patch.topic !== undefined) {
        if (typeof patch.topic !== "string" || !isTopic(patch.topic)) return false;
        frame.topic = patch.topic;
      }
      if (patch.slowMs !== undefined) {
        if (!wholeIn(patch.slowMs, 0, SLOW_MS_MAX)) return false;
        frame.slowMs = patch.slowMs;
      }
      if (patch.locked !== undefined) {
        if (typeof patch.locked !== "boolean") return false;
        frame.locked = patch.locked;
      }
      // A patch that names nothing would change nothing.
      if (Object.keys(frame).length === 1) return false;
      return o.write(frame);
    },

    ignore(tag: string) {
      if (typeof tag !== "string" || !tag || ignored.value.has(tag)) return;
      storeIgnored(new Set([...ignored.value, tag]));
    },

    unignore(tag: string) {
      if (!ignored.value.has(tag)) return;
      const next = new Set(ignored.value);
      next.delete(tag);
      storeIgnored(next);
    },

    stop() {
      clear(muteTimer);
      clear(slowTimer);
      muteTimer = slowTimer = null;
    },
  };
});
