// Starts and stops a `wrangler dev` for the benchmark: the JavaScript twin of
// test/lib/wrangler.ts (which is TypeScript, and Node 20 here runs no
// TypeScript). Its own port and persist folder, limits overridden with
// `--var`, in its own process group so that a stop takes the whole tree of
// node, esbuild and workerd processes with it, and so that the benchmark can
// find every process of the server (for CPU and memory) by its group id.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** @typedef {import("node:child_process").ChildProcess} ChildProcess */

/**
 * @typedef {object} DevServer
 * @property {number} port
 * @property {string} url
 * @property {(room: string) => string} wsUrl
 * @property {number} pgid the process group: every process of the server
 * @property {() => string} output the last 64 KiB it printed
 * @property {() => Promise<void>} dispose stops it and removes its persist folder
 */

/** A free TCP port on 127.0.0.1 (the OS picks; there is a small race, as everywhere). */
export function freePort() {
  return /** @type {Promise<number>} */ (
    new Promise((resolve, reject) => {
      const srv = createServer();
      srv.unref();
      srv.on("error", reject);
      srv.listen(0, "127.0.0.1", () => {
        const address = srv.address();
        const port = typeof address === "object" && address ? address.port : 0;
        srv.close(() => resolve(port));
      });
    })
  );
}

/**
 * Polls GET /api/health until it answers 200, the child exits, or the deadline passes.
 * @param {string} url
 * @param {ChildProcess} child
 * @param {() => string} log
 * @param {number} timeoutMs
 */
export async function waitHealthy(url, child, log, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${log()}`);
    try {
      const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server did not become healthy in ${timeoutMs / 1000} s:\n${log()}`);
}

/**
 * Keeps the tail of a child's output. The pipes must be drained: a full pipe
 * would block the server's logging and, with it, the server.
 * @param {ChildProcess} child
 */
export function captureOutput(child) {
  let out = "";
  /** @param {Buffer} d */
  const add = (d) => {
    out += d;
    if (out.length > 128 * 1024) out = out.slice(-64 * 1024);
  };
  child.stdout?.on("data", add);
  child.stderr?.on("data", add);
  return () => out;
}

/**
 * Stops a process group: SIGTERM, then SIGKILL after 5 s.
 * @param {ChildProcess} child
 */
export async function stopGroup(child) {
  const pid = child.pid;
  if (!pid || child.exitCode !== null || child.signalCode !== null) {
    if (pid) killGroup(pid, "SIGKILL"); // children of an exited parent may linger
    return;
  }
  const exited = new Promise((r) => child.once("exit", r));
  killGroup(pid, "SIGTERM");
  const timer = setTimeout(() => killGroup(pid, "SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
  // workerd may outlive the npx parent by a moment; make sure nothing stays.
  await new Promise((r) => setTimeout(r, 300));
  killGroup(pid, "SIGKILL");
}

/**
 * @param {number} pgid
 * @param {NodeJS.Signals} signal
 */
function killGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

/**
 * @param {{port?: number, vars?: Record<string, string | number>, cwd?: string}} [options]
 * @returns {Promise<DevServer>}
 */
export async function startDevServer(options = {}) {
  const port = options.port ?? (await freePort());
  const persistDir = mkdtempSync(join(tmpdir(), "roomchat-bench-"));
  const url = `http://127.0.0.1:${port}`;
  const args = [
    "wrangler",
    "dev",
    "--port",
    String(port),
    "--ip",
    "127.0.0.1",
    "--persist-to",
    persistDir,
    "--show-interactive-dev-session=false",
  ];
  for (const [k, v] of Object.entries(options.vars ?? {})) args.push("--var", `${k}:${v}`);
  const child = spawn("npx", args, {
    cwd: options.cwd,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      CLOUDFLARE_CF_FETCH_ENABLED: "false",
      WRANGLER_SEND_METRICS: "false",
      NO_COLOR: "1",
    },
  });
  const output = captureOutput(child);
  const dispose = async () => {
    await stopGroup(child);
    rmSync(persistDir, { recursive: true, force: true });
  };
  try {
    await waitHealthy(url, child, output);
  } catch (err) {
    await dispose();
    throw err;
  }
  return {
    port,
    url,
    wsUrl: (room) => `ws://127.0.0.1:${port}/api/rooms/${encodeURIComponent(room)}/ws`,
    pgid: /** @type {number} */ (child.pid),
    output,
    dispose,
  };
}
