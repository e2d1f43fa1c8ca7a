// What the scripting commands share: the exit codes and the one-line
// failure they end with, the name to join under (given, or remembered for
// that server), and a session on the client core (client/room.ts through
// cli/context.ts) watched until the command is done, the room refuses it,
// or the server stays out of reach longer than the bound (30 s, or
// ROOMCHAT_CONNECT_TIMEOUT_MS). Everything about delivery (the outbox kept
// in the data folder, resume with since and token, backoff, retryAfterMs) is
// the core's; this file only decides when a command has succeeded or failed.
import { effect } from "@preact/signals-core";
import type { Deps } from "../../client/deps";
import type { ClientEvent } from "../../client/events";
import type { Ended, RoomApi } from "../../client/room";
import { type Folders, type NameMemory, nodeDeps, openRoom, type Target } from "../context";

export const Exit = {
  ok: 0,
  /** The room or the server refused something (the error code is said). */
  failed: 1,
  usage: 2,
  /** No connection to the server within the bound. */
  unreachable: 3,
  /** The room would not let this name in (taken, invalid), or the room is full, locked, banned. */
  refused: 4,
  interrupted: 130,
} as const;

/**
 * (v2) What a wrong key means, said by `send` (which refuses) and as a
 * warning by `tail` and `export` (which go on, printing the texts marked).
 */
export const WRONG_KEY =
  "wrong key: none of this room's messages decrypt with the link's key (#k=, or the one kept for the room); check that you have the whole link";

/** The one line a command ends with, and its exit code. */
export class Failure extends Error {
  constructor(
    message: string,
    readonly exitCode: number = Exit.failed,
  ) {
    super(message);
  }
}

/** What a command runs with: the user's folders and names, the environment, and its output. */
export interface CommandContext {
  folders: Folders;
  names: NameMemory;
  env: Record<string, string | undefined>;
  /** Writes to standard output (the caller adds no newline). */
  out(text: string): void;
  /** Writes to standard error. */
  err(text: string): void;
  /** How long a server out of reach is retried (ms). */
  connectTimeoutMs: number;
}

/** The name to join under: the one given (and remembered), else the one remembered for that server. */
export function resolveName(ctx: CommandContext, target: Target, given?: string): string {
  if (given !== undefined) {
    ctx.names.set(target.base, given);
    return given;
  }
  const remembered = ctx.names.get(target.base);
  if (remembered) return remembered;
  throw new Failure(`no name for ${target.base}: give --name NAME (it is remembered)`, Exit.usage);
}

const ENDED: Record<Exclude<Ended, "left">, [string, number]> = {
  taken_over: ["taken_over: another client took over this session", Exit.failed],
  room_full: ["room_full: the room is full", Exit.refused],
  too_many_sessions: ["too_many_sessions: too many sessions from this address", Exit.refused],
  kicked: ["kicked: an owner removed you from the room", Exit.failed],
  banned: ["banned: an owner banned this address from the room", Exit.refused],
  room_locked: ["room_locked: the room takes no new people now", Exit.refused],
};

/** A client-core session of one command, with its sockets counted so that leaving can wait for them. */
export interface Session {
  room: RoomApi;
  deps: Deps;
  target: Target;
  name: string;
  /** Leaves the room (the others see "left", the name is free again) and closes everything. */
  leave(): Promise<void>;
  /** Closes without leaving (the room keeps the session for its grace period). */
  close(): Promise<void>;
}

export function openSession(
  ctx: CommandContext,
  target: Target,
  name: string,
  observe?: (e: ClientEvent) => void,
): Session {
  const deps = nodeDeps(ctx.folders, target.base, observe);
  // Count the sockets, so that `leave` returns once the leave frame is out
  // and the socket closed: a process that exits first may lose the frame,
  // and the room then keeps the name for its grace period.
  let live = 0;
  const idle = new Set<() => void>();
  const openSocket = deps.socket;
  deps.socket = (url, handlers) => {
    live++;
    let closed = false;
    return openSocket(url, {
      ...handlers,
      close: (code, reason) => {
        if (!closed) {
          closed = true;
          live--;
          if (live === 0) for (const wake of idle) wake();
        }
        handlers.close(code, reason);
      },
    });
  };
  const socketsClosed = (ms: number) =>
    new Promise<void>((resolve) => {
      if (live === 0) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        idle.delete(done);
        resolve();
      }
      idle.add(done);
    });
  const room = openRoom(deps, target, name);
  let over = false;
  const end = async (leave: boolean) => {
    if (over) return;
    over = true;
    if (leave && room.connected.value) room.leave();
    room.close();
    await socketsClosed(3000);
  };
  return { room, deps, target, name, leave: () => end(true), close: () => end(false) };
}

/**
 * Why a session cannot go on, or null: the room refused the name or ended
 * the session. A `left` is this client's own doing.
 */
function refusal(s: Session): Failure | null {
  const nameError = s.room.nameError.value;
  if (nameError === "name_taken")
    return new Failure(`name_taken: ${s.name} is taken in ${s.target.room}`, Exit.refused);
  if (nameError === "name_invalid")
    return new Failure(`name_invalid: ${s.name} is not a name the room takes`, Exit.refused);
  // (v2) An encrypted room without its key: nothing could be read or sent.
  // Said once welcomed (the core finds the room encrypted, and the key
  // missing, before it handles the welcome), so that leaving frees the name
  // at once instead of holding it for the room's grace period.
  if (s.room.keyProblem.value === "missing" && s.room.connected.value)
    return new Failure("this link is missing its key: an encrypted room's link ends in #k=<key>");
  const ended = s.room.ended.value;
  if (ended && ended !== "left") {
    const [message, code] = ENDED[ended];
    return new Failure(message, code);
  }
  return null;
}

/** Whether anything answers HTTP at `base`, to word the unreachable error. */
async function answersHttp(base: string): Promise<boolean> {
  try {
    await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(3000) });
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs the session until `check` says done (true) or fails (a Failure), the
 * room refuses it, or no connection is had for `connectTimeoutMs` in a row
 * (at the start, or after a drop: the core keeps retrying with backoff
 * meanwhile). `check` reads signals: it is run again whenever they change.
 */
export function watch(
  ctx: CommandContext,
  s: Session,
  check: () => boolean | Failure,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | null = null;
    let everConnected = false;
    let stop: (() => void) | null = null;
    const settle = (failure?: Failure) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      // The effect may settle while it first runs, before `stop` is assigned.
      queueMicrotask(() => stop?.());
      if (failure) reject(failure);
      else resolve();
    };
    const outOfReach = async () => {
      const seconds = Math.round(ctx.connectTimeoutMs / 100) / 10;
      const how = everConnected
        ? `lost the connection to ${s.target.base} and could not get it back in ${seconds} s`
        : (await answersHttp(s.target.base))
          ? `${s.target.base} answers, but the room's connection kept failing for ${seconds} s`
          : `cannot reach ${s.target.base} (tried for ${seconds} s)`;
      settle(new Failure(how, Exit.unreachable));
    };
    stop = effect(() => {
      if (settled) return;
      const refused = refusal(s);
      if (refused) return settle(refused);
      if (s.room.connected.value) {
        everConnected = true;
        if (timer) clearTimeout(timer);
        timer = null;
      } else if (!timer) {
        timer = setTimeout(() => void outOfReach(), ctx.connectTimeoutMs);
      }
      const result = check();
      if (result instanceof Failure) settle(result);
      else if (result) settle();
    });
  });
}
