// The controlled counterpart of the soak's memory figures (docs/reliability.md):
// plain clients (no resume, no catch-up) in 4 rooms of one `wrangler dev`,
// each sending at a steady rate, with the RSS of its two workerd processes
// (the runtime, wrangler's proxy) read every 20 s, the runtime's split into
// V8's cage and native memory (test/lib/memory.mjs). Knobs, to take the soak's
// load apart one property at a time:
//   --seconds N     load time (180)
//   --clients N     200, spread over 4 rooms
//   --rate N        messages per second in all (100)
//   --cuts N        sockets cut (terminate) and replaced by fresh sessions every 2 s (0)
//   --random-ids    16 random bytes per message id, as the page makes them
//                   (default: short ids that grow in order)
//   --history N     HISTORY_LIMIT (1000000: nothing pruned, as in the soak)
//   --worker-dir D  another copy of the project (a commit before a change)
// Usage: node bench/steady-memory.mjs [knobs]; prints the samples.
import { randomBytes } from "node:crypto";
import { regions } from "../test/lib/memory.mjs";
import { closeAll, connect, join } from "./lib/load.mjs";
import { rssKiB, statusKiB } from "./lib/proc.mjs";
import { startWorker } from "./lib/targets.mjs";

const arg = (/** @type {string} */ name, /** @type {number} */ fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const SECONDS = arg("seconds", 180);
const CLIENTS = arg("clients", 200);
const RATE = arg("rate", 100);
const CUTS = arg("cuts", 0);
const HISTORY = arg("history", 1_000_000);
const RANDOM_IDS = process.argv.includes("--random-ids");
const dirAt = process.argv.indexOf("--worker-dir");
const ROOMS = 4;
const TEXT = "hello there, a message of modest length";
const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

const target = await startWorker(dirAt >= 0 ? process.argv[dirAt + 1] : undefined, "worker", {
  HISTORY_LIMIT: HISTORY,
});
const mb = (/** @type {number} */ kib) => Math.round(kib / 102.4) / 10;
const t0 = Date.now();
const sample = (/** @type {string} */ label) => {
  const each = target
    .processes()
    .filter((p) => /** @type {{comm: string}} */ (p).comm === "workerd")
    .map((p) => {
      const { pid, role } = /** @type {{pid: number, role: string}} */ (p);
      if (role !== "runtime") {
        return `${role} ${mb(rssKiB(pid))} MB (anon ${mb(statusKiB(pid, "RssAnon"))}, file ${mb(statusKiB(pid, "RssFile"))})`;
      }
      // The runtime's anonymous memory split into V8's cage (JS heaps) and native.
      const r = regions(pid);
      return `${role} ${mb(rssKiB(pid))} MB (v8 ${mb(r.v8KiB)}, native ${mb(r.nativeKiB)}, file ${mb(r.fileKiB)})`;
    });
  console.log(`${label} t=${Math.round((Date.now() - t0) / 1000)}s: ${each.join(", ")}`);
};

const roomOf = (/** @type {number} */ k) => `steady-${k % ROOMS}`;
/** @type {(import("./lib/load.mjs").Client | null)[]} */
const clients = [];
let joins = 0;
const open = async (/** @type {number} */ k) => {
  const c = await connect(target.wsUrl(roomOf(k)));
  await join(c, `u${k}-${joins++}`);
  return c;
};
try {
  sample("before");
  for (let k = 0; k < CLIENTS; k += 25) {
    clients.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(25, CLIENTS - k) }, (_, j) => open(k + j)),
      )),
    );
  }
  sample("joined");
  let sent = 0;
  let cuts = 0;
  let running = true;
  const sender = (async () => {
    const start = Date.now();
    while (running) {
      const due = Math.floor(((Date.now() - start) * RATE) / 1000);
      for (; sent < due; sent++) {
        const c = clients[sent % CLIENTS];
        if (!c || c.ws.readyState !== c.ws.OPEN) continue;
        const id = RANDOM_IDS ? randomBytes(16).toString("base64url") : `s${sent}`;
        c.ws.send(`{"type":"send","id":"${id}","text":"${TEXT}"}`);
      }
      await sleep(5);
    }
  })();
  const cutter = (async () => {
    while (running && CUTS > 0) {
      await sleep(2000);
      for (let n = 0; n < CUTS && running; n++) {
        const k = Math.floor(Math.random() * CLIENTS);
        const old = clients[k];
        if (!old) continue;
        clients[k] = null;
        old.ws.terminate();
        cuts++;
        clients[k] = await open(k);
      }
    }
  })();
  const sampler = setInterval(() => sample(`load sent=${sent} cuts=${cuts}`), 20_000);
  await sleep(SECONDS * 1000);
  running = false;
  clearInterval(sampler);
  await Promise.all([sender, cutter]);
  await sleep(3000);
  sample(`end sent=${sent} cuts=${cuts}`);
} finally {
  await closeAll(/** @type {import("./lib/load.mjs").Client[]} */ (clients.filter(Boolean)));
  await target.dispose();
}
