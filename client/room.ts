// One room as a client sees it: the composed model that the page (and the
// test clients) use. It puts together the connection (connection.ts), the
// outbox (outbox.ts), the pending changes (changes.ts), the log (log.ts) and
// presence (presence.ts) and (v2) the room's rules and its owners' frames
// (moderation.ts), reads the server's frames and hands each to the part it
// concerns, and keeps what belongs to the room as a whole: the name to join
// with, the limits of the latest welcome, why it ended, the notice to show,
// and the unread count. It checks a change (edit, delete, react)
// against what it holds before asking the room, so that a refusal the client
// can foresee is said at once and nothing is sent.
//
// (v2) Kicked (close 4002) or banned (4003), it ends and does not reconnect;
// the page may offer to join again (`reclaim`), which after a kick joins as a
// new session. A banned client that reloads cannot tell: the room refuses its
// upgrade with HTTP 403 before any socket opens, and a browser sees only a
// failed socket (no status), so the core keeps retrying with backoff; the
// page may ask the HTTP API to find out. It exposes read-only
// signals and named actions, and touches no DOM and no platform: everything
// outside comes through `Deps`.
import { batch, computed, createModel, type ReadonlySignal, signal } from "@preact/signals-core";
import {
  type Ban,
  banEndOf,
  CloseCode,
  checkText,
  DEFAULT_LIMITS,
  ErrorCode,
  type ErrorFrame,
  isQuitCommand,
  isReactionEmoji,
  type JoinFrame,
  type Limits,
  type Message,
  nameKey,
  normalizeUserName,
  PAGE_MAX,
  PROTOCOL_VERSION,
  type ServerFrame,
  type Settings,
  type User,
  utf8Length,
  WELCOME_LIMIT_NAMES,
  type WelcomeFrame,
} from "../protocol";
import { type BackoffOptions, DEFAULT_BACKOFF } from "./backoff";
import { ChangesModel, type PendingChange } from "./changes";
import { ConnectionModel, type ConnectionStatus, OPEN_WITHIN_MS } from "./connection";
import { type Deps, storageKeys, writeItem } from "./deps";
import type { E2ee, KeyProblem } from "./e2ee";
import { ignore } from "./events";
import { type Entry, LogModel, type SystemKind } from "./log";
import { ModerationModel, type SettingsPatch } from "./moderation";
import { OutboxModel, type Pending, type SendResult } from "./outbox";
import { PresenceModel } from "./presence";

export type { Ban, Limits, Settings } from "../protocol";
export type { ChangeKind, PendingChange } from "./changes";
export {
  type ConnectionStatus,
  OPEN_WITHIN_MS,
  PING_EVERY_MS,
  PONG_WITHIN_MS,
} from "./connection";
export type { KeyProblem } from "./e2ee";
export { type Entry, PAGE_SIZE, type SystemKind } from "./log";
export type { SettingsPatch } from "./moderation";
export type { Pending, PendingStatus, SendResult } from "./outbox";
export { TYPING_SHOWN_MS } from "./presence";

/**
 * What the core answers to an edit, a delete or a reaction, checked against
 * the message it holds before anything is sent: `unknown` (not held, or
 * deleted), `not_yours`, `too_late` (past EDIT_WINDOW_MS), the text's
 * `empty`, `too_long`, `invalid`, a reaction that is not one emoji
 * (`invalid`), or `unchanged` (the message already shows it, or will once
 * the pending changes are done): then nothing is sent.
 */
export type ChangeResult =
  | { ok: true }
  | {
      ok: false;
      reason: "unknown" | "not_yours" | "too_late" | "empty" | "too_long" | "invalid" | "unchanged";
    };

/** A send's options: the id to use (a new one when absent), and the seq it answers. */
export interface SendOptions {
  id?: string;
  replyTo?: number;
}

/**
 * Why the model stopped for good (until the user acts). (v2) `kicked`: an
 * owner ended the session (close 4002; joining again makes a new one);
 * `banned`: an owner banned this address (close 4003); `room_locked`: the
 * room takes no new sessions (a join without a live session to resume).
 */
export type Ended =
  | "left"
  | "taken_over"
  | "room_full"
  | "too_many_sessions"
  | "kicked"
  | "banned"
  | "room_locked";

/** A problem worth telling the user, in the place it happened (the UI words it). */
export type Notice =
  | { kind: "closed"; code: number }
  | { kind: "error"; code: string; message: string }
  | { kind: "history_failed" }
  /** (v2) The join's owner key was refused (`forbidden`): joined as a member instead. */
  | { kind: "owner_key_refused" };

export interface RoomOptions {
  room: string;
  /** The origin the API lives at, e.g. `https://chat.example.com`. */
  base: string;
  /** The name to join with; without one the model waits for `join(name)`. */
  name?: string;
  maxText?: number;
  maxFrame?: number;
  backoff?: BackoffOptions;
  /** A socket that has not opened by then is given up and retried (OPEN_WITHIN_MS). */
  openWithinMs?: number;
  /**
   * Only the room's answer to a send confirms it, not the same message found
   * in a welcome's catch-up or a history page, so that a send whose echo was
   * lost is always written again (the fault tests make the room's handling
   * of a repeated id run this way). Off by default.
   */
  echoOnly?: boolean;
  /**
   * Called for a live message from someone else that mentions your name
   * (never for an update, nor for an ignored tag's message).
   */
  onMention?: (message: Message) => void;
  /**
   * (v2) The room's owner key, sent as `join.ownerKey` with every join
   * (resumes too). Without it, the key kept in local storage for this room
   * (`storageKeys.ownerKey`), if any, read at every join.
   */
  ownerKey?: string;
  /**
   * (v2) An encrypted room's key (`#k=` of its link), kept for the room on
   * this device (`storageKeys.e2eeKey`); without it, the key kept, if any.
   */
  e2eeKey?: string;
}

export interface RoomApi {
  /**
   * The name to join with: as the room last wrote it, followed by the
   * `#secret` of a trip when one was given (kept on this device, never shown).
   */
  name: ReadonlySignal<string>;
  status: ReadonlySignal<ConnectionStatus>;
  /**
   * The connection is up and joined: what the room shows is live. While
   * false, the users are the last known and a send waits for the reconnection.
   */
  connected: ReadonlySignal<boolean>;
  /** When the next attempt starts, while `status` is "waiting". */
  retryAt: ReadonlySignal<number>;
  ended: ReadonlySignal<Ended | null>;
  /** The join was refused for its name: the page asks for another. */
  nameError: ReadonlySignal<"name_taken" | "name_invalid" | null>;
  notice: ReadonlySignal<Notice | null>;
  you: ReadonlySignal<User | null>;
  users: ReadonlySignal<User[]>;
  log: ReadonlySignal<Entry[]>;
  pending: ReadonlySignal<Pending[]>;
  hasMore: ReadonlySignal<boolean>;
  loadingOlder: ReadonlySignal<boolean>;
  /** Sends wait until then after a `rate_limited` or (v2) a `muted` (0 when none wait). */
  rateUntil: ReadonlySignal<number>;
  /** (v2) The room's settings (the protocol's defaults before the first welcome). */
  settings: ReadonlySignal<Settings>;
  /** (v2) The room's bans: sent to owners only (empty for everyone else). */
  bans: ReadonlySignal<Ban[]>;
  /**
   * (v2) When the ban of this address ends (this client's clock), as the
   * 4003 close said and this device kept; 0 when no ban is known.
   */
  bannedUntil: ReadonlySignal<number>;
  /** (v2) This session is an owner (`you.role`). */
  isOwner: ReadonlySignal<boolean>;
  /**
   * (v2) Until when (this client's clock) the room refuses your sends, edits
   * and reactions; 0 when not muted. From your User's `mutedUntil` and from a
   * `muted` answer's `retryAfterMs`; it goes back to 0 when it passes.
   */
  mutedUntil: ReadonlySignal<number>;
  /**
   * (v2) When slow mode takes your next message (this client's clock): your
   * latest message's live arrival plus `slowMs`, or a slow-mode
   * `rate_limited`'s `retryAfterMs`; 0 when slow mode is off, for owners,
   * and once it passes. For the composer to show: a send before it is not
   * held back, but answered `rate_limited` and waits (`rateUntil`).
   */
  slowUntil: ReadonlySignal<number>;
  /** (v2) The tags this person ignores here (kept on the device; the log keeps their messages). */
  ignored: ReadonlySignal<ReadonlySet<string>>;
  visible: ReadonlySignal<boolean>;
  unread: ReadonlySignal<number>;
  joined: ReadonlySignal<boolean>;
  online: ReadonlySignal<number>;
  typingNames: ReadonlySignal<string[]>;
  /** Starts connecting, if there is a name to join with. */
  start(): void;
  /**
   * Joins under `raw` (the first join, or another name after `name_taken`).
   * While joined under another name, it leaves and joins afresh.
   */
  join(raw: string): boolean;
  /**
   * The limits of the latest welcome (before any: the protocol's defaults,
   * with `maxText` and `maxFrame` from the options).
   */
  limits: ReadonlySignal<Limits>;
  /** (v2) The changes asked for and not yet shown by the room, oldest first. */
  changes: ReadonlySignal<PendingChange[]>;
  /** The emoji of the held messages' reactions, most used first. */
  usedEmoji: ReadonlySignal<string[]>;
  /**
   * Posts `text` (with the id given, or a new one; `replyTo`: the seq it
   * answers), or leaves for `quit()` and `/quit`.
   */
  send(text: string, idOrOptions?: string | SendOptions): SendResult;
  /** Replaces the text of your message `seq`. */
  edit(seq: number, text: string): ChangeResult;
  /** Deletes your message `seq`. */
  deleteMessage(seq: number): ChangeResult;
  /** Adds (`on`) or removes your reaction `emoji` on message `seq`. */
  react(seq: number, emoji: string, on: boolean): ChangeResult;
  /** The message held at `seq`. */
  message(seq: number): Message | undefined;
  /** The message `seq`: held, else asked of the room; null when not retained; throws when the request fails. */
  fetchMessage(seq: number): Promise<Message | null>;
  /** Yours (this session's), not deleted, and within the edit window. */
  canEdit(m: Message): boolean;
  /** Yours (this session's, or any as an owner), not deleted. */
  canDelete(m: Message): boolean;
  /** Your newest message that you may still edit. */
  lastOwnEditable(): Message | undefined;
  /** Pages back until the room has nothing older, then every held message, oldest first; throws when a page fails. */
  allMessages(): Promise<Message[]>;
  /** Tells the others you are typing, at most once per TYPING_INTERVAL_MS. */
  typing(): void;
  /** Leaves on purpose: the others see "left", and this client forgets its session. */
  leave(): void;
  /** Loads the page of messages before the oldest one shown. */
  loadOlder(): Promise<void>;
  /** Reconnects now instead of waiting (back online, tab visible, "retry" clicked). */
  wake(): void;
  setOnline(isOnline: boolean): void;
  setVisible(isVisible: boolean): void;
  /**
   * Takes the session back after another tab took it over (or retries a full
   * room, or joins again after a kick; under a ban this device knows of, it
   * tries once, and ends as banned again if the room still refuses).
   */
  reclaim(): void;
  /** Forgets a send that the server refused for its content. */
  discard(id: string): void;
  dismissNotice(): void;
  /** Closes the socket without leaving (the session stays for the grace period). */
  close(): void;
  /** The newest seq the log holds (0 before any). */
  latestSeq(): number;
  /** The resume point: the highest rev seen with nothing missing below it (the join's `since`). */
  rev(): number;
  /**
   * (v2) Owners' frames: each is written at once on a welcomed connection by
   * an owner, with arguments the room takes (not yourself, not another
   * owner), and returns whether it was; otherwise false and nothing is sent.
   * Nothing is queued or written again after a reconnect: the room's answer
   * (`left`, `user`, `bans`, `settings`, or an error shown as a notice) says
   * whether it happened.
   */
  kick(userId: string): boolean;
  /** Bans that user's address for `minutes` (1–10080; the room's default, 60, without). */
  ban(userId: string, minutes?: number): boolean;
  unban(tag: string): boolean;
  /** Mutes that user for `minutes` (0–10080; 0 lifts it). */
  mute(userId: string, minutes: number): boolean;
  /** Changes the fields given (topic, slowMs, locked); false for an empty or invalid patch. */
  updateSettings(patch: SettingsPatch): boolean;
  /** (v2) Ignores (or no longer ignores) a tag: kept in local storage for this room. */
  ignore(tag: string): void;
  unignore(tag: string): void;
  /** (v2) The tag of a user seen in this room, also after they left (a message names only the id). */
  tagOf(userId: string): string | undefined;
  /**
   * (v2) An encrypted room's key problem: "missing" when no key was given or
   * kept (nothing is sent), "wrong" when texts came and none decrypted.
   */
  keyProblem: ReadonlySignal<KeyProblem>;
}

/** (v2) The system line of a `left`, by its reason. */
const LEFT_KINDS: Record<string, SystemKind> = {
  leave: "left",
  disconnect: "disconnected",
  kick: "kicked",
  ban: "banned",
};

export function roomSocketUrl(base: string, room: string): string {
  return `${base.replace(/^http/, "ws")}/api/rooms/${encodeURIComponent(room)}/ws`;
}

export function messagesUrl(base: string, room: string, before: number, limit: number): string {
  return `${base}/api/rooms/${encodeURIComponent(room)}/messages?before=${before}&limit=${limit}`;
}

export function messageUrl(base: string, room: string, seq: number): string {
  return `${base}/api/rooms/${encodeURIComponent(room)}/messages/${seq}`;
}

/** The limits a client runs with before its first welcome. */
export function initialLimits(maxText?: number, maxFrame?: number): Limits {
  const limits = Object.fromEntries(
    WELCOME_LIMIT_NAMES.map((n) => [n, DEFAULT_LIMITS[n]]),
  ) as Limits;
  if (maxText !== undefined) limits.MAX_TEXT = maxText;
  if (maxFrame !== undefined) limits.MAX_FRAME = maxFrame;
  return limits;
}

/** A welcome's limits over the ones held: each known name with a number; anything else keeps its value. */
export function readLimits(given: unknown, held: Limits): Limits {
  if (typeof given !== "object" || given === null) return held;
  const next = { ...held };
  for (const n of WELCOME_LIMIT_NAMES) {
    const v = (given as Record<string, unknown>)[n];
    if (typeof v === "number" && Number.isFinite(v) && v >= 0) next[n] = v;
  }
  return WELCOME_LIMIT_NAMES.every((n) => next[n] === held[n]) ? held : next;
}

/** True when `text` mentions `name` (case-insensitively, not inside a longer word). */
export function mentions(text: string, name: string): boolean {
  const key = nameKey(name);
  if (!key) return false;
  const hay = nameKey(text);
  let from = 0;
  for (;;) {
    const at = hay.indexOf(key, from);
    if (at < 0) return false;
    const before = hay[at - 1];
    const after = hay[at + key.length];
    const isWord = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}_]/u.test(c);
    // CJK text has no spaces, so a name written inside it still counts.
    const cjk = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
    if ((!isWord(before) || cjk.test(before ?? "")) && (!isWord(after) || cjk.test(after ?? "")))
      return true;
    from = at + 1;
  }
}

export const RoomModel = createModel((deps: Deps, options: RoomOptions): RoomApi => {
  const room = options.room;

  const name = signal(options.name ?? "");
  // (v2) A ban this device was told of (a 4003 close says until when) holds
  // across reloads: the room would refuse every upgrade until then, and a
  // browser cannot read why, so the model does not try.
  let keptBan = 0;
  try {
    keptBan = Number(deps.local.getItem(storageKeys.banned(room))) || 0;
  } catch {
    // No storage: nothing kept.
  }
  const bannedUntil = signal(keptBan > deps.now() ? keptBan : 0);
  if (keptBan && !bannedUntil.value) writeItem(deps.local, storageKeys.banned(room), null);
  const ended = signal<Ended | null>(bannedUntil.value ? "banned" : null);
  const forgetBan = () => {
    bannedUntil.value = 0;
    writeItem(deps.local, storageKeys.banned(room), null);
  };
  const nameError = signal<"name_taken" | "name_invalid" | null>(null);
  const notice = signal<Notice | null>(null);
  const visible = signal(true);
  const unread = signal(0);
  const limits = signal<Limits>(initialLimits(options.maxText, options.maxFrame));
  let hadWelcome = false;
  let closed = false;
  // (v2) Encrypted rooms: e2ee.ts is loaded at the first welcome that says
  // so; from then on frames go through a queue (decrypting is async) in the
  // order they came. Plain rooms keep the synchronous path.
  const keyProblem = signal<KeyProblem>(null);
  let e2ee: E2ee | null = null;
  let queue: Promise<unknown> | null = null;
  const frameIn = (f: ServerFrame) => {
    if (!queue) {
      if (f.type !== "welcome" || !f.settings?.e2ee) return onFrame(f);
      queue = import("./e2ee").then((m) => {
        e2ee = m.createE2ee(room, options.e2eeKey, deps.local, keyProblem, youId, (frame) =>
          connection.send(frame),
        );
      });
    }
    // A frame that throws must not stop every later one (a rejected chain
    // would skip them all), as a throw in the synchronous path stops only its own.
    queue = queue
      .then(() => e2ee?.frame(f))
      .then((g) => g && onFrame(g))
      .catch(ignore);
  };
  const e2eeFetch = (url: string) => deps.fetch(url).then((r) => (e2ee ? e2ee.response(r) : r));

  const connection = new ConnectionModel(deps, {
    url: roomSocketUrl(options.base, room),
    backoff: options.backoff ?? DEFAULT_BACKOFF,
    openWithinMs: options.openWithinMs ?? OPEN_WITHIN_MS,
    mayConnect: () => !ended.value,
    onConnecting: () => {
      notice.value = notice.value?.kind === "closed" ? null : notice.value;
    },
    joinFrame: () => {
      const frame: JoinFrame = { type: "join", name: name.value, v: PROTOCOL_VERSION };
      // v2: `since` is a rev, the resume point (log.ts), not the newest seq.
      if (hadWelcome) frame.since = log.rev();
      const token = deps.session.getItem(storageKeys.token(room));
      if (token) frame.token = token;
      const ownerKey = moderation.ownerKeyForJoin();
      if (ownerKey) frame.ownerKey = ownerKey;
      return frame;
    },
    onFrame: frameIn,
    onClosed: (code, reason) => onClosed(code, reason),
  });
  const writeWelcomed = (frame: object) => (e2ee ? e2ee.write(frame) : connection.send(frame));
  const outbox = new OutboxModel(deps, {
    room,
    maxText: () => limits.value.MAX_TEXT,
    maxFrame: () => limits.value.MAX_FRAME,
    write: writeWelcomed,
    canWrite: () => connection.isWelcomed(),
    sealed: (frame) => e2ee?.unfit(frame, limits.value),
  });
  const presence = new PresenceModel(deps, {
    write: writeWelcomed,
    canWrite: () => connection.isWelcomed(),
  });
  const changes = new ChangesModel(deps, {
    write: writeWelcomed,
    canWrite: () => connection.isWelcomed(),
    you: () => presence.you.value?.id,
  });
  const moderation = new ModerationModel(deps, {
    room,
    ownerKey: options.ownerKey,
    you: presence.you,
    user: (id) => presence.users.value.find((u) => u.id === id),
    write: writeWelcomed,
    canWrite: () => connection.isWelcomed(),
  });
  const isMine = (m: Message) => presence.isMe(m.user.id) || outbox.sentHere(m.id);
  const youId = () => presence.you.value?.id;
  const fromIgnored = (m: Message) => {
    const tag = presence.tagOf(m.user.id);
    return tag !== undefined && moderation.ignored.value.has(tag);
  };
  const log = new LogModel(
    { ...deps, fetch: e2eeFetch },
    {
      messagesUrl: (before, limit) => messagesUrl(options.base, room, before, limit),
      isMine,
      acknowledge: (acks) => outbox.acknowledge(acks),
      onHistoryFailed: () => {
        notice.value = { kind: "history_failed" };
      },
      historyLimit: () => limits.value.HISTORY_LIMIT,
      echoOnly: options.echoOnly ?? false,
    },
  );

  /** Emoji by use in the held messages; ties go to the one used in a newer message. */
  const usedEmoji = computed(() => {
    const count = new Map<string, number>();
    const list = log.entries.value;
    for (let i = list.length - 1; i >= 0; i--) {
      const e = list[i];
      if (e?.kind !== "message") continue;
      for (const r of e.message.reactions ?? [])
        count.set(r.emoji, (count.get(r.emoji) ?? 0) + r.users.length);
    }
    return [...count.entries()].sort((a, b) => b[1] - a[1]).map(([emoji]) => emoji);
  });

  const connected = computed(() => connection.status.value === "connected");
  const joined = computed(
    () => connection.status.value === "connected" && presence.you.value !== null,
  );

  const onClosed = (code: number, reason: string): boolean => {
    if (ended.value) return false;
    if (bannedUntil.value > deps.now()) {
      // (v2) The one try of `reclaim` under a known ban got no welcome (which
      // forgets the ban): still banned.
      ended.value = "banned";
      return false;
    }
    if (code === CloseCode.TakenOver) {
      ended.value = "taken_over";
      return false;
    }
    if (code === CloseCode.Kicked || code === CloseCode.Banned) {
      // (v2) Do not reconnect on our own; the session is over.
      ended.value = code === CloseCode.Kicked ? "kicked" : "banned";
      writeItem(deps.session, storageKeys.token(room), null);
      const until = code === CloseCode.Banned ? banEndOf(reason) : null;
      if (until) {
        bannedUntil.value = until;
        writeItem(deps.local, storageKeys.banned(room), String(until));
      }
      return false;
    }
    // Waiting for the user to pick another name; `join` reconnects.
    if (nameError.value) return false;
    if (code === CloseCode.Abuse || code === CloseCode.TooBig || code === CloseCode.ServerError)
      notice.value = { kind: "closed", code };
    return true;
  };

  const onFrame = (f: ServerFrame) => {
    switch (f.type) {
      case "welcome":
        onWelcome(f);
        return;
      case "joined":
        presence.upsert(f.user);
        log.addSystem("joined", f.user);
        return;
      case "away":
      case "back":
        presence.upsert(f.user);
        if (f.type === "away") presence.stoppedTyping(f.user.id);
        return;
      case "left":
        presence.left(f.user.id);
        log.addSystem(LEFT_KINDS[f.reason] ?? "disconnected", f.user);
        return;
      case "message": {
        const { type: _, ...m } = f;
        // A message already held (the room's answer to a repeated id, as it
        // is now) may replace it, but is not news: no unread, no mention.
        if (!log.live(m)) return;
        presence.stoppedTyping(m.user.id);
        // (v2) A new message of this session, live: slow mode counts from now.
        if (m.user.id === youId()) moderation.posted();
        if (!isMine(m) && !fromIgnored(m)) {
          if (!visible.value) unread.value++;
          if (options.onMention && mentions(m.text, presence.you.value?.name ?? name.value))
            options.onMention(m);
        }
        return;
      }
      case "update": {
        // A version older than the one held shows nothing new, also of one's own changes.
        const stale = f.message.rev < (log.get(f.message.seq)?.rev ?? 0);
        // A change to a held message is never news: no unread, no mention.
        log.update(f.message);
        // With the rev held, too (the room answers a change that changes
        // nothing with the message as it is), it may show a change of one's own.
        if (!stale) changes.updated(f.message);
        return;
      }
      case "user":
        presence.upsert(f.user);
        // A mute of yours lifted: the sends waiting it out go now.
        if (f.user.id === youId() && moderation.youChanged(f.user)) {
          outbox.waitOver();
          outbox.flush();
        }
        return;
      case "settings":
        moderation.settingsChanged(f.settings);
        return;
      case "bans":
        moderation.bansChanged(f.bans);
        return;
      case "batch":
        // Frames in one, handled in order as if they had come one by one;
        // never nested, never a welcome.
        batch(() => {
          for (const inner of f.frames ?? [])
            if (inner && inner.type !== "batch" && inner.type !== "welcome") onFrame(inner);
        });
        return;
      case "typing":
        presence.typingFrom(f.user);
        return;
      case "error":
        onError(f);
        return;
    }
  };

  const onWelcome = (w: WelcomeFrame) => {
    const first = !hadWelcome;
    batch(() => {
      connection.welcomed();
      hadWelcome = true;
      // (v2) In: whatever ban this device knew of was lifted or has ended.
      if (bannedUntil.value) forgetBan();
      writeItem(deps.session, storageKeys.token(room), w.token);
      presence.welcome(w.you, w.users);
      moderation.welcome(w.settings, w.bans);
      // A mute lifted while away: the waiting sends go with the welcome's flush below.
      if (moderation.youChanged(w.you)) outbox.waitOver();
      nameError.value = null;
      if (notice.value?.kind === "closed") notice.value = null;
      // The name as the room wrote it, with the trip secret it was joined
      // with (kept on this device only), so that the next join has the same trip.
      const hash = name.value.indexOf("#");
      name.value = hash < 0 ? w.you.name : `${w.you.name}${name.value.slice(hash)}`;
      limits.value = readLimits(w.limits, limits.value);
      // Merges the catch-up now; a gap is filled over HTTP afterwards.
      void log.welcome(
        { messages: w.messages ?? [], seq: w.seq, rev: w.rev ?? w.seq, gap: w.gap },
        first,
      );
    });
    writeItem(deps.local, storageKeys.name, name.value);
    outbox.welcomed();
    changes.welcomed();
  };

  const onError = (e: ErrorFrame) => {
    // (v2) Muted: whatever it refused, say until when.
    if (e.code === ErrorCode.Muted) moderation.muted(e.retryAfterMs);
    if (e.seq !== undefined && e.id === undefined) {
      // (v2) About a change of one's own: wait and write it again, or drop it and say why.
      if (e.code === ErrorCode.RateLimited) {
        changes.rateLimited(e.seq, e.retryAfterMs ?? 1000);
        return;
      }
      // Nothing pending for that seq: the change was settled already (say, its message was deleted).
      if (changes.refused(e.seq, e.code))
        notice.value = { kind: "error", code: e.code, message: e.message };
      return;
    }
    switch (e.code) {
      case ErrorCode.NameTaken:
      case ErrorCode.NameInvalid:
        batch(() => {
          nameError.value = e.code as "name_taken" | "name_invalid";
          connection.waitForUser();
        });
        return;
      case ErrorCode.RoomFull:
      case ErrorCode.TooManySessions:
      case ErrorCode.RoomLocked:
        batch(() => {
          ended.value =
            e.code === ErrorCode.RoomFull
              ? "room_full"
              : e.code === ErrorCode.RoomLocked
                ? "room_locked"
                : "too_many_sessions";
          connection.halt(1000);
        });
        return;
      case ErrorCode.Forbidden:
        if (e.id === undefined && !connection.isWelcomed()) {
          // (v2) A join with a wrong owner key (the connection stays open):
          // join again without it, as a member, and say why. The key stays
          // where it is kept; this model stops sending it.
          moderation.ownerKeyRefused();
          connection.rejoin();
          notice.value = { kind: "owner_key_refused" };
          return;
        }
        break;
      case ErrorCode.Duplicate:
        if (e.id) outbox.acknowledge([{ id: e.id, seq: log.seqOf(e.id) ?? 0, by: "duplicate" }]);
        return;
      case ErrorCode.RateLimited:
        if (e.id === undefined && !connection.isWelcomed()) {
          // Too many fresh joins from this address: the connection stays
          // open, and the join goes again when the server says.
          connection.rejoinAfter(e.retryAfterMs ?? 1000);
          return;
        }
        outbox.rateLimited(e.id, e.retryAfterMs ?? 1000);
        // (v2) In slow mode, a send's wait is slow mode's (owners are exempt).
        if (e.id !== undefined) moderation.sendRateLimited(e.retryAfterMs ?? 1000);
        return;
      case ErrorCode.TextInvalid:
        if (e.id) {
          outbox.refused(e.id, e.code);
          return;
        }
        break;
      case ErrorCode.Muted:
        // (v2) A muted send waits out the mute, like a rate limit, and goes
        // again (or at once when the mute is lifted); `mutedUntil` says until when.
        if (e.id) {
          outbox.rateLimited(e.id, e.retryAfterMs ?? 1000);
          return;
        }
        break;
    }
    // Any other refusal of a send of one's own settles it, and is said: (v2)
    // a send that answers a message no longer there (message_unknown), and
    // whatever else; the outbox writes one send at a time, and an answer it
    // never gets would hold the rest back.
    if (e.id !== undefined) outbox.refused(e.id, e.code);
    notice.value = { kind: "error", code: e.code, message: e.message };
  };

  const leave = () => {
    batch(() => {
      ended.value = "left";
      connection.send({ type: "leave" });
      // The server closes with 1000 after a leave; do not wait for it.
      connection.halt(1000);
    });
    writeItem(deps.session, storageKeys.token(room), null);
  };

  const wake = () => {
    if (closed || ended.value || nameError.value) return;
    connection.wake();
  };

  // ---------------------------------------------------------------------------
  // Changes (v2), checked against what is held before anything is sent. The
  // state compared with is the held message with the pending changes done,
  // so that "add, then remove at once" removes, and a repeat sends nothing.

  const isOwner = () => moderation.isOwner.value;
  const gone = (m: Message) => m.deleted !== undefined || changes.pendingDelete(m.seq);
  const withinWindow = (m: Message) => deps.now() - m.ts <= limits.value.EDIT_WINDOW_MS;
  const ownSession = (m: Message) => youId() !== undefined && m.user.id === youId();

  const canEdit = (m: Message) => ownSession(m) && !gone(m) && withinWindow(m);
  const canDelete = (m: Message) => (ownSession(m) || isOwner()) && !gone(m);

  const refuse = (reason: Extract<ChangeResult, { ok: false }>["reason"]): ChangeResult => ({
    ok: false,
    reason,
  });

  const edit = (seq: number, text: string): ChangeResult => {
    const m = log.get(seq);
    if (!m || gone(m)) return refuse("unknown");
    if (!ownSession(m)) return refuse("not_yours");
    if (!withinWindow(m)) return refuse("too_late");
    if (!text.trim()) return refuse("empty");
    const checked = checkText(text, limits.value.MAX_TEXT);
    if (!checked.ok) return refuse(checked.error.includes("at most") ? "too_long" : "invalid");
    // (v2) In an encrypted room, the frame as it will go out (e2ee.ts unfit).
    const frame = { type: "edit", seq, text };
    if (
      e2ee
        ? e2ee.unfit(frame, limits.value)
        : utf8Length(JSON.stringify(frame)) > limits.value.MAX_FRAME
    )
      return refuse("too_long");
    if ((changes.pendingText(seq) ?? m.text) === text) return refuse("unchanged");
    changes.add({ seq, kind: "edit", text });
    return { ok: true };
  };

  const deleteMessage = (seq: number): ChangeResult => {
    const m = log.get(seq);
    if (!m) return refuse("unknown");
    if (gone(m)) return refuse("unchanged");
    if (!ownSession(m) && !isOwner()) return refuse("not_yours");
    changes.add({ seq, kind: "delete" });
    return { ok: true };
  };

  const react = (seq: number, emoji: string, on: boolean): ChangeResult => {
    const m = log.get(seq);
    if (!m || gone(m)) return refuse("unknown");
    if (!isReactionEmoji(emoji)) return refuse("invalid");
    const you = youId();
    const held =
      changes.pendingReaction(seq, emoji) ??
      (you !== undefined &&
        (m.reactions?.some((r) => r.emoji === emoji && r.users.includes(you)) ?? false));
    if (held === on) return refuse("unchanged");
    changes.add({ seq, kind: "react", emoji, on });
    return { ok: true };
  };

  const fetchMessage = async (seq: number): Promise<Message | null> => {
    const held = log.get(seq);
    if (held) return held;
    const res = await e2eeFetch(messageUrl(options.base, room, seq));
    if (res.status === 404) return null;
    if (!res.ok) throw new Error(`GET message ${seq}: ${res.status}`);
    return (await res.json()) as Message;
  };

  const allMessages = async (): Promise<Message[]> => {
    // Each page goes further back, and the room keeps at most HISTORY_LIMIT
    // messages; the bound only guards against a room that says "more" forever.
    const most = Math.ceil(limits.value.HISTORY_LIMIT / PAGE_MAX) + 2;
    for (let i = 0; log.hasMore.value && i < most; i++) {
      if (!(await log.loadOlder(PAGE_MAX))) throw new Error("A history page could not be loaded.");
    }
    return log.messages();
  };

  const lastOwnEditable = (): Message | undefined => {
    const list = log.entries.value;
    for (let i = list.length - 1; i >= 0; i--) {
      const e = list[i];
      if (e?.kind === "message" && canEdit(e.message)) return e.message;
    }
    return undefined;
  };

  return {
    name,
    status: connection.status,
    connected,
    retryAt: connection.retryAt,
    ended,
    bannedUntil,
    nameError,
    notice,
    you: presence.you,
    users: presence.users,
    log: log.entries,
    pending: outbox.pending,
    hasMore: log.hasMore,
    loadingOlder: log.loadingOlder,
    rateUntil: outbox.rateUntil,
    visible,
    unread,
    joined,
    online: presence.online,
    typingNames: presence.typingNames,
    limits,
    changes: changes.changes,
    usedEmoji,
    settings: moderation.settings,
    bans: moderation.bans,
    isOwner: moderation.isOwner,
    mutedUntil: moderation.mutedUntil,
    slowUntil: moderation.slowUntil,
    ignored: moderation.ignored,

    start() {
      if (name.value) connection.connect();
    },

    join(raw: string): boolean {
      const checked = normalizeUserName(raw);
      if (!checked.ok) {
        nameError.value = "name_invalid";
        return false;
      }
      writeItem(deps.local, storageKeys.name, checked.value);
      const welcomed = connection.isWelcomed();
      const you = presence.you.value;
      const renaming = welcomed && you !== null && checked.value !== you.name;
      // (v2) Under a ban this device knows of, the name is kept for later and nothing is tried.
      const banned = bannedUntil.value > deps.now();
      batch(() => {
        name.value = checked.value;
        nameError.value = null;
        if (!banned) ended.value = null;
      });
      if (banned || (welcomed && !renaming)) return true;
      if (renaming) {
        // No rename in the protocol: leave, then join as a new session.
        connection.send({ type: "leave" });
        connection.halt(1000);
        writeItem(deps.session, storageKeys.token(room), null);
        presence.forgetYou();
        connection.connect();
      } else if (!connection.rejoin()) {
        connection.connectAfresh();
      }
      return true;
    },

    send(text: string, idOrOptions?: string | SendOptions): SendResult {
      if (isQuitCommand(text) || text.trim() === "/quit") {
        leave();
        return { ok: true, quit: true };
      }
      const given = typeof idOrOptions === "string" ? { id: idOrOptions } : (idOrOptions ?? {});
      return outbox.send(text, given.id, given.replyTo);
    },

    edit,
    deleteMessage,
    react,
    message: (seq: number) => log.get(seq),
    fetchMessage,
    canEdit,
    canDelete,
    lastOwnEditable,
    allMessages,

    typing: () => presence.typing(),
    leave,
    loadOlder: async () => {
      await log.loadOlder();
    },
    wake,

    setOnline(isOnline: boolean) {
      connection.setOnline(isOnline);
      if (isOnline) wake();
    },

    setVisible(isVisible: boolean) {
      visible.value = isVisible;
      connection.setVisible(isVisible);
      if (isVisible) {
        unread.value = 0;
        wake();
      }
    },

    reclaim() {
      // Under a ban this device knows of, one try (an owner may have lifted
      // it): a socket that closes before a welcome ends as banned again,
      // without backoff. A ban that has ended is forgotten.
      if (bannedUntil.value && bannedUntil.value <= deps.now()) forgetBan();
      ended.value = null;
      connection.connectAfresh();
    },

    discard: (id: string) => outbox.discard(id),

    dismissNotice() {
      notice.value = null;
    },

    close() {
      closed = true;
      connection.dispose();
      outbox.stop();
      changes.stop();
      presence.stop();
      moderation.stop();
    },

    latestSeq: () => log.latestSeq(),
    rev: () => log.rev(),

    kick: (userId: string) => moderation.kick(userId),
    ban: (userId: string, minutes?: number) => moderation.ban(userId, minutes),
    unban: (tag: string) => moderation.unban(tag),
    mute: (userId: string, minutes: number) => moderation.mute(userId, minutes),
    updateSettings: (patch: SettingsPatch) => moderation.updateSettings(patch),
    ignore: (tag: string) => moderation.ignore(tag),
    unignore: (tag: string) => moderation.unignore(tag),
    tagOf: (userId: string) => presence.tagOf(userId),
    keyProblem,
  };
});

export type Room = InstanceType<typeof RoomModel>;
