// Test projects. `workers`: the worker and the room inside workerd, through
// @cloudflare/vitest-pool-workers. `unit`: pure modules under Node. `live`:
// a real `wrangler dev` started by the tests (smoke, faults). `e2e`: the page
// in Debian's Chromium against a live `wrangler dev`. `cli`: the terminal
// client's pieces under Node. `terminal`: the terminal client in tmux and its
// scripting commands against a live `wrangler dev`.
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

/**
 * Limits for the tests inside workerd, small enough that a test reaches them
 * in a few frames or a second: pruning after 30 messages, a 1.5 s grace, a
 * 1 s join timeout, 6 sessions a room, 4 connections an address. The rate
 * limit keeps the protocol's defaults. test/workers/limits.ts repeats them
 * for the tests that depend on them.
 */
export const TEST_LIMITS = {
  HISTORY_LIMIT: "30",
  RESUME_GRACE_MS: "1500",
  JOIN_TIMEOUT_MS: "1000",
  MAX_USERS: "6",
  MAX_CONN_PER_IP: "4",
  ALLOWED_ORIGINS: "https://allowed.example, https://also.example",
};

/**
 * The deployment's admin key inside workerd (a secret elsewhere: .dev.vars,
 * `wrangler secret put`), so that test/workers/owners can take a room back.
 * Only a bearer of exactly this value is the admin. Tests read it from `env`.
 */
export const TEST_SECRETS = { ADMIN_KEY: "test-admin-key-not-a-real-secret" };

export default defineConfig({
  test: {
    // The room's info lines are noise in test output; warnings and errors stay.
    // (The workers and shards projects print the runtime's lines directly: below.)
    onConsoleLog: (line) => !line.startsWith('{"level":"info"'),
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: { bindings: { ...TEST_LIMITS, ...TEST_SECRETS } },
          }),
        ],
        test: {
          name: "workers",
          include: ["test/workers/**/*.test.ts"],
          testTimeout: 20_000,
          // The room's log lines go straight to the runtime's output
          // instead of through vitest's RPC: a line logged as a test file's
          // sockets close (a room's "away") could still be on its way when
          // vitest closed that RPC, which failed a green run with
          // "Closing rpc while onUserConsoleLog was pending"
          // (vitest-dev/vitest#11153, load-dependent; seen once with the
          // shards project running beside this one). Tests that read logs
          // spy on the console, which this leaves alone.
          disableConsoleIntercept: true,
        },
      },
      {
        // (issue 17) The room's behaviour again with fan-out shards: a room
        // keeps one socket itself and places every other connection on
        // shards of two, so that each test's clients span the room and
        // several shards, and every promise those tests check is checked
        // across shards. Left out: the tests that look inside the room's
        // own sockets or storage, listed with their reason.
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: { ...TEST_LIMITS, ...TEST_SECRETS, SHARD_AT: "1", SHARD_SIZE: "2" },
            },
          }),
        ],
        test: {
          name: "shards",
          // As in "workers", above.
          disableConsoleIntercept: true,
          include: [
            "test/workers/{session,conversation,messages,moderation,owners,batch,trips,e2ee}/**/*.test.ts",
            "test/shards/**/*.test.ts",
          ],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        test: {
          name: "cli",
          include: ["test/cli/**/*.test.{ts,tsx}"],
          environment: "node",
        },
      },
      {
        test: {
          name: "terminal",
          include: ["test/terminal/**/*.test.ts"],
          environment: "node",
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "live",
          include: ["test/live/**/*.test.ts"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "faults",
          include: ["test/faults/**/*.test.ts"],
          environment: "node",
          testTimeout: 300_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
