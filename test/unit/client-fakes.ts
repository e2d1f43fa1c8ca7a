// Fakes for the client core (client/) under Node: a manual clock with
// timers, a scripted socket per connection, in-memory storage and a canned
// fetch, and the frames of a v2 room (messages with their rev, welcomes with
// v, rev, settings, limits and, for owners, bans; users with a role, a mute
// or a trip when told). The core gets them through its Deps, exactly
// where the page passes the browser's own.
import {
  type Deps,
  type HttpResponseLike,
  MemoryStorage,
  type SocketHandlers,
  type SocketLike,
} from "../../client/deps";
import { type Room, RoomModel, type RoomOptions } from "../../client/room";
import {
  type Ban,
  DEFAULT_SETTINGS,
  type Limits,
  type Message,
  PROTOCOL_VERSION,
  type Settings,
} from "../../protocol";

export { MemoryStorage };

export class FakeClock {
  now = 1_700_000_000_000;
  private timers = new Map<number, { at: number; fn: () => void; every?: number }>();
  private nextId = 1;

  setTimeout = (fn: () => void, ms: number) => {
    const id = this.nextId++;
    this.timers.set(id, { at: this.now + Math.max(0, ms), fn });
    return id;
  };
  setInterval = (fn: () => void, ms: number) => {
    const id = this.nextId++;
    this.timers.set(id, { at: this.now + ms, fn, every: ms });
    return id;
  };
  clear = (id: unknown) => {
    this.timers.delete(id as number);
  };

  /** Moves time forward by `ms`, running every timer that falls due, in order. */
  advance(ms: number) {
    const end = this.now + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void; every?: number }] | undefined;
      for (const entry of this.timers) if (!next || entry[1].at < next[1].at) next = entry;
      if (!next || next[1].at > end) break;
      const [id, t] = next;
      this.now = t.at;
      if (t.every) t.at += t.every;
      else this.timers.delete(id);
      t.fn();
    }
    this.now = end;
  }

  pendingTimers() {
    return this.timers.size;
  }
}

export class FakeSocket implements SocketLike {
  sent: string[] = [];
  closed: { code?: number; reason?: string } | null = null;
  constructor(
    readonly url: string,
    readonly handlers: SocketHandlers,
  ) {}
  send(data: string) {
    if (this.closed) throw new Error("closed");
    this.sent.push(data);
  }
  close(code?: number, reason?: string) {
    this.closed = { code, reason };
  }
  /** The frames sent, parsed (the text `ping` stays a string). */
  frames(): Array<Record<string, unknown> | string> {
    return this.sent.map((s) => (s === "ping" ? s : JSON.parse(s)));
  }
  framesOf(type: string): Record<string, unknown>[] {
    return this.frames().filter(
      (f): f is Record<string, unknown> => typeof f !== "string" && f.type === type,
    );
  }
  open() {
    this.handlers.open();
  }
  receive(frame: object | string) {
    this.handlers.message(typeof frame === "string" ? frame : JSON.stringify(frame));
  }
  serverClose(code: number, reason = "") {
    this.handlers.close(code, reason);
  }
}

export interface FakeWorld {
  deps: Deps;
  clock: FakeClock;
  sockets: FakeSocket[];
  last: () => FakeSocket;
  local: MemoryStorage;
  session: MemoryStorage;
  requests: string[];
  /** Answers the next fetches, in order. */
  responses: Array<{ status: number; body: unknown }>;
  randomValue: { value: number };
}

export function fakeWorld(
  init: { local?: MemoryStorage; session?: MemoryStorage; clock?: FakeClock } = {},
): FakeWorld {
  const clock = init.clock ?? new FakeClock();
  const sockets: FakeSocket[] = [];
  const local = init.local ?? new MemoryStorage();
  const session = init.session ?? new MemoryStorage();
  const requests: string[] = [];
  const responses: Array<{ status: number; body: unknown }> = [];
  const randomValue = { value: 0.5 };
  let counter = 0;
  const deps: Deps = {
    socket(url, handlers) {
      const s = new FakeSocket(url, handlers);
      sockets.push(s);
      return s;
    },
    async fetch(url): Promise<HttpResponseLike> {
      requests.push(url);
      const r = responses.shift() ?? { status: 500, body: {} };
      return { ok: r.status < 300, status: r.status, json: async () => r.body };
    },
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clear,
    setInterval: clock.setInterval,
    clearInterval: clock.clear,
    now: () => clock.now,
    random: () => randomValue.value,
    randomBytes: (n) => {
      counter++;
      const bytes = new Uint8Array(n);
      for (let i = 0; i < n; i++) bytes[i] = (counter * 31 + i * 7) & 255;
      return bytes;
    },
    local,
    session,
  };
  return {
    deps,
    clock,
    sockets,
    last: () => {
      const s = sockets.at(-1);
      if (!s) throw new Error("no socket yet");
      return s;
    },
    local,
    session,
    requests,
    responses,
    randomValue,
  };
}

let seq = 0;
/** A user as the room shows it; (v2) `role`, `mutedUntil` and `trip` only when given. */
export function user(
  name: string,
  extra: Partial<{
    id: string;
    away: boolean;
    tag: string;
    role: "owner";
    mutedUntil: number;
    trip: string;
  }> = {},
) {
  const { id, away, tag, ...v2 } = extra;
  return {
    id: id ?? `u-${name}`,
    name,
    joinedAt: 1_700_000_000_000 + seq++,
    away: away ?? false,
    tag: tag ?? "a1b2c3d4",
    ...v2,
  };
}

/** Message `n` from `from`, as a v2 room sends it: unchanged, its rev is its seq unless told. */
export function message(
  n: number,
  from: string,
  text = `message ${n}`,
  id = `id-${n}-xxxxxxxxxxxxxx`,
  extra: Partial<Message> = {},
): Message {
  return {
    seq: n,
    id,
    user: { id: `u-${from}`, name: from },
    text,
    ts: 1_700_000_000_000 + n,
    rev: n,
    ...extra,
  };
}

/** The limits a fake welcome tells: the protocol's defaults, with `given` over them. */
export function limits(given: Partial<Limits> = {}): Limits {
  return {
    MAX_TEXT: 4000,
    MAX_FRAME: 32 * 1024,
    MAX_CIPHERTEXT: 24_000,
    RATE_BURST: 10,
    RATE_PER_SEC: 2,
    EDIT_WINDOW_MS: 3_600_000,
    HISTORY_LIMIT: 1000,
    RESUME_GRACE_MS: 30_000,
    ...given,
  };
}

/**
 * A v2 welcome. `seq` defaults to the number of messages, and `rev` to the
 * highest of `seq` and the messages' revs (a room where nothing else changed).
 */
export function welcome(
  you: ReturnType<typeof user>,
  extra: Partial<{
    users: unknown[];
    messages: Array<{ rev?: number }>;
    seq: number;
    rev: number;
    gap: boolean;
    token: string;
    settings: Settings;
    limits: Partial<Limits>;
    bans: Ban[];
  }> = {},
) {
  const messages = extra.messages ?? [];
  const seq = extra.seq ?? messages.length;
  return {
    type: "welcome",
    room: "lobby",
    you,
    token: extra.token ?? "tok-1",
    users: extra.users ?? [you],
    messages,
    seq,
    gap: extra.gap ?? false,
    v: PROTOCOL_VERSION,
    rev: extra.rev ?? Math.max(seq, ...messages.map((m) => m.rev ?? 0)),
    settings: extra.settings ?? { ...DEFAULT_SETTINGS },
    limits: limits(extra.limits),
    ...(extra.bans ? { bans: extra.bans } : {}),
  };
}

/** The origin the fakes serve. */
export const BASE = "http://chat.test";

/** Starts a room model on the fake world, joining "lobby" as Alice unless told otherwise. */
export function openRoom(world: FakeWorld, options: Partial<RoomOptions> = {}): Room {
  const room = new RoomModel(world.deps, { room: "lobby", base: BASE, name: "Alice", ...options });
  room.start();
  return room;
}

/** Starts a room, opens its socket and answers the join with a welcome. */
export function joinedRoom(
  world: FakeWorld,
  w: object = welcome(user("Alice")),
  options: Partial<RoomOptions> = {},
): Room {
  const room = openRoom(world, options);
  world.last().open();
  world.last().receive(w);
  return room;
}
