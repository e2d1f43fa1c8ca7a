// The servers the benchmark compares, behind one interface (Target): the
// worker under `wrangler dev` (limits raised out of the way with --var), the
// minimal Node broadcast server of bench/baseline/server.mjs, and the same
// minimal room as a Durable Object under `wrangler dev` (bench/floor), the
// platform's floor.
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { captureOutput, startDevServer, waitHealthy } from "../../test/lib/dev-server.mjs";
import { groupProcesses } from "./proc.mjs";

/** @typedef {import("./load.mjs").Target & {dispose: () => Promise<void>, processes: () => object[], output?: () => string, inspectorPort?: number}} Server */

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

// The limits that would otherwise throttle the load: every client comes from
// 127.0.0.1, so the per-address limits would see one person. HISTORY_LIMIT
// stays at its default, so pruning is part of what is measured.
export const VARS = {
  RATE_BURST: 1_000_000,
  RATE_PER_SEC: 1_000_000,
  ADDR_RATE_BURST: 1_000_000_000,
  ADDR_RATE_PER_SEC: 1_000_000_000,
  MAX_CONN_PER_IP: 100_000,
  MAX_USERS: 100_000,
  JOIN_BURST: 1_000_000,
  JOIN_PER_SEC: 1_000_000,
  DUP_BURST: 1_000_000,
  DUP_PER_SEC: 1_000_000,
};

/** @returns {Promise<Server>} */
export async function startBaseline() {
  const child = spawn(
    process.execPath,
    ["--expose-gc", join(root, "bench/baseline/server.mjs"), "--port", "0"],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const output = captureOutput(child);
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`baseline did not start:\n${output()}`)),
      10_000,
    );
    child.stdout?.on("data", () => {
      const m = /listening (\d+)/.exec(output());
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once("exit", () => reject(new Error(`baseline exited:\n${output()}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(url, child, output, 10_000);
  const pid = /** @type {number} */ (child.pid);
  return {
    name: "baseline",
    url,
    wsUrl: (room) => `ws://127.0.0.1:${port}/api/rooms/${encodeURIComponent(room)}/ws`,
    pids: () => [pid],
    gc: async () => {
      await fetch(`${url}/__gc`, { method: "POST", signal: AbortSignal.timeout(10_000) });
    },
    runtimePids: () => [pid],
    processes: () => [{ pid, comm: "node", role: "baseline" }],
    dispose: async () => {
      child.kill("SIGTERM");
      await new Promise((r) => (child.exitCode === null ? child.once("exit", r) : r(undefined)));
    },
  };
}

/**
 * A frozen copy of what `wrangler dev` serves (the worker's sources, its
 * configuration, the built page; node_modules linked). wrangler dev watches
 * its sources and restarts the runtime on every change, dropping every
 * socket: in a working tree that others edit during a run, that happened
 * mid-scenario. The copy also pins what was measured to one version.
 * @param {string} from
 */
export function snapshot(from) {
  const dir = mkdtempSync(join(tmpdir(), "roomchat-bench-src-"));
  // protocol/ (the wire protocol the worker imports) and the TypeScript base
  // config exist from the protocol's move on; an older checkout has neither.
  for (const name of [
    "worker",
    "worker.ts",
    "protocol",
    "tsconfig.base.json",
    "worker-configuration.d.ts",
    "dist",
    "wrangler.toml",
    "package.json",
  ]) {
    if (existsSync(join(from, name)))
      cpSync(join(from, name), join(dir, name), { recursive: true });
  }
  // bench/floor has no node_modules of its own: it uses this project's wrangler.
  const modules = existsSync(join(from, "node_modules")) ? from : root;
  symlinkSync(join(modules, "node_modules"), join(dir, "node_modules"));
  return dir;
}

/**
 * @param {string} [dir] the project to run: by default a snapshot of this one; another
 *   checkout or a patched copy, to compare
 * @param {string} [name] how the results call it
 * @param {Record<string, string | number>} [vars] more `--var`s
 * @returns {Promise<Server>}
 */
export async function startWorker(dir, name = "worker", vars = {}) {
  const copy = snapshot(dir ?? root);
  const dev = await startDevServer({ vars: { ...VARS, ...vars }, cwd: copy }).catch((err) => {
    rmSync(copy, { recursive: true, force: true });
    throw err;
  });
  // wrangler dev runs two workerd: the one on the public port is its proxy
  // (it exists only in development), the other runs the worker and the rooms.
  const isProxy = (/** @type {string} */ args) => args.includes(`entry=127.0.0.1:${dev.port}`);
  const procs = () => groupProcesses(dev.pgid);
  return {
    name,
    url: dev.url,
    wsUrl: dev.wsUrl,
    pids: () => procs().map((p) => p.pid),
    output: () => dev.output(),
    inspectorPort: dev.inspectorPort,
    runtimePids: () =>
      procs()
        .filter((p) => p.comm === "workerd" && !isProxy(p.args))
        .map((p) => p.pid),
    processes: () =>
      procs().map((p) => ({
        pid: p.pid,
        comm: p.comm,
        role: p.comm !== "workerd" ? "tooling" : isProxy(p.args) ? "dev proxy" : "runtime",
      })),
    dispose: async () => {
      await dev.dispose();
      rmSync(copy, { recursive: true, force: true });
    },
  };
}

/**
 * The platform's floor: bench/floor, the baseline's room as a hibernating
 * Durable Object, under its own `wrangler dev`.
 * @param {boolean} [store] with one SQLite write per message (before the broadcast)
 * @returns {Promise<Server>}
 */
export function startFloor(store = false) {
  return startWorker(
    join(root, "bench", "floor"),
    store ? "floor+sql" : "floor",
    store ? { STORE: 1 } : {},
  );
}
