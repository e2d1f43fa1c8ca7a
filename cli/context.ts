// What every terminal command stands on: the room a command line addresses
// (a room URL, or a bare name with --server), the user's folders (the
// remembered name per server in the config folder, each server's kept state
// such as unconfirmed sends in the data folder, through env-paths, which
// follows XDG on Linux), and the client core's Deps for Node: `ws` sockets,
// Node's timers and crypto, and storage kept in a file so that the outbox
// survives a restart of the client. The page and the terminal run the same
// client core (client/room.ts); only these edges differ.
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import envPaths from "env-paths";
import WebSocket from "ws";
import { isRoomKey } from "../client/crypto";
import { type Deps, MemoryStorage, type StorageLike } from "../client/deps";
import type { Observe } from "../client/events";
import { type RoomApi, RoomModel, type RoomOptions } from "../client/room";
import { normalizeRoomName } from "../protocol";

/** A room on a server, as a command line names it. */
export interface Target {
  /** The server's origin, e.g. `http://localhost:8787`. */
  base: string;
  /** The room's canonical name. */
  room: string;
  /** The room's page: `<base>/r/<room>`, the link to share. */
  url: string;
  /** An owner key given in the link's fragment (`#owner=…`), if any. */
  ownerKey?: string;
  /**
   * (v2) An encrypted room's key from the link's fragment (`#k=…`, 43
   * characters of base64url), if any: passed to the core, which keeps it for
   * the room in this client's storage.
   */
  e2eeKey?: string;
}

/** A command-line mistake, said in one line; the command exits with `exitCode`. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

function parseServer(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`not a server address: ${raw} (give one like http://localhost:8787)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`the server must be http:// or https://, not ${url.protocol}`);
  }
  return url;
}

function fragmentParam(hash: string, key: string): string | undefined {
  const value = new URLSearchParams(hash.replace(/^#/, "")).get(key);
  return value ? value : undefined;
}

/**
 * The room that `arg` names: a room page URL (`https://host/r/<room>`, with
 * an optional `#owner=` fragment), or a bare room name with `server`.
 */
export function parseTarget(arg: string, server?: string): Target {
  let base: string;
  let rawRoom: string;
  let ownerKey: string | undefined;
  let e2eeKey: string | undefined;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(arg)) {
    const url = parseServer(arg);
    const match = /^\/r\/([^/]+)\/?$/.exec(url.pathname);
    if (!match?.[1]) {
      throw new UsageError(`not a room link: ${arg} (room links look like ${url.origin}/r/lobby)`);
    }
    base = url.origin;
    try {
      rawRoom = decodeURIComponent(match[1]);
    } catch {
      throw new UsageError(`not a room link: ${arg}`);
    }
    ownerKey = fragmentParam(url.hash, "owner");
    e2eeKey = fragmentParam(url.hash, "k");
    // (v2) A key cut short, too long, or not one the core would import
    // (client/crypto.ts isRoomKey, its last digit's spare bits included) is
    // a usage mistake, said before anything connects; `#k=` with nothing
    // after it too.
    const hasKey = new URLSearchParams(url.hash.replace(/^#/, "")).has("k");
    if (hasKey && !(e2eeKey && isRoomKey(e2eeKey)))
      throw new UsageError("the link's key (#k=) is not a room key: copy the whole link");
  } else {
    if (!server) {
      throw new UsageError(
        `${arg} is not a link: give the room's link (http://host/r/${arg}) or add --server`,
      );
    }
    base = parseServer(server).origin;
    rawRoom = arg;
  }
  const room = normalizeRoomName(rawRoom);
  if (!room) throw new UsageError(`not a valid room name: ${rawRoom}`);
  const target: Target = { base, room, url: `${base}/r/${encodeURIComponent(room)}` };
  if (ownerKey) target.ownerKey = ownerKey;
  if (e2eeKey) target.e2eeKey = e2eeKey;
  return target;
}

/** The user's folders: where the remembered names live, and each server's kept state. */
export interface Folders {
  config: string;
  data: string;
}

export function defaultFolders(): Folders {
  const paths = envPaths("roomchat", { suffix: "" });
  return { config: paths.config, data: paths.data };
}

function readJsonFile(path: string): Record<string, string> {
  try {
    const value = JSON.parse(readFileSync(path, "utf8")) as unknown;
    if (value && typeof value === "object" && !Array.isArray(value)) {
      return Object.fromEntries(
        Object.entries(value).filter((e): e is [string, string] => typeof e[1] === "string"),
      );
    }
  } catch {
    // Missing or unreadable: start empty, as a browser with cleared storage does.
  }
  return {};
}

/** Writes through a temporary file and a rename, so that a crash never leaves half a file. */
function writeJsonFile(path: string, value: Record<string, string>): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

/**
 * Storage kept in one JSON file, read again before every write so that two
 * clients of the same server (a `tail` beside the full screen) keep each
 * other's keys. Writes are synchronous: the outbox writes a send before it
 * goes out, and a crash right after must find it.
 */
export class FileStorage implements StorageLike {
  constructor(readonly path: string) {}
  getItem(key: string): string | null {
    return readJsonFile(this.path)[key] ?? null;
  }
  setItem(key: string, value: string): void {
    const all = readJsonFile(this.path);
    all[key] = value;
    writeJsonFile(this.path, all);
  }
  removeItem(key: string): void {
    const all = readJsonFile(this.path);
    if (!(key in all)) return;
    delete all[key];
    writeJsonFile(this.path, all);
  }
}

/** A folder name for a server's origin: readable, and safe on every file system. */
export function serverFolder(base: string): string {
  return base.replace(/^https?:\/\//, "").replace(/[^A-Za-z0-9.-]/g, "_");
}

/** The remembered name for each server (its origin), in `<config>/names.json`. */
export class NameMemory {
  constructor(readonly folders: Folders) {}
  private get path(): string {
    return join(this.folders.config, "names.json");
  }
  get(base: string): string | null {
    return readJsonFile(this.path)[base] ?? null;
  }
  set(base: string, name: string): void {
    const all = readJsonFile(this.path);
    all[base] = name;
    writeJsonFile(this.path, all);
  }
}

/** The client core's Deps for the terminal: kept storage per server, a per-run session. */
export function nodeDeps(folders: Folders, base: string, observe?: Observe): Deps {
  return {
    socket: (url, handlers) => {
      const ws = new WebSocket(url);
      ws.on("error", () => {
        // A close follows (refused connection, failed upgrade, reset).
      });
      ws.on("open", () => handlers.open());
      ws.on("message", (data, isBinary) => {
        if (!isBinary) handlers.message(data.toString());
      });
      ws.on("close", (code, reason) => handlers.close(code, reason.toString()));
      return {
        send: (data) => ws.send(data),
        close: (code, reason) => {
          // `ws` throws on a close before the socket opened; terminate instead.
          if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
          else ws.close(code, reason);
        },
      };
    },
    fetch: (url, init) => fetch(url, { ...init, headers: { accept: "application/json" } }),
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
    setInterval: (fn, ms) => setInterval(fn, ms),
    clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
    now: () => Date.now(),
    random: () => Math.random(),
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
    local: new FileStorage(join(folders.data, serverFolder(base), "state.json")),
    session: new MemoryStorage(),
    observe,
  };
}

/** The client core for `target`, joining as `name`; `start()` connects. */
export function openRoom(
  deps: Deps,
  target: Target,
  name: string,
  options: Partial<RoomOptions> = {},
): RoomApi {
  const roomOptions: RoomOptions = { room: target.room, base: target.base, name, ...options };
  if (target.ownerKey) roomOptions.ownerKey = target.ownerKey;
  if (target.e2eeKey) roomOptions.e2eeKey = target.e2eeKey;
  return new RoomModel(deps, roomOptions);
}
