// Where an idle connection's memory goes under `wrangler dev`: the RSS the
// runtime process gains per socket, first for sockets that only connected,
// then for the same sockets once joined, against three servers: the floor
// (bench/floor), the floor with the same static-assets configuration as
// roomchat (so that each request passes the assets router first), and
// roomchat. Usage: node bench/connection-memory.mjs [n]; prints one line per
// server and writes bench/results/connection-memory-latest.json.
// docs/performance.md reads it (scenario C).
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { closeAll, connect, join as joinRoom, settle } from "./lib/load.mjs";
import { loadAverage, rssKiB } from "./lib/proc.mjs";
import { startWorker } from "./lib/targets.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const N = Number(process.argv[2] ?? 500);
const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

/** bench/floor plus roomchat's [assets] section (a page to serve, the API through the worker first). */
function floorWithAssets() {
  const dir = mkdtempSync(join(tmpdir(), "roomchat-floor-assets-"));
  cpSync(join(root, "bench", "floor"), dir, { recursive: true });
  mkdirSync(join(dir, "dist"));
  writeFileSync(join(dir, "dist", "index.html"), "<!doctype html><title>floor</title>\n");
  const toml = readFileSync(join(dir, "wrangler.toml"), "utf8");
  writeFileSync(
    join(dir, "wrangler.toml"),
    `${toml}\n[assets]\ndirectory = "./dist"\nbinding = "ASSETS"\nrun_worker_first = ["/api/*"]\n`,
  );
  return dir;
}

/**
 * @param {import("./lib/targets.mjs").Server} target
 */
async function measure(target) {
  const rss = () => target.runtimePids().reduce((s, p) => s + rssKiB(p), 0);
  // A small room first, so that what the first connections need once per process is not counted.
  const warm = [];
  for (let i = 0; i < 20; i++) {
    const c = await connect(target.wsUrl("warm"));
    await joinRoom(c, `w${i}`);
    warm.push(c);
  }
  await closeAll(warm);
  const quiet = async () => {
    await settle(target, 5000);
    await sleep(2000);
  };
  await quiet();
  const before = rss();
  /** @type {import("./lib/load.mjs").Client[]} */
  const clients = [];
  try {
    for (let i = 0; i < N; i += 50) {
      const batch = Array.from({ length: Math.min(50, N - i) }, () =>
        connect(target.wsUrl("memory")),
      );
      clients.push(...(await Promise.all(batch)));
    }
    await quiet();
    const connected = rss();
    for (let i = 0; i < N; i += 50) {
      await Promise.all(clients.slice(i, i + 50).map((c, j) => joinRoom(c, `u${i + j}`)));
    }
    await quiet();
    const joined = rss();
    const per = (/** @type {number} */ kib) => Math.round((kib / N) * 10) / 10;
    return {
      connections: N,
      unjoinedKiBPerConn: per(connected - before),
      joinKiBPerConn: per(joined - connected),
      totalKiBPerConn: per(joined - before),
    };
  } finally {
    await closeAll(clients);
  }
}

const assetsDir = floorWithAssets();
const results = { startedAt: new Date().toISOString(), loadBefore: loadAverage(), runs: {} };
try {
  /** @type {[string, string][]} */
  const servers = [
    [join(root, "bench", "floor"), "floor"],
    [assetsDir, "floor+assets"],
    [root, "worker"],
  ];
  for (const [dir, name] of servers) {
    const target = await startWorker(dir, name);
    try {
      const r = await measure(target);
      /** @type {Record<string, unknown>} */ (results.runs)[name] = r;
      console.log(
        `${name}: ${r.unjoinedKiBPerConn} KiB per connected socket, +${r.joinKiBPerConn} KiB once joined, ${r.totalKiBPerConn} KiB in all`,
      );
    } finally {
      await target.dispose();
    }
  }
} finally {
  rmSync(assetsDir, { recursive: true, force: true });
}
writeFileSync(
  join(root, "bench", "results", "connection-memory-latest.json"),
  `${JSON.stringify(results, null, 2)}\n`,
);
