// The room server's configuration: every limit of the protocol is a wrangler
// variable (wrangler.toml [vars], or `--var NAME:VALUE`), parsed once into
// one typed object. A value that is not a number in range is a deploy
// mistake, so it fails loudly instead of silently becoming a default.
/// <reference path="../worker-configuration.d.ts" />
import { DEFAULT_LIMITS } from "../protocol";

/**
 * This server's tunables that are no limit of the protocol. `BATCH_MS`
 * (issue 17): how long a room gathers what it sends to a v2 connection
 * after a send, so that a busy room sends several frames as one `batch`
 * (worker/connections.ts); 0 turns batching off. `SHARD_AT` and
 * `SHARD_SIZE` (issue 17): a room that holds SHARD_AT sockets itself
 * places new connections on fan-out shards of up to SHARD_SIZE sockets
 * each (worker/fanout.ts; docs/performance.md has the measurement behind
 * the defaults).
 */
export const SERVER_DEFAULTS = { BATCH_MS: 10, SHARD_AT: 1000, SHARD_SIZE: 1000 } as const;
const DEFAULTS = { ...DEFAULT_LIMITS, ...SERVER_DEFAULTS };

export type Limits = { -readonly [K in keyof typeof DEFAULTS]: number };

/**
 * The worker's bindings, generated from wrangler.toml by `wrangler types`
 * into worker-configuration.d.ts (committed; rerun it after changing the
 * bindings or [vars]). The limits are widened: wrangler.toml gives strings,
 * a test or a `--var` may give numbers, and any may be left out, since
 * `parseConfig` below turns each into a number or its default.
 *
 * `ADMIN_KEY` (protocol v2) is a secret, not a [vars] entry: set with
 * `wrangler secret put ADMIN_KEY`, or `.dev.vars` locally. `wrangler types`
 * only sees it when a `.dev.vars` exists, and the generated file must not
 * depend on one (CI regenerates it on a clean clone), so it is declared
 * here, optional whatever that file says: unset or empty, there is no
 * admin key.
 */
export type Env = Omit<Cloudflare.Env, keyof Limits | "ADMIN_KEY"> & {
  [K in keyof Limits]?: string | number;
} & {
  /** The deployment's admin key: an owner key of every room. Never logged. */
  ADMIN_KEY?: string;
};

export interface Config extends Limits {
  /** Origins besides the request's own that may open a WebSocket, compared exactly. */
  allowedOrigins: ReadonlySet<string>;
}

/** The smallest value each limit may take; rates may be fractional. */
const MINIMUM: Limits = {
  MAX_TEXT: 1,
  MAX_FRAME: 256,
  RATE_BURST: 1,
  RATE_PER_SEC: 0.001,
  ADDR_RATE_BURST: 1,
  ADDR_RATE_PER_SEC: 0.001,
  MAX_USERS: 1,
  MAX_CONN_PER_IP: 1,
  HISTORY_LIMIT: 1,
  RESUME_GRACE_MS: 0,
  JOIN_TIMEOUT_MS: 100,
  JOIN_BURST: 1,
  JOIN_PER_SEC: 0.001,
  DUP_BURST: 1,
  DUP_PER_SEC: 0.001,
  EDIT_WINDOW_MS: 0,
  MAX_CIPHERTEXT: 32,
  BATCH_MS: 0,
  SHARD_AT: 1,
  SHARD_SIZE: 1,
};

const FRACTIONAL = new Set<keyof Limits>([
  "RATE_PER_SEC",
  "ADDR_RATE_PER_SEC",
  "JOIN_PER_SEC",
  "DUP_PER_SEC",
]);

export class ConfigError extends Error {
  override name = "ConfigError";
}

function parseLimit(name: keyof Limits, raw: string | number | undefined): number {
  if (raw === undefined || raw === "") return DEFAULTS[name];
  const text = typeof raw === "string" ? raw.trim() : raw;
  // Number("  ") is 0: a blank value is a mistake, not a zero.
  if (text === "") throw new ConfigError(`${name} is blank: leave it unset or give a number`);
  const value = typeof text === "number" ? text : Number(text);
  const whole = FRACTIONAL.has(name) || Number.isSafeInteger(value);
  if (!Number.isFinite(value) || !whole || value < MINIMUM[name]) {
    throw new ConfigError(
      `${name} must be a ${FRACTIONAL.has(name) ? "number" : "whole number"} of at least ${MINIMUM[name]}`,
    );
  }
  return value;
}

export function parseOrigins(raw: string | undefined): Set<string> {
  const origins = new Set<string>();
  for (const part of (raw ?? "").split(",")) {
    const origin = part.trim();
    if (origin) origins.add(origin);
  }
  return origins;
}

export function parseConfig(env: Partial<Env>): Config {
  const limits = {} as Limits;
  for (const name of Object.keys(DEFAULTS) as (keyof Limits)[]) {
    limits[name] = parseLimit(name, env[name]);
  }
  return { ...limits, allowedOrigins: parseOrigins(env.ALLOWED_ORIGINS) };
}

// Env objects are stable for an isolate's life, so the parse is done once.
const cache = new WeakMap<object, Config>();
export function configOf(env: Env): Config {
  let config = cache.get(env);
  if (!config) {
    config = parseConfig(env);
    cache.set(env, config);
  }
  return config;
}
