// The state of one room as the page sees it, and the connection that feeds
// it: a @preact/signals model (signals, computeds, named actions) around a
// hand-written reconnecting WebSocket that speaks protocol v1.
//
// It owns: joining (and asking for another name), resuming with `token` and
// `since`, reconnecting with capped exponential backoff and full jitter, the
// ping/pong watchdog, the log of messages and system lines, paging back for
// older messages and to fill a `gap`, sends that survive reconnects and
// reloads until the server echoes them, rate limits, typing notices, and the
// unread count. It touches no DOM: everything outside comes through `Deps`.

import { batch, computed, createModel, signal } from "@preact/signals";
import {
  CloseCode,
  checkText,
  DEFAULT_LIMITS,
  ErrorCode,
  type ErrorFrame,
  isMessageId,
  isQuitCommand,
  type Message,
  type MessagePage,
  nameKey,
  normalizeUserName,
  PING,
  PONG,
  parseServerFrame,
  type ServerFrame,
  TYPING_INTERVAL_MS,
  type User,
  type UserRef,
  utf8Length,
  type WelcomeFrame,
} from "../../protocol";
import { newMessageId } from "../../protocol/ids";
import { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from "../lib/backoff";
import { type Deps, readJson, type SocketLike, storageKeys, writeItem } from "./deps";

/** How often the page pings, and how long it waits for the pong. */
export const PING_EVERY_MS = 25_000;
export const PONG_WITHIN_MS = 10_000;
/** A socket that has not opened by then is given up and retried. */
export const OPEN_WITHIN_MS = 15_000;
/** A typing notice is shown this long after the last one (they come every 2 s at most). */
export const TYPING_SHOWN_MS = 4_000;
/** Messages per history page. */
export const PAGE_SIZE = 50;
/** Pages fetched at most to fill one gap (the room keeps 1000 messages). */
const GAP_PAGES = 12;

export type ConnectionStatus =
  /** Nothing running: before start, after leaving, or waiting for the user. */
  | "idle"
  /** A socket is opening, or it is open and the join is not answered yet. */
  | "connecting"
  | "connected"
  /** Waiting `retryAt` before the next attempt. */
  | "waiting"
  /** The browser says it is offline: the next attempt waits for `online`. */
  | "offline";

/** Why the model stopped for good (until the user acts). */
export type Ended = "left" | "taken_over" | "room_full" | "too_many_sessions";

/** A problem worth telling the user, in the place it happened (the UI words it). */
export type Notice =
  | { kind: "closed"; code: number }
  | { kind: "error"; code: string; message: string }
  | { kind: "history_failed" };

export type PendingStatus = "sending" | "waiting" | "failed";
export interface Pending {
  id: string;
  text: string;
  at: number;
  status: PendingStatus;
  /** Why a failed send was refused (an ErrorCode, or "too_big"). */
  reason?: string;
}

export type SystemKind = "joined" | "left" | "disconnected";
export type Entry =
  | { kind: "message"; key: string; message: Message; mine: boolean }
  | { kind: "system"; key: string; what: SystemKind; name: string; ts: number };

export type SendResult =
  | { ok: true; quit?: boolean }
  | { ok: false; reason: "empty" | "too_long" | "invalid" | "too_big" | "rate_limited" };

export interface RoomOptions {
  room: string;
  /** The origin the API lives at, e.g. `https://chat.example.com`. */
  base: string;
  /** The name to join with; without one the model waits for `join(name)`. */
  name?: string;
  maxText?: number;
  maxFrame?: number;
  backoff?: BackoffOptions;
  /** Called for a live message from someone else that mentions your name. */
  onMention?: (message: Message) => void;
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

/** The unconfirmed sends a previous page left for this room; they are sent again. */
function loadPending(deps: Deps, room: string): Pending[] {
  const saved = readJson<unknown>(deps.local, storageKeys.pending(room), []);
  if (!Array.isArray(saved)) return [];
  return saved
    .filter((p) => isMessageId(p?.id) && typeof p.text === "string")
    .map((p) => ({ id: p.id, text: p.text, at: Number(p.at) || 0, status: "sending" }));
}

export const RoomModel = createModel((deps: Deps, options: RoomOptions) => {
  const room = options.room;
  const maxText = options.maxText ?? DEFAULT_LIMITS.MAX_TEXT;
  const maxFrame = options.maxFrame ?? DEFAULT_LIMITS.MAX_FRAME;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;

  // ---- state the page renders
  const name = signal(options.name ?? "");
  const status = signal<ConnectionStatus>("idle");
  /** When the next attempt starts, while `status` is "waiting". */
  const retryAt = signal(0);
  const ended = signal<Ended | null>(null);
  /** The join was refused for its name: the page asks for another. */
  const nameError = signal<"name_taken" | "name_invalid" | null>(null);
  const notice = signal<Notice | null>(null);
  const you = signal<User | null>(null);
  const users = signal<User[]>([]);
  const log = signal<Entry[]>([]);
  const pending = signal<Pending[]>(loadPending(deps, room));
  const hasMore = signal(false);
  const loadingOlder = signal(false);
  /** Sends wait until then after a `rate_limited`. */
  const rateUntil = signal(0);
  const visible = signal(true);
  const unread = signal(0);
  const typers = signal<{ id: string; name: string; until: number }[]>([]);

  const joined = computed(() => status.value === "connected" && you.value !== null);
  const online = computed(() => users.value.filter((u) => !u.away).length);
  const typingNames = computed(() => typers.value.map((t) => t.name));

  // ---- connection state that is not rendered
  let sock: SocketLike | null = null;
  let socketOpen = false;
  let welcomed = false;
  let attempt = 0;
  let browserOnline = true;
  let lastSeq = 0;
  let hadWelcome = false;
  let lastTypingSent = -Infinity;
  let retryTimer: unknown = null;
  let openTimer: unknown = null;
  let pingTimer: unknown = null;
  let pongTimer: unknown = null;
  let rateTimer: unknown = null;
  /** A join refused by the address's join bucket is sent again when this fires. */
  let joinTimer: unknown = null;
  let typingTimer: unknown = null;
  let disposed = false;
  const seen = new Set<number>();
  /** Session ids this tab has had in this room, and ids it has sent: "mine". */
  const myUserIds = new Set<string>();
  const myIds = new Set<string>(pending.value.map((p) => p.id));
  let systemKeys = 0;

  const clear = (t: unknown) => {
    if (t !== null) deps.clearTimeout(t);
  };

  const savePending = () => {
    const list = pending.value.filter((p) => p.status !== "failed");
    writeItem(
      deps.local,
      storageKeys.pending(room),
      list.length ? JSON.stringify(list.map(({ id, text, at }) => ({ id, text, at }))) : null,
    );
  };

  const setPending = (list: Pending[]) => {
    pending.value = list;
    savePending();
  };

  // ---- the log

  const isMine = (m: Message) => myUserIds.has(m.user.id) || myIds.has(m.id);

  const entryOf = (m: Message): Entry => ({
    kind: "message",
    key: `m${m.seq}`,
    message: m,
    mine: isMine(m),
  });

  /** Adds messages it has not seen, each at its place by seq. Returns those added. */
  const addMessages = (messages: Message[]): Message[] => {
    const fresh = messages.filter((m) => !seen.has(m.seq)).sort((a, b) => a.seq - b.seq);
    if (!fresh.length) return fresh;
    const next = log.value.slice();
    for (const m of fresh) {
      seen.add(m.seq);
      if (m.seq > lastSeq) {
        lastSeq = m.seq;
        next.push(entryOf(m));
        continue;
      }
      // Older than the newest: before the first message with a larger seq.
      let at = next.length;
      for (let i = next.length - 1; i >= 0; i--) {
        const e = next[i];
        if (e?.kind === "message" && e.message.seq > m.seq) at = i;
        else if (e?.kind === "message") break;
      }
      next.splice(at, 0, entryOf(m));
    }
    log.value = next;
    confirm(fresh.map((m) => m.id));
    return fresh;
  };

  const addSystem = (what: SystemKind, user: UserRef) => {
    log.value = [
      ...log.value,
      { kind: "system", key: `s${systemKeys++}`, what, name: user.name, ts: deps.now() },
    ];
  };

  /** The sends with these ids are delivered: they leave the pending list. */
  const confirm = (ids: string[]) => {
    if (!pending.value.length) return;
    const set = new Set(ids);
    const rest = pending.value.filter((p) => !set.has(p.id));
    if (rest.length !== pending.value.length) setPending(rest);
  };

  const upsertUser = (user: User) => {
    const list = users.value.filter((u) => u.id !== user.id);
    list.push(user);
    list.sort((a, b) => a.joinedAt - b.joinedAt);
    users.value = list;
  };

  const removeUser = (id: string) => {
    users.value = users.value.filter((u) => u.id !== id);
    dropTyper(id);
  };

  const dropTyper = (id: string) => {
    if (typers.value.some((t) => t.id === id))
      typers.value = typers.value.filter((t) => t.id !== id);
  };

  // ---- the socket

  const sendFrame = (frame: object | string): boolean => {
    if (!sock || !socketOpen) return false;
    try {
      sock.send(typeof frame === "string" ? frame : JSON.stringify(frame));
      return true;
    } catch {
      return false;
    }
  };

  const stopTimers = () => {
    clear(retryTimer);
    clear(openTimer);
    clear(pongTimer);
    clear(joinTimer);
    if (pingTimer !== null) deps.clearInterval(pingTimer);
    retryTimer = openTimer = pongTimer = pingTimer = joinTimer = null;
  };

  /** Forgets the current socket without waiting for its close event. */
  const drop = (code = 4002, reason = "") => {
    const s = sock;
    sock = null;
    socketOpen = false;
    welcomed = false;
    stopTimers();
    if (s) {
      try {
        s.close(code, reason);
      } catch {
        // already closed
      }
    }
  };

  const connect = () => {
    if (disposed || ended.value) return;
    drop();
    notice.value = notice.value?.kind === "closed" ? null : notice.value;
    status.value = "connecting";
    const token = deps.session.getItem(storageKeys.token(room));
    let mine: SocketLike | null = null;
    const handlers = {
      open: () => {
        if (sock !== mine) return;
        clear(openTimer);
        openTimer = null;
        socketOpen = true;
        startPing();
        sendJoin(token);
      },
      message: (data: string) => {
        if (sock !== mine) return;
        onData(data);
      },
      close: (code: number) => {
        if (sock !== mine) return;
        sock = null;
        socketOpen = false;
        welcomed = false;
        stopTimers();
        onClosed(code);
      },
    };
    try {
      mine = deps.socket(roomSocketUrl(options.base, room), handlers);
    } catch {
      mine = null;
    }
    sock = mine;
    if (!mine) {
      scheduleReconnect();
      return;
    }
    openTimer = deps.setTimeout(() => {
      if (sock === mine && !socketOpen) {
        drop();
        scheduleReconnect();
      }
    }, OPEN_WITHIN_MS);
  };

  const sendJoin = (token: string | null = deps.session.getItem(storageKeys.token(room))) => {
    const frame: { type: "join"; name: string; since?: number; token?: string } = {
      type: "join",
      name: name.value,
    };
    if (hadWelcome) frame.since = lastSeq;
    if (token) frame.token = token;
    sendFrame(frame);
  };

  const startPing = () => {
    if (pingTimer !== null) deps.clearInterval(pingTimer);
    pingTimer = deps.setInterval(ping, PING_EVERY_MS);
  };

  /** Sends a ping and gives up on the socket if no pong comes in time. */
  const ping = () => {
    if (!socketOpen || pongTimer !== null) return;
    if (!sendFrame(PING)) return;
    pongTimer = deps.setTimeout(() => {
      pongTimer = null;
      drop(4002, "no pong");
      scheduleReconnect();
    }, PONG_WITHIN_MS);
  };

  const scheduleReconnect = () => {
    if (disposed || ended.value) {
      status.value = "idle";
      return;
    }
    clear(retryTimer);
    retryTimer = null;
    if (!browserOnline) {
      status.value = "offline";
      // `online` will wake it; but navigator.onLine only knows about network
      // interfaces and can be wrong, so try now and then anyway.
      retryTimer = deps.setTimeout(() => {
        retryTimer = null;
        connect();
      }, backoff.capMs);
      return;
    }
    const delay = backoffDelay(attempt++, deps.random, backoff);
    batch(() => {
      retryAt.value = deps.now() + delay;
      status.value = "waiting";
    });
    retryTimer = deps.setTimeout(() => {
      retryTimer = null;
      connect();
    }, delay);
  };

  const onClosed = (code: number) => {
    if (ended.value) {
      status.value = "idle";
      return;
    }
    if (code === CloseCode.TakenOver) {
      batch(() => {
        ended.value = "taken_over";
        status.value = "idle";
      });
      return;
    }
    if (nameError.value) {
      // Waiting for the user to pick another name; `join` reconnects.
      status.value = "idle";
      return;
    }
    if (code === CloseCode.Abuse || code === CloseCode.TooBig || code === CloseCode.ServerError)
      notice.value = { kind: "closed", code };
    scheduleReconnect();
  };

  const onData = (data: string) => {
    if (data === PONG) {
      clear(pongTimer);
      pongTimer = null;
      return;
    }
    const parsed = parseServerFrame(data);
    if (!parsed.ok) return;
    onFrame(parsed.value);
  };

  const onFrame = (f: ServerFrame) => {
    switch (f.type) {
      case "welcome":
        onWelcome(f);
        return;
      case "joined":
        upsertUser(f.user);
        addSystem("joined", f.user);
        return;
      case "away":
      case "back":
        upsertUser(f.user);
        if (f.type === "away") dropTyper(f.user.id);
        return;
      case "left":
        removeUser(f.user.id);
        addSystem(f.reason === "leave" ? "left" : "disconnected", f.user);
        return;
      case "message": {
        const { type: _, ...m } = f;
        const added = addMessages([m]);
        if (!added.length) return;
        dropTyper(m.user.id);
        if (!isMine(m)) {
          if (!visible.value) unread.value++;
          if (options.onMention && mentions(m.text, you.value?.name ?? name.value))
            options.onMention(m);
        }
        return;
      }
      case "typing": {
        if (f.user.id === you.value?.id) return;
        const until = deps.now() + TYPING_SHOWN_MS;
        const rest = typers.value.filter((t) => t.id !== f.user.id);
        typers.value = [...rest, { id: f.user.id, name: f.user.name, until }];
        scheduleTypingSweep();
        return;
      }
      case "error":
        onError(f);
        return;
    }
  };

  const scheduleTypingSweep = () => {
    if (typingTimer !== null) return;
    const next = Math.min(...typers.value.map((t) => t.until));
    typingTimer = deps.setTimeout(
      () => {
        typingTimer = null;
        const now = deps.now();
        typers.value = typers.value.filter((t) => t.until > now);
        if (typers.value.length) scheduleTypingSweep();
      },
      Math.max(0, next - deps.now()),
    );
  };

  const onWelcome = (w: WelcomeFrame) => {
    const first = !hadWelcome;
    const knownSeq = lastSeq;
    batch(() => {
      welcomed = true;
      attempt = 0;
      hadWelcome = true;
      writeItem(deps.session, storageKeys.token(room), w.token);
      myUserIds.add(w.you.id);
      nameError.value = null;
      if (notice.value?.kind === "closed") notice.value = null;
      you.value = w.you;
      name.value = w.you.name;
      const list = w.users.slice().sort((a, b) => a.joinedAt - b.joinedAt);
      users.value = list;
      // A resumed session keeps the typers who are still here.
      const ids = new Set(list.map((u) => u.id));
      typers.value = typers.value.filter((t) => ids.has(t.id));
      addMessages(w.messages);
      if (first) {
        const oldest = w.messages[0]?.seq;
        hasMore.value = oldest !== undefined && oldest > 1;
      }
      status.value = "connected";
    });
    writeItem(deps.local, storageKeys.name, w.you.name);
    flush();
    if (w.gap && !first) {
      const firstNew = w.messages[0]?.seq ?? w.seq + 1;
      void fillGap(knownSeq, firstNew);
    }
  };

  /** Sends every pending message that is due (after a welcome, or a rate limit's end). */
  const flush = () => {
    if (!welcomed) return;
    if (rateUntil.value > deps.now()) return;
    let changed = false;
    const list = pending.value.map((p) => {
      if (p.status === "waiting") {
        changed = true;
        return { ...p, status: "sending" as const };
      }
      return p;
    });
    if (changed) pending.value = list;
    for (const p of list) {
      if (p.status === "sending") sendFrame({ type: "send", id: p.id, text: p.text });
    }
  };

  const onError = (e: ErrorFrame) => {
    switch (e.code) {
      case ErrorCode.NameTaken:
      case ErrorCode.NameInvalid:
        batch(() => {
          nameError.value = e.code as "name_taken" | "name_invalid";
          status.value = "idle";
        });
        return;
      case ErrorCode.RoomFull:
      case ErrorCode.TooManySessions:
        batch(() => {
          ended.value = e.code === ErrorCode.RoomFull ? "room_full" : "too_many_sessions";
          status.value = "idle";
        });
        drop(1000);
        return;
      case ErrorCode.Duplicate:
        if (e.id) confirm([e.id]);
        return;
      case ErrorCode.RateLimited: {
        if (e.id === undefined && !welcomed) {
          // Too many fresh joins from this address: the connection stays
          // open, and the join goes again when the server says.
          clear(joinTimer);
          joinTimer = deps.setTimeout(
            () => {
              joinTimer = null;
              if (socketOpen && !welcomed) sendJoin();
            },
            Math.max(0, e.retryAfterMs ?? 1000),
          );
          return;
        }
        const until = deps.now() + Math.max(0, e.retryAfterMs ?? 1000);
        batch(() => {
          if (until > rateUntil.value) rateUntil.value = until;
          if (e.id) {
            pending.value = pending.value.map((p) =>
              p.id === e.id ? { ...p, status: "waiting" as const } : p,
            );
          }
        });
        clear(rateTimer);
        rateTimer = deps.setTimeout(() => {
          rateTimer = null;
          rateUntil.value = 0;
          flush();
        }, rateUntil.value - deps.now());
        return;
      }
      case ErrorCode.TextInvalid:
        if (e.id) {
          setPending(
            pending.value.map((p) =>
              p.id === e.id ? { ...p, status: "failed" as const, reason: e.code } : p,
            ),
          );
          return;
        }
        break;
    }
    notice.value = { kind: "error", code: e.code, message: e.message };
  };

  /** Pages back from `before` until it meets `knownSeq`, to fill a welcome's gap. */
  const fillGap = async (knownSeq: number, before: number) => {
    let cursor = before;
    for (let i = 0; i < GAP_PAGES && cursor > knownSeq + 1; i++) {
      const page = await fetchPage(cursor, 100);
      if (!page) return;
      addMessages(page.messages.filter((m) => m.seq > knownSeq));
      const oldest = page.messages[0]?.seq;
      if (!page.more || oldest === undefined) return;
      cursor = oldest;
    }
  };

  const fetchPage = async (before: number, limit: number): Promise<MessagePage | null> => {
    try {
      const res = await deps.fetch(messagesUrl(options.base, room, before, limit));
      if (!res.ok) throw new Error(String(res.status));
      const body = (await res.json()) as MessagePage;
      if (!Array.isArray(body?.messages)) throw new Error("bad page");
      return body;
    } catch {
      notice.value = { kind: "history_failed" };
      return null;
    }
  };

  /** Leaves on purpose: the others see "left", and this tab forgets its session. */
  const leave = () => {
    batch(() => {
      ended.value = "left";
      status.value = "idle";
    });
    sendFrame({ type: "leave" });
    // The server closes with 1000 after a leave; do not wait for it.
    drop(1000);
    writeItem(deps.session, storageKeys.token(room), null);
  };

  /** Reconnects now instead of waiting (back online, tab visible, "retry" clicked). */
  const wake = () => {
    if (disposed || ended.value || nameError.value) return;
    if (status.value === "waiting" || status.value === "offline") {
      clear(retryTimer);
      retryTimer = null;
      connect();
    } else if (status.value === "connected") {
      // A tab that slept may hold a dead socket: check it now.
      ping();
    }
  };

  // ---- actions

  return {
    name,
    status,
    retryAt,
    ended,
    nameError,
    notice,
    you,
    users,
    log,
    pending,
    hasMore,
    loadingOlder,
    rateUntil,
    visible,
    unread,
    joined,
    online,
    typingNames,

    /** Starts connecting, if there is a name to join with. */
    start() {
      if (name.value) connect();
    },

    /**
     * Joins under `raw` (the first join, or another name after `name_taken`).
     * While joined under another name, it leaves and joins afresh.
     */
    join(raw: string): boolean {
      const checked = normalizeUserName(raw);
      if (!checked.ok) {
        nameError.value = "name_invalid";
        return false;
      }
      writeItem(deps.local, storageKeys.name, checked.value);
      const renaming = welcomed && you.value !== null && checked.value !== you.value.name;
      batch(() => {
        name.value = checked.value;
        nameError.value = null;
        ended.value = null;
      });
      if (welcomed && !renaming) return true;
      if (renaming) {
        // No rename in the protocol: leave, then join as a new session.
        sendFrame({ type: "leave" });
        drop(1000);
        writeItem(deps.session, storageKeys.token(room), null);
        you.value = null;
        connect();
      } else if (sock && socketOpen) {
        status.value = "connecting";
        sendJoin();
      } else {
        attempt = 0;
        connect();
      }
      return true;
    },

    /** Posts `text`, or leaves for `quit()` and `/quit`. */
    send(text: string): SendResult {
      const trimmed = text.trim();
      if (isQuitCommand(text) || trimmed === "/quit") {
        leave();
        return { ok: true, quit: true };
      }
      if (!trimmed) return { ok: false, reason: "empty" };
      const checked = checkText(text, maxText);
      if (!checked.ok) {
        return {
          ok: false,
          reason: checked.error.includes("at most") ? "too_long" : "invalid",
        };
      }
      const id = newMessageId(deps.randomBytes);
      const frame = { type: "send", id, text };
      if (utf8Length(JSON.stringify(frame)) > maxFrame) return { ok: false, reason: "too_big" };
      const limited = rateUntil.value > deps.now();
      myIds.add(id);
      setPending([
        ...pending.value,
        { id, text, at: deps.now(), status: limited ? "waiting" : "sending" },
      ]);
      if (welcomed && !limited) sendFrame(frame);
      return { ok: true };
    },

    /** Tells the others you are typing, at most once per TYPING_INTERVAL_MS. */
    typing() {
      if (!welcomed) return;
      const now = deps.now();
      if (now - lastTypingSent < TYPING_INTERVAL_MS) return;
      if (sendFrame({ type: "typing" })) lastTypingSent = now;
    },

    leave,

    /** Loads the page of messages before the oldest one shown. */
    async loadOlder() {
      if (loadingOlder.value || !hasMore.value) return;
      const oldest = log.value.find((e) => e.kind === "message");
      if (oldest?.kind !== "message") return;
      loadingOlder.value = true;
      const page = await fetchPage(oldest.message.seq, PAGE_SIZE);
      batch(() => {
        loadingOlder.value = false;
        if (page) {
          addMessages(page.messages);
          hasMore.value = page.more && page.messages.length > 0;
        }
      });
    },

    wake,

    setOnline(isOnline: boolean) {
      browserOnline = isOnline;
      if (isOnline) wake();
      else if (status.value === "waiting") scheduleReconnect();
    },

    setVisible(isVisible: boolean) {
      visible.value = isVisible;
      if (isVisible) {
        unread.value = 0;
        wake();
      }
    },

    /** Takes the session back after another tab took it over (or retries a full room). */
    reclaim() {
      ended.value = null;
      attempt = 0;
      connect();
    },

    /** Forgets a send that the server refused for its content. */
    discard(id: string) {
      setPending(pending.value.filter((p) => p.id !== id));
    },

    dismissNotice() {
      notice.value = null;
    },

    /** Closes the socket without leaving (the session stays for the grace period). */
    close() {
      disposed = true;
      drop(1000);
      clear(rateTimer);
      clear(typingTimer);
      status.value = "idle";
    },
  };
});

export type Room = InstanceType<typeof RoomModel>;
