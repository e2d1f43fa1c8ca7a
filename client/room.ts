// One room as a client sees it: the composed model that the page (and the
// test clients) use. It puts together the connection (connection.ts), the
// outbox (outbox.ts), the log (log.ts) and presence (presence.ts), reads the
// server's frames and hands each to the part it concerns, and keeps what
// belongs to the room as a whole: the name to join with, why it ended, the
// notice to show, and the unread count. It exposes read-only signals and
// named actions, and touches no DOM and no platform: everything outside
// comes through `Deps`.
import { batch, computed, createModel, type ReadonlySignal, signal } from "@preact/signals-core";
import {
  CloseCode,
  DEFAULT_LIMITS,
  ErrorCode,
  type ErrorFrame,
  isQuitCommand,
  type Message,
  nameKey,
  normalizeUserName,
  type ServerFrame,
  type User,
  type WelcomeFrame,
} from "../protocol";
import { type BackoffOptions, DEFAULT_BACKOFF } from "./backoff";
import { ConnectionModel, type ConnectionStatus, OPEN_WITHIN_MS } from "./connection";
import { type Deps, storageKeys, writeItem } from "./deps";
import { type Entry, LogModel } from "./log";
import { OutboxModel, type Pending, type SendResult } from "./outbox";
import { PresenceModel } from "./presence";

export {
  type ConnectionStatus,
  OPEN_WITHIN_MS,
  PING_EVERY_MS,
  PONG_WITHIN_MS,
} from "./connection";
export { type Entry, PAGE_SIZE, type SystemKind } from "./log";
export type { Pending, PendingStatus, SendResult } from "./outbox";
export { TYPING_SHOWN_MS } from "./presence";

/** Why the model stopped for good (until the user acts). */
export type Ended = "left" | "taken_over" | "room_full" | "too_many_sessions";

/** A problem worth telling the user, in the place it happened (the UI words it). */
export type Notice =
  | { kind: "closed"; code: number }
  | { kind: "error"; code: string; message: string }
  | { kind: "history_failed" };

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
  /** Called for a live message from someone else that mentions your name. */
  onMention?: (message: Message) => void;
}

export interface RoomApi {
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
  /** Sends wait until then after a `rate_limited`. */
  rateUntil: ReadonlySignal<number>;
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
  /** Posts `text` (with the id given, or a new one), or leaves for `quit()` and `/quit`. */
  send(text: string, id?: string): SendResult;
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
  /** Takes the session back after another tab took it over (or retries a full room). */
  reclaim(): void;
  /** Forgets a send that the server refused for its content. */
  discard(id: string): void;
  dismissNotice(): void;
  /** Closes the socket without leaving (the session stays for the grace period). */
  close(): void;
  /** The newest seq the log holds (0 before any). */
  latestSeq(): number;
}

export function roomSocketUrl(base: string, room: string): string {
  return `${base.replace(/^http/, "ws")}/api/rooms/${encodeURIComponent(room)}/ws`;
}

export function messagesUrl(base: string, room: string, before: number, limit: number): string {
  return `${base}/api/rooms/${encodeURIComponent(room)}/messages?before=${before}&limit=${limit}`;
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
  const ended = signal<Ended | null>(null);
  const nameError = signal<"name_taken" | "name_invalid" | null>(null);
  const notice = signal<Notice | null>(null);
  const visible = signal(true);
  const unread = signal(0);
  let hadWelcome = false;
  let closed = false;

  const connection = new ConnectionModel(deps, {
    url: roomSocketUrl(options.base, room),
    backoff: options.backoff ?? DEFAULT_BACKOFF,
    openWithinMs: options.openWithinMs ?? OPEN_WITHIN_MS,
    mayConnect: () => !ended.value,
    onConnecting: () => {
      notice.value = notice.value?.kind === "closed" ? null : notice.value;
    },
    joinFrame: () => {
      const frame: { type: "join"; name: string; since?: number; token?: string } = {
        type: "join",
        name: name.value,
      };
      if (hadWelcome) frame.since = log.latestSeq();
      const token = deps.session.getItem(storageKeys.token(room));
      if (token) frame.token = token;
      return frame;
    },
    onFrame: (f) => onFrame(f),
    onClosed: (code) => onClosed(code),
  });
  const writeWelcomed = (frame: object) => connection.send(frame);
  const outbox = new OutboxModel(deps, {
    room,
    maxText: options.maxText ?? DEFAULT_LIMITS.MAX_TEXT,
    maxFrame: options.maxFrame ?? DEFAULT_LIMITS.MAX_FRAME,
    write: writeWelcomed,
    canWrite: () => connection.isWelcomed(),
  });
  const presence = new PresenceModel(deps, {
    write: writeWelcomed,
    canWrite: () => connection.isWelcomed(),
  });
  const isMine = (m: Message) => presence.isMe(m.user.id) || outbox.sentHere(m.id);
  const log = new LogModel(deps, {
    messagesUrl: (before, limit) => messagesUrl(options.base, room, before, limit),
    isMine,
    acknowledge: (acks) => outbox.acknowledge(acks),
    onHistoryFailed: () => {
      notice.value = { kind: "history_failed" };
    },
    echoOnly: options.echoOnly ?? false,
  });

  const connected = computed(() => connection.status.value === "connected");
  const joined = computed(
    () => connection.status.value === "connected" && presence.you.value !== null,
  );

  const onClosed = (code: number): boolean => {
    if (ended.value) return false;
    if (code === CloseCode.TakenOver) {
      ended.value = "taken_over";
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
        log.addSystem(f.reason === "leave" ? "left" : "disconnected", f.user);
        return;
      case "message": {
        const { type: _, ...m } = f;
        if (!log.live(m)) return;
        presence.stoppedTyping(m.user.id);
        if (!isMine(m)) {
          if (!visible.value) unread.value++;
          if (options.onMention && mentions(m.text, presence.you.value?.name ?? name.value))
            options.onMention(m);
        }
        return;
      }
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
    const knownSeq = log.latestSeq();
    batch(() => {
      connection.welcomed();
      hadWelcome = true;
      writeItem(deps.session, storageKeys.token(room), w.token);
      presence.welcome(w.you, w.users);
      nameError.value = null;
      if (notice.value?.kind === "closed") notice.value = null;
      name.value = w.you.name;
      log.welcome(w.messages, w.seq, first);
    });
    writeItem(deps.local, storageKeys.name, w.you.name);
    outbox.welcomed();
    if (w.gap && !first) {
      const firstNew = w.messages[0]?.seq ?? w.seq + 1;
      void log.fillGap(knownSeq, firstNew);
    }
  };

  const onError = (e: ErrorFrame) => {
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
        batch(() => {
          ended.value = e.code === ErrorCode.RoomFull ? "room_full" : "too_many_sessions";
          connection.halt(1000);
        });
        return;
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
        return;
      case ErrorCode.TextInvalid:
        if (e.id) {
          outbox.refused(e.id, e.code);
          return;
        }
        break;
    }
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

  return {
    name,
    status: connection.status,
    connected,
    retryAt: connection.retryAt,
    ended,
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
      batch(() => {
        name.value = checked.value;
        nameError.value = null;
        ended.value = null;
      });
      if (welcomed && !renaming) return true;
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

    send(text: string, id?: string): SendResult {
      if (isQuitCommand(text) || text.trim() === "/quit") {
        leave();
        return { ok: true, quit: true };
      }
      return outbox.send(text, id);
    },

    typing: () => presence.typing(),
    leave,
    loadOlder: () => log.loadOlder(),
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
      presence.stop();
    },

    latestSeq: () => log.latestSeq(),
  };
});

export type Room = InstanceType<typeof RoomModel>;
