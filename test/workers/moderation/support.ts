// Helpers for the moderation tests (protocol v2, issue 14): rooms made with
// POST /api/rooms (so that they have an owner key), joins with `ownerKey`,
// and a restart of the room's object. Not a test file itself.
import { env, runInDurableObject } from "cloudflare:test";
import { expect } from "vitest";
import type { ClaimedRoom, NewRoom, ServerFrame, WelcomeFrame } from "../../../protocol";
import type { Env } from "../../../worker/config";
import {
  type Client,
  type ConnectOptions,
  connect,
  freshRoom,
  getJson,
  roomStub,
  unbatch,
} from "../helpers";

/** The deployment's ADMIN_KEY in the test environment (vitest.config.ts). */
export const ADMIN_KEY = (env as unknown as Env).ADMIN_KEY ?? "";

/** A private room made with POST /api/rooms: its name and its owner key. */
export async function createRoom(): Promise<{ room: string; ownerKey: string }> {
  const res = await getJson<NewRoom>("/api/rooms", { method: "POST" });
  expect(res.status).toBe(201);
  return { room: res.body.room, ownerKey: res.body.ownerKey };
}

/** A fresh room with a name of ours, claimed with POST /api/rooms/:room/claim. */
export async function claimedRoom(prefix = "mod"): Promise<{ room: string; ownerKey: string }> {
  const room = freshRoom(prefix);
  const res = await getJson<ClaimedRoom>(`/api/rooms/${room}/claim`, { method: "POST" });
  expect(res.status).toBe(201);
  return { room, ownerKey: res.body.ownerKey };
}

export interface JoinOptions extends ConnectOptions {
  ownerKey?: string;
  token?: string;
  since?: number;
}

/** The join frame a v2 client sends. */
export function joinFrame(name: string, options: JoinOptions = {}): Record<string, unknown> {
  const frame: Record<string, unknown> = { type: "join", name, v: 2 };
  if (options.ownerKey !== undefined) frame.ownerKey = options.ownerKey;
  if (options.token !== undefined) frame.token = options.token;
  if (options.since !== undefined) frame.since = options.since;
  return frame;
}

/** Connects (batches unfolded) and joins with `v: 2`, optionally with an owner key. */
export async function enter(
  room: string,
  name: string,
  options: JoinOptions = {},
): Promise<{ client: Client; welcome: WelcomeFrame }> {
  const client = unbatch(await connect(room, options));
  client.send(joinFrame(name, options));
  const welcome = await client.next("welcome");
  return { client, welcome };
}

/** Joins as an owner with the room's key. */
export const enterAsOwner = (room: string, name: string, ownerKey: string, options = {}) =>
  enter(room, name, { ...options, ownerKey });

/** Every frame of that type received so far (taken or not). */
export function framesOf<T extends ServerFrame["type"]>(
  client: Client,
  type: T,
): Extract<ServerFrame, { type: T }>[] {
  return client.frames.filter(
    (f): f is Extract<ServerFrame, { type: T }> => typeof f === "object" && f.type === type,
  );
}

/** The next `left` about that user id (others' `left`s are skipped). */
export async function nextLeftOf(client: Client, userId: string, timeoutMs = 5000) {
  for (;;) {
    const left = await client.next("left", timeoutMs);
    if (left.user.id === userId) return left;
  }
}

/** The next `user` frame about that user id. */
export async function nextUserOf(client: Client, userId: string, timeoutMs = 5000) {
  for (;;) {
    const u = await client.next("user", timeoutMs);
    if (u.user.id === userId) return u;
  }
}

/** Sends a frame and waits for the next `error`. */
export async function refusal(client: Client, frame: object) {
  client.send(frame);
  return client.next("error");
}

const MARK = Symbol.for("roomchat.test.moderation.before-restart");

/**
 * Drops every socket, lets the object go idle and be dropped (workerd drops
 * an idle object after about 10 s), and checks that the next request finds
 * a rebuilt object (as test/workers/conversation/rev-after-restart.test.ts).
 */
export async function restart(room: string, clients: Client[]): Promise<void> {
  for (const c of clients) c.close();
  for (const c of clients) await c.closed();
  await runInDurableObject(roomStub(room), (instance) => {
    (instance as unknown as Record<symbol, boolean>)[MARK] = true;
  });
  await new Promise((r) => setTimeout(r, 12_000));
  const rebuilt = await runInDurableObject(
    roomStub(room),
    (instance) => !(instance as unknown as Record<symbol, boolean>)[MARK],
  );
  expect(rebuilt, "the object was not rebuilt: nothing was proven").toBe(true);
}

/** Every row of every table of the room's SQLite storage, and its KV entries, as one text. */
export async function storageText(room: string): Promise<string> {
  return runInDurableObject(roomStub(room), async (_, state) => {
    const sql = state.storage.sql;
    const tables = sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
      .toArray()
      .map((t) => t.name)
      .filter((name) => !name.startsWith("_cf_") && !name.startsWith("sqlite_"));
    const rows = tables.map((name) => [name, sql.exec(`SELECT * FROM "${name}"`).toArray()]);
    const kv = [...(await state.storage.list()).entries()];
    return JSON.stringify({ rows, kv });
  });
}
