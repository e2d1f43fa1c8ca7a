// Where a local workerd's memory goes, for the soak and the memory benchmarks
// (Linux only). RSS alone cannot tell a leak from an allocator that keeps
// what it freed, so this splits the runtime's resident memory by who mapped
// it, and asks V8 itself how much of the worker's heap is alive.
//
// - regions(pid): resident KiB inside V8's pointer-compression cage (the
//   JavaScript heaps of every isolate in the process), other anonymous
//   memory (native: workerd's TCMalloc heap with SQLite, sockets and V8's
//   off-heap parts) and file-backed pages (the binary, mapped files).
// - inspectorPort(pid): the TCP port a workerd process listens on for its
//   inspector (`--inspector-addr=localhost:0` picks a free one).
// - isolateHeaps(port, { gc }): V8's heap figures of every worker the
//   inspector lists, optionally after a full collection, so that "used" is
//   what is still reachable.
import { readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { join } from "node:path";
import WebSocket from "ws";

const GiB = 1024n ** 3n;
const CAGE = 4n * GiB;

/**
 * @typedef {object} Regions
 * @property {number} v8KiB      resident inside V8's cage: every isolate's JS heap
 * @property {number} nativeKiB  other anonymous memory
 * @property {number} fileKiB    file-backed
 */

/**
 * @param {number} pid
 * @returns {Regions}
 */
export function regions(pid) {
  const text = readFileSync(`/proc/${pid}/smaps`, "utf8");
  /** @type {{ lo: bigint; hi: bigint; perm: string; inode: string; rss: number }[]} */
  const maps = [];
  for (const line of text.split("\n")) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ (\d+)/.exec(line);
    if (head) {
      maps.push({
        lo: BigInt(`0x${head[1]}`),
        hi: BigInt(`0x${head[2]}`),
        perm: head[3] ?? "",
        inode: head[4] ?? "0",
        rss: 0,
      });
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    const last = maps.at(-1);
    if (rss && last) last.rss = Number(rss[1]);
  }
  // The cage is one 4 GiB-aligned reservation: its unused tail is a single
  // inaccessible mapping that ends on a 4 GiB boundary.
  const tail = maps.find((m) => m.perm === "---p" && m.hi % CAGE === 0n && m.hi - m.lo > 3n * GiB);
  const base = tail ? tail.hi - CAGE : -1n;
  const out = { v8KiB: 0, nativeKiB: 0, fileKiB: 0 };
  for (const m of maps) {
    if (tail && m.lo >= base && m.hi <= tail.hi) out.v8KiB += m.rss;
    else if (m.inode !== "0") out.fileKiB += m.rss;
    else out.nativeKiB += m.rss;
  }
  return out;
}

/**
 * The port on which `pid` listens for its inspector: of its listening
 * sockets, the one whose /json names workers.
 * @param {number} pid
 * @returns {Promise<number | undefined>}
 */
export async function inspectorPort(pid) {
  const inodes = new Set();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch {
      // closed meanwhile
    }
  }
  const ports = [];
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.trim().split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      // local_address is ADDR:PORT in hex; state 0A is LISTEN; field 9 is the inode.
      if (f[3] === "0A" && inodes.has(f[9]))
        ports.push(Number.parseInt(f[1]?.split(":")[1] ?? "", 16));
    }
  }
  for (const port of ports) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/json`, {
        signal: AbortSignal.timeout(2000),
      });
      const list = await res.json();
      if (Array.isArray(list) && list.some((t) => typeof t?.webSocketDebuggerUrl === "string"))
        return port;
    } catch {
      // not an inspector
    }
  }
  return undefined;
}

/**
 * @typedef {object} Heap
 * @property {number} usedKiB   reachable (after a collection when asked) or allocated
 * @property {number} totalKiB  what the isolate's heap has reserved
 */

/**
 * Heap figures of every worker an inspector lists, by its id
 * (`core:user:<name>` for the project's worker). A worker that does not
 * answer within the timeout is left out.
 * @param {number} port
 * @param {{ gc?: boolean; timeoutMs?: number }} [options]
 * @returns {Promise<Record<string, Heap>>}
 */
export async function isolateHeaps(port, options = {}) {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const list = /** @type {{ id: string; webSocketDebuggerUrl: string }[]} */ (
    await (await fetch(`http://127.0.0.1:${port}/json`)).json()
  );
  /** @type {Record<string, Heap>} */
  const out = {};
  await Promise.all(
    list.map(async (target) => {
      const ws = new WebSocket(target.webSocketDebuggerUrl);
      /** @type {Map<number, (m: any) => void>} */
      const waiting = new Map();
      let next = 0;
      ws.on("message", (data) => {
        const m = JSON.parse(String(data));
        waiting.get(m.id)?.(m);
      });
      ws.on("error", () => {});
      const call = (/** @type {string} */ method) =>
        new Promise((resolve) => {
          const id = ++next;
          const timer = setTimeout(() => resolve(undefined), timeoutMs);
          waiting.set(id, (m) => {
            clearTimeout(timer);
            waiting.delete(id);
            resolve(m.result);
          });
          ws.send(JSON.stringify({ id, method, params: {} }));
        });
      try {
        const opened = await new Promise((resolve) => {
          ws.once("open", () => resolve(true));
          ws.once("error", () => resolve(false));
        });
        if (!opened) return;
        if (options.gc) await call("HeapProfiler.collectGarbage");
        const usage = await call("Runtime.getHeapUsage");
        if (usage) {
          out[target.id] = {
            usedKiB: Math.round(usage.usedSize / 1024),
            totalKiB: Math.round(usage.totalSize / 1024),
          };
        }
      } finally {
        ws.close();
      }
    }),
  );
  return out;
}

/**
 * Bytes of the files under a folder (the persist folder: SQLite and its WAL).
 * @param {string} dir
 * @returns {number}
 */
export function folderBytes(dir) {
  let total = 0;
  let entries = [];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) total += folderBytes(path);
    else {
      try {
        total += statSync(path).size;
      } catch {
        // gone meanwhile
      }
    }
  }
  return total;
}
