// Starts and stops a real `wrangler dev` for the live tests (smoke, faults,
// browser, soak) and the benchmark: its own port and persist folder, limits
// overridden with `--var`, in its own process group so that a stop (or a
// SIGKILL, to simulate a crash) takes the whole tree of node, esbuild and
// workerd processes with it, and so that the benchmark can find every process
// of the server by its group id. Plain JavaScript with JSDoc types, so that
// the benchmark (run by Node, which runs no TypeScript here) and the
// TypeScript tests share it.
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
 * @property {string} persistDir
 * @property {number} inspectorPort wrangler's DevTools inspector of the runtime (bench/stalls.mjs profiles through it)
 * @property {number} pgid the process group of the running server: all its processes
 * @property {() => number | undefined} pid the same, or undefined once stopped
 * @property {() => string} output what it printed since it (re)started, the last few MiB
 * @property {(signal?: NodeJS.Signals) => Promise<void>} stop stops the process group: SIGTERM, or SIGKILL to simulate a crash
 * @property {() => Promise<void>} restart starts it again on the same port and persist folder
 * @property {() => Promise<void>} dispose stops it and removes the persist folder if this module made it
 */

/**
 * @typedef {object} DevServerOptions
 * @property {number} [port]
 * @property {string} [persistDir] kept on dispose; a temporary one is made and removed otherwise
 * @property {Record<string, string | number>} [vars] `--var NAME:VALUE` overrides of wrangler.toml
 * @property {string} [cwd] the folder to serve (the benchmark serves a frozen copy)
 */

/**
 * The `room_started` lines the room logged (once per construction of its
 * object: a cold start, or a wake from hibernation), oldest first.
 * @param {string} output what the server printed
 * @param {string} room
 * @returns {{ sockets: number, seq: number }[]}
 */
export function roomStarts(output, room) {
  return output
    .split("\n")
    .filter((l) => l.includes('"event":"room_started"') && l.includes(`"room":"${room}"`))
    .map((l) => JSON.parse(l.slice(l.indexOf("{"))));
}

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
    if (out.length > 8 * 1024 * 1024) out = out.slice(-4 * 1024 * 1024);
  };
  child.stdout?.on("data", add);
  child.stderr?.on("data", add);
  return () => out;
}

/**
 * Stops a process group: `signal` (SIGTERM), then SIGKILL after 5 s.
 * @param {ChildProcess} child
 * @param {NodeJS.Signals} [signal]
 */
export async function stopGroup(child, signal = "SIGTERM") {
  const pid = child.pid;
  if (!pid || child.exitCode !== null || child.signalCode !== null) {
    if (pid) killGroup(pid, "SIGKILL"); // children of an exited parent may linger
    return;
  }
  const exited = new Promise((r) => child.once("exit", r));
  killGroup(pid, signal);
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
 * @param {DevServerOptions} [options]
 * @returns {Promise<DevServer>}
 */
export async function startDevServer(options = {}) {
  const port = options.port ?? (await freePort());
  const ownsPersist = options.persistDir === undefined;
  const persistDir = options.persistDir ?? mkdtempSync(join(tmpdir(), "roomchat-dev-"));
  const url = `http://127.0.0.1:${port}`;
  const inspectorPort = await freePort();
  const args = [
    "wrangler",
    "dev",
    "--port",
    String(port),
    "--ip",
    "127.0.0.1",
    "--persist-to",
    persistDir,
    "--log-level",
    "log",
    "--show-interactive-dev-session=false",
    // wrangler's default inspector port is 9229 for every instance: two
    // servers starting at once (a test beside a benchmark) raced for it.
    "--inspector-port",
    String(inspectorPort),
  ];
  for (const [k, v] of Object.entries(options.vars ?? {})) args.push("--var", `${k}:${v}`);

  /** @type {ChildProcess} */
  let child;
  /** @type {() => string} */
  let output = () => "";
  const start = async () => {
    child = spawn("npx", args, {
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
    output = captureOutput(child);
    await waitHealthy(url, child, output);
  };
  const stop = (/** @type {NodeJS.Signals | undefined} */ signal) => stopGroup(child, signal);
  const dispose = async () => {
    await stopGroup(child);
    if (ownsPersist) rmSync(persistDir, { recursive: true, force: true });
  };
  try {
    await start();
  } catch (err) {
    await dispose();
    throw err;
  }
  return {
    port,
    url,
    wsUrl: (room) => `ws://127.0.0.1:${port}/api/rooms/${encodeURIComponent(room)}/ws`,
    persistDir,
    inspectorPort,
    get pgid() {
      return /** @type {number} */ (child.pid);
    },
    pid: () => (child.exitCode === null && child.signalCode === null ? child.pid : undefined),
    output: () => output(),
    stop,
    restart: start,
    dispose,
  };
}
