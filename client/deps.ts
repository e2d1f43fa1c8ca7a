// What the client core needs from the outside world, as small interfaces: a
// socket factory, timers, a clock, randomness, storage, HTTP, and an optional
// observer of what the core does. The page passes the browser's
// (web/platform.ts), the fault tests and the soak pass Node's
// (test/lib/node-deps.ts), the unit tests pass fakes. No DOM type appears
// here, so the core runs and is tested under Node.
import type { ClientEvent } from "./events";

/** Callbacks of one connection. `message` gets text frames only. */
export interface SocketHandlers {
  open(): void;
  message(data: string): void;
  close(code: number, reason: string): void;
}

/** One WebSocket connection, as the model uses it. */
export interface SocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * Storage that lasts as long as the process: for clients with nothing to
 * keep across runs (the tests, a one-shot script), and the tests' fakes.
 */
export class MemoryStorage implements StorageLike {
  readonly map = new Map<string, string>();
  getItem(k: string): string | null {
    return this.map.get(k) ?? null;
  }
  setItem(k: string, v: string): void {
    this.map.set(k, v);
  }
  removeItem(k: string): void {
    this.map.delete(k);
  }
}

export interface HttpResponseLike {
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
}

export type TimerHandle = unknown;

export interface Deps {
  /** Opens a WebSocket to `url`; events arrive through `handlers`. */
  socket(url: string, handlers: SocketHandlers): SocketLike;
  fetch(url: string, init?: { method?: string }): Promise<HttpResponseLike>;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  setInterval(fn: () => void, ms: number): TimerHandle;
  clearInterval(handle: TimerHandle): void;
  now(): number;
  /** A number in [0, 1), for jitter. */
  random(): number;
  /** `n` cryptographically random bytes, for message ids. */
  randomBytes(n: number): Uint8Array;
  /** Kept across reloads: the name, unconfirmed sends, (v2) owner keys, ignored tags. */
  local: StorageLike;
  /** Kept for the tab: the session token of each room. */
  session: StorageLike;
  /**
   * Told what the core does (sockets, frames, sends written, acknowledged,
   * refused, pages fetched…), as it does it; nothing by default. The tests
   * count from it; the core never waits for it or reads anything back.
   */
  observe?: (event: ClientEvent) => void;
}

/** Reads JSON from storage, or `fallback` when it is missing or unreadable. */
export function readJson<T>(storage: StorageLike, key: string, fallback: T): T {
  try {
    const raw = storage.getItem(key);
    return raw === null ? fallback : (JSON.parse(raw) as T);
  } catch {
    return fallback;
  }
}

/** Writes to storage, ignoring a full or disabled storage: losing it only loses convenience. */
export function writeItem(storage: StorageLike, key: string, value: string | null): void {
  try {
    if (value === null) storage.removeItem(key);
    else storage.setItem(key, value);
  } catch {
    // Private mode or quota: the page keeps working without persistence.
  }
}

export const storageKeys = {
  name: "roomchat:name",
  notify: "roomchat:notify",
  pending: (room: string) => `roomchat:pending:${room}`,
  token: (room: string) => `roomchat:token:${room}`,
  /** (v2) The room's owner key, kept by the page that made or claimed the room; sent with every join. */
  ownerKey: (room: string) => `roomchat:owner:${room}`,
  /** (v2) When a ban of this device's address from the room ends (ms since the epoch), as its 4003 close said. */
  banned: (room: string) => `roomchat:banned:${room}`,
  /** (v2) The tags this person ignores in the room, as a JSON array. */
  ignored: (room: string) => `roomchat:ignored:${room}`,
  /** (v2) An encrypted room's key (base64url), as the link's `#k=` gave it: a reload without the fragment still reads the room. */
  e2eeKey: (room: string) => `roomchat:e2ee:${room}`,
};
