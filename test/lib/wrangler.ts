// Starts and stops a real `wrangler dev` for the live tests (smoke, faults,
// browser) and the benchmark: its own port and persist folder, in its own
// process group so that a stop (or a SIGKILL, to simulate a crash) takes the
// whole tree of node, esbuild and workerd processes with it.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface DevServer {
  port: number;
  url: string;
  wsUrl: (room: string) => string;
  persistDir: string;
  /** Everything the server printed, for failure messages. */
  output: () => string;
  /** Stops the process group: SIGTERM, or SIGKILL to simulate a crash. */
  stop: (signal?: NodeJS.Signals) => Promise<void>;
  /** Starts it again on the same port and persist folder. */
  restart: () => Promise<void>;
  /** Stops it and removes the persist folder if this helper made it. */
  dispose: () => Promise<void>;
  pid: () => number | undefined;
}

export interface DevServerOptions {
  port?: number;
  persistDir?: string;
  /** `--var NAME:VALUE` overrides of wrangler.toml's limits. */
  vars?: Record<string, string | number>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitHealthy(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited early:\n${log()}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`wrangler dev did not become healthy in 90 s:\n${log()}`);
}

export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const port = options.port ?? (await freePort());
  const persistDir = options.persistDir ?? mkdtempSync(join(tmpdir(), "roomchat-dev-"));
  const ownsPersist = options.persistDir === undefined;
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let out = "";

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
  ];
  for (const [k, v] of Object.entries(options.vars ?? {})) args.push("--var", `${k}:${v}`);

  const start = async () => {
    out = "";
    child = spawn("npx", args, {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        CLOUDFLARE_CF_FETCH_ENABLED: "false",
        WRANGLER_SEND_METRICS: "false",
        NO_COLOR: "1",
      },
    });
    child.stdout?.on("data", (d) => {
      out += d;
    });
    child.stderr?.on("data", (d) => {
      out += d;
    });
    await waitHealthy(url, child, () => out);
  };

  const stop = async (signal: NodeJS.Signals = "SIGTERM") => {
    const c = child;
    if (!c?.pid || c.exitCode !== null) return;
    const exited = new Promise<void>((r) => c.once("exit", () => r()));
    try {
      process.kill(-c.pid, signal);
    } catch {
      // already gone
    }
    const timer = setTimeout(() => {
      try {
        if (c.pid) process.kill(-c.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }, 5000);
    await exited;
    clearTimeout(timer);
    // workerd children may outlive the npx parent by a moment.
    await new Promise((r) => setTimeout(r, 300));
  };

  await start();
  return {
    port,
    url,
    wsUrl: (room) => `ws://127.0.0.1:${port}/api/rooms/${encodeURIComponent(room)}/ws`,
    persistDir,
    output: () => out,
    pid: () => child?.pid,
    restart: start,
    stop,
    dispose: async () => {
      await stop();
      if (ownsPersist) rmSync(persistDir, { recursive: true, force: true });
    },
  };
}
