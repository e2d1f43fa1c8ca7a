// Helpers for the tests that run inside workerd: a fresh room per test, and
// WebSocket clients whose every wait has a timeout, so that a missing frame
// fails the test with a message instead of hanging it.
import { env, SELF } from "cloudflare:test";
import { vi } from "vitest";
import { DEFAULT_LIMITS, type Message, type RoomInfo, type ServerFrame } from "../../protocol";
import { newMessageId } from "../../protocol/ids";
import type { Env } from "../../worker/config";

let counter = 0;
/** A room name no other test uses. */
export function freshRoom(prefix = "t"): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

/** A fresh message id (the protocol wants 16–64 of [A-Za-z0-9_-]). */
export function newId(): string {
  return newMessageId((n) => crypto.getRandomValues(new Uint8Array(n)));
}

export const BASE = "https://chat.test";

/** A random address in 198.18.0.0/15, the block reserved for benchmarks and tests. */
export function randomAddress(): string {
  const [a, b, c] = crypto.getRandomValues(new Uint8Array(3));
  return `198.${18 + ((a as number) & 1)}.${b}.${c}`;
}

export interface ConnectOptions {
  /** The client's address, as the platform reports it in CF-Connecting-IP. */
  ip?: string;
  origin?: string;
  headers?: Record<string, string>;
}

export interface Closed {
  code: number;
  reason: string;
}

export interface Client {
  ws: WebSocket;
  /** Every frame received so far, parsed (text frames that are not JSON are kept as strings). */
  frames: (ServerFrame | string)[];
  /**
   * Any object: the tests send well-formed frames (ClientFrame) as well as
   * frames with wrong or extra fields on purpose.
   */
  send(frame: object): void;
  sendRaw(data: string | ArrayBuffer): void;
  /** The next frame not yet taken (optionally of a type), within `timeoutMs`. */
  next<T extends ServerFrame["type"]>(
    type?: T,
    timeoutMs?: number,
  ): Promise<Extract<ServerFrame, { type: T }>>;
  /** The next raw text frame not yet taken. */
  nextRaw(timeoutMs?: number): Promise<string>;
  /** Waits `ms` and fails if any frame not yet taken arrived (optionally of a type). */
  expectNothing(ms?: number, type?: ServerFrame["type"]): Promise<void>;
  closed(timeoutMs?: number): Promise<Closed>;
  close(code?: number, reason?: string): void;
}

export async function upgrade(room: string, options: ConnectOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { Upgrade: "websocket", ...options.headers };
  if (options.ip) headers["CF-Connecting-IP"] = options.ip;
  if (options.origin) headers.Origin = options.origin;
  return SELF.fetch(`${BASE}/api/rooms/${encodeURIComponent(room)}/ws`, { headers });
}

/** Opens a WebSocket to a room; fails unless the upgrade succeeds. */
export async function connect(room: string, options: ConnectOptions = {}): Promise<Client> {
  // Each connection comes from its own address unless the test says otherwise,
  // so that the per-address limits (connections, messages) bind only the
  // tests that are about them.
  const res = await upgrade(room, { ip: randomAddress(), ...options });
  if (res.status !== 101 || !res.webSocket) {
    throw new Error(`upgrade failed: ${res.status} ${await res.text()}`);
  }
  const ws = res.webSocket;
  const frames: (ServerFrame | string)[] = [];
  let taken = 0;
  let waiter: (() => void) | undefined;
  let closedWith: Closed | undefined;
  const closeWaiters: ((c: Closed) => void)[] = [];

  ws.addEventListener("message", (event) => {
    const data = event.data;
    if (typeof data === "string") {
      try {
        frames.push(JSON.parse(data) as ServerFrame);
      } catch {
        frames.push(data);
      }
    } else {
      frames.push("<binary>");
    }
    waiter?.();
  });
  ws.addEventListener("close", (event) => {
    closedWith = { code: event.code, reason: event.reason };
    for (const w of closeWaiters.splice(0)) w(closedWith);
    waiter?.();
  });
  ws.accept();

  // The deadline is a timer, not Date.now(): tests that pin or shift the
  // clock (shiftClock) must still see a timeout, with the frames, not a hang.
  const waitFor = async <T>(
    pick: () => T | undefined,
    what: string,
    timeoutMs: number,
  ): Promise<T> => {
    let expired = false;
    const deadline = setTimeout(() => {
      expired = true;
      waiter?.();
    }, timeoutMs);
    try {
      for (;;) {
        const found = pick();
        if (found !== undefined) return found;
        if (expired) {
          throw new Error(
            `timed out waiting for ${what}; frames: ${JSON.stringify(frames.slice(taken))}; closed: ${JSON.stringify(closedWith)}`,
          );
        }
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 1000);
          waiter = () => {
            clearTimeout(t);
            resolve();
          };
        });
      }
    } finally {
      clearTimeout(deadline);
    }
  };

  const client: Client = {
    ws,
    frames,
    send: (frame) => ws.send(JSON.stringify(frame)),
    sendRaw: (data) => ws.send(data),
    next: (type, timeoutMs = 5000) =>
      waitFor(
        () => {
          for (let i = taken; i < frames.length; i++) {
            const f = frames[i];
            if (typeof f === "string") continue;
            if (type === undefined || f?.type === type) {
              // Frames skipped over while looking for a type stay skipped.
              taken = i + 1;
              // biome-ignore lint/suspicious/noExplicitAny: the caller's type parameter narrows it
              return f as any;
            }
          }
          return undefined;
        },
        `a ${type ?? "frame"}`,
        timeoutMs,
      ),
    nextRaw: (timeoutMs = 5000) =>
      waitFor(
        () => {
          const f = frames[taken];
          if (f === undefined) return undefined;
          taken += 1;
          return typeof f === "string" ? f : JSON.stringify(f);
        },
        "a raw frame",
        timeoutMs,
      ),
    expectNothing: async (ms = 300, type) => {
      await new Promise((r) => setTimeout(r, ms));
      const extra = frames
        .slice(taken)
        .filter((f) => type === undefined || (typeof f !== "string" && f.type === type));
      if (extra.length > 0) throw new Error(`expected no frame, got ${JSON.stringify(extra)}`);
    },
    closed: (timeoutMs = 5000) =>
      closedWith
        ? Promise.resolve(closedWith)
        : waitFor(() => closedWith, "the connection to close", timeoutMs),
    close: (code = 1000, reason = "") => {
      try {
        ws.close(code, reason);
      } catch {
        // already closed
      }
    },
  };
  return client;
}

/** Connects and joins under `name`; returns the client and its welcome. */
export async function join(
  room: string,
  name: string,
  options: ConnectOptions & { since?: number; token?: string } = {},
) {
  const client = await connect(room, options);
  const frame: Record<string, unknown> = { type: "join", name };
  if (options.since !== undefined) frame.since = options.since;
  if (options.token !== undefined) frame.token = options.token;
  client.send(frame);
  const welcome = await client.next("welcome");
  return { client, welcome };
}

/** `from`, `from + 1`, …, `to`. */
export const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * Posts `n` messages (texts m1, m2, …) through sessions that each stay
 * within the rate burst and then leave, so that neither the rate limit nor
 * MAX_USERS gets in the way. Returns the echoes, in order.
 */
export async function fillRoom(room: string, n: number, burst: number): Promise<Message[]> {
  const out: Message[] = [];
  for (let s = 0; out.length < n; s++) {
    const { client } = await join(room, `filler${s}`);
    const count = Math.min(burst, n - out.length);
    for (let i = 0; i < count; i++) out.push(await post(client, `m${out.length + 1}`));
    client.send({ type: "leave" });
    await client.closed();
  }
  return out;
}

/** Posts a message and waits for its echo (the acknowledgement). */
export async function post(client: Client, text: string, id = newId()) {
  client.send({ type: "send", id, text });
  for (;;) {
    const m = await client.next("message");
    if (m.id === id) return m;
  }
}

export async function getJson<T = unknown>(
  path: string,
  init?: RequestInit,
): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await SELF.fetch(`${BASE}${path}`, init);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: the body stays text
  }
  return { status: res.status, body: body as T, headers: res.headers };
}

/**
 * The limits the hardening added (wrangler.toml's defaults, which
 * TEST_LIMITS keeps): fresh joins per address per room, and answers to
 * repeated message ids per connection. The fallbacks are those defaults,
 * for a build that has no such variables.
 */
export const HARDENING_LIMITS = (() => {
  const e = env as unknown as Record<string, string | undefined>;
  return {
    JOIN_BURST: Number(e.JOIN_BURST ?? 10),
    JOIN_PER_SEC: Number(e.JOIN_PER_SEC ?? 0.5),
    DUP_BURST: Number(e.DUP_BURST ?? 20),
    DUP_PER_SEC: Number(e.DUP_PER_SEC ?? 5),
  };
})();

/**
 * Connects like `connect`, but while the address is at MAX_CONN_PER_IP (429,
 * because the room has not yet processed the close of an earlier connection)
 * tries again every 20 ms, at most `tries` times.
 */
export async function connectWhenAllowed(
  room: string,
  options: ConnectOptions = {},
  tries = 250,
): Promise<Client> {
  for (let i = 0; ; i++) {
    try {
      return await connect(room, options);
    } catch (err) {
      if (i >= tries || !String(err).includes("upgrade failed: 429")) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

// ---------------------------------------------------------------------------
// Protocol v2, conversations (test/workers/conversation/)

/**
 * Unfolds each `batch` frame into the frames it holds, in their order, as
 * the protocol asks of a client (a connection that joined with `v` ≥ 2 may
 * get them), so that `next` finds the frames inside.
 */
export function unbatch(client: Client): Client {
  client.ws.addEventListener("message", () => {
    const last = client.frames.at(-1);
    if (typeof last === "object" && last.type === "batch") {
      client.frames.splice(client.frames.length - 1, 1, ...last.frames);
    }
  });
  return client;
}

/** Connects and joins with `v: 2` (or the given `v`); returns the client and its welcome. */
export async function joinV2(
  room: string,
  name: string,
  options: ConnectOptions & { since?: number; token?: string; v?: number } = {},
) {
  const client = unbatch(await connect(room, options));
  const frame: Record<string, unknown> = { type: "join", name, v: options.v ?? 2 };
  if (options.since !== undefined) frame.since = options.since;
  if (options.token !== undefined) frame.token = options.token;
  client.send(frame);
  const welcome = await client.next("welcome");
  return { client, welcome };
}

/** Posts a message (optionally a reply), waits for its echo and returns it as a Message. */
export async function postReply(
  client: Client,
  text: string,
  replyTo?: number,
  id = newId(),
): Promise<Message> {
  const frame: Record<string, unknown> = { type: "send", id, text };
  if (replyTo !== undefined) frame.replyTo = replyTo;
  client.send(frame);
  for (;;) {
    const { type: _type, ...m } = await client.next("message");
    if (m.id === id) return m;
  }
}

export type Change =
  | { type: "edit"; seq: number; text: string }
  | { type: "delete"; seq: number }
  | { type: "react"; seq: number; emoji: string; on: boolean };

/**
 * Sends an `edit`, `delete` or `react` and waits for its acknowledgement:
 * the `update` of that seq showing the state asked for (the edited text,
 * the deletion, this session's reaction held or not), so that an update of
 * someone else's change to the same message is not taken for it.
 */
export async function applyChange(client: Client, frame: Change): Promise<Message> {
  const me = client.frames.find(
    (f): f is Extract<ServerFrame, { type: "welcome" }> =>
      typeof f === "object" && f.type === "welcome",
  )?.you.id;
  const shows = (m: Message) => {
    if (m.seq !== frame.seq) return false;
    if (frame.type === "edit") return m.text === frame.text;
    if (frame.type === "delete") return m.deleted !== undefined;
    const users = m.reactions?.find((r) => r.emoji === frame.emoji)?.users ?? [];
    return users.includes(me as string) === frame.on;
  };
  client.send(frame);
  for (;;) {
    const u = await client.next("update");
    if (shows(u.message)) return u.message;
  }
}

/** The room's Durable Object. */
export const roomStub = (room: string) => (env as unknown as Env).ROOM.getByName(room);

/** GET /api/rooms/:room. */
export async function roomInfo(room: string) {
  return (await getJson<RoomInfo>(`/api/rooms/${encodeURIComponent(room)}`)).body;
}

/** The v2 limits the workers tests run with (wrangler.toml's, unless vitest.config.ts sets them). */
export const V2_LIMITS = (() => {
  const e = env as unknown as Record<string, string | undefined>;
  return {
    EDIT_WINDOW_MS: Number(e.EDIT_WINDOW_MS ?? DEFAULT_LIMITS.EDIT_WINDOW_MS),
    MAX_CIPHERTEXT: Number(e.MAX_CIPHERTEXT ?? DEFAULT_LIMITS.MAX_CIPHERTEXT),
  };
})();

/**
 * Moves the clock (Date.now, in the test and in the worker alike: they share
 * an isolate) `ms` ahead of the real one, or pins it at `at`, so that a test
 * of a time limit does not wait for it. Undone by `vi.restoreAllMocks()`.
 */
export function shiftClock(how: { by: number } | { at: number }): void {
  const real = Date.now.bind(Date);
  vi.spyOn(Date, "now").mockImplementation(() => ("at" in how ? how.at : real() + how.by));
}
