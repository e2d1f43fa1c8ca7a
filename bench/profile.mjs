// The room's cost per message, taken apart by comparing runs (`node
// bench/profile.mjs [--quick]`): the same message rate with 1, 10, 25 and
// 50 people in the room (100 would saturate the worker on a busy 2-core
// machine), against both servers. CPU per message grows linearly with the recipients, cost = fixed + per-recipient × N, and a
// least-squares line through the runs splits the two: the fixed part is what
// a `send` costs before the broadcast (parse, validate, the id check, the
// SQLite write and prune, the attachment), the slope is one `ws.send` and
// the bytes it moves. A second pair of runs, in a fresh room, compares the
// first 1000 messages (nothing to prune) with the next ones (every write
// also prunes), at one recipient.
//
// For the worker it counts the runtime workerd only: wrangler dev's proxy
// and tooling do not exist on the edge. It prints a table and writes
// bench/results/profile-latest.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { closeAll, openRoom, runPhase, settle } from "./lib/load.mjs";
import { loadAverage } from "./lib/proc.mjs";
import { round } from "./lib/stats.mjs";
import { startBaseline, startWorker } from "./lib/targets.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const quick = process.argv.includes("--quick");
// Messages per second: below saturation for every N here, and enough of them
// that the 10 ms granularity of /proc's CPU times does not matter.
const RATE = 100;
const STEP_MS = quick ? 2000 : 15_000;
const SIZES = quick ? [1, 10, 50] : [1, 10, 25, 50];

/**
 * Least-squares line y = a + b·x.
 * @param {number[]} xs
 * @param {number[]} ys
 */
function leastSquares(xs, ys) {
  const n = xs.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  xs.forEach((x, i) => {
    sxy += (x - mx) * ((ys[i] ?? 0) - my);
    sxx += (x - mx) ** 2;
  });
  const b = sxx ? sxy / sxx : 0;
  return { fixedUs: round(my - b * mx), perRecipientUs: round(b) };
}

/** @param {import("./lib/targets.mjs").Server} t */
async function profile(t) {
  /** @type {{recipients: number, runtimeUsPerMessage: number, p50: number | null}[]} */
  const runs = [];
  for (const n of SIZES) {
    await settle(t, 10_000);
    const clients = await openRoom(t, `profile-${n}-${Date.now()}`, n);
    try {
      const senders = clients.slice(0, Math.min(5, n));
      await runPhase(t, clients, senders, RATE, 1500, 2000); // warm-up
      await settle(t, 5000);
      const r = await runPhase(t, clients, senders, RATE, STEP_MS, 3000);
      runs.push({
        recipients: n,
        runtimeUsPerMessage: round((r.runtimeCpuMs * 1000) / r.messages),
        p50: r.latencyMs.p50,
      });
      console.error(`[profile] ${t.name} N=${n}: ${runs.at(-1)?.runtimeUsPerMessage} us/message`);
    } finally {
      await closeAll(clients);
    }
  }
  // Pruning: one recipient, 1000 messages into a fresh room, then 1000 more.
  await settle(t, 10_000);
  const [one] = await openRoom(t, `profile-prune-${Date.now()}`, 1);
  if (!one) throw new Error("no client");
  const prune = {};
  try {
    const ms = (1000 / 200) * 1000;
    const first = await runPhase(t, [one], [one], 200, ms, 3000);
    const second = await runPhase(t, [one], [one], 200, ms, 3000);
    Object.assign(prune, {
      first1000UsPerMessage: round((first.runtimeCpuMs * 1000) / first.messages),
      next1000UsPerMessage: round((second.runtimeCpuMs * 1000) / second.messages),
    });
  } finally {
    await closeAll([one]);
  }
  const model = leastSquares(
    runs.map((r) => r.recipients),
    runs.map((r) => r.runtimeUsPerMessage),
  );
  return { runs, model, prune };
}

async function main() {
  const loadBefore = loadAverage();
  /** @type {import("./lib/targets.mjs").Server[]} */
  const targets = [];
  try {
    targets.push(await startBaseline());
    // --worker-dir DIR profiles another copy of the project (a branch, a patched room).
    const at = process.argv.indexOf("--worker-dir");
    targets.push(await startWorker(at >= 0 ? process.argv[at + 1] : undefined));
    /** @type {Record<string, Awaited<ReturnType<typeof profile>>>} */
    const out = {};
    for (const t of targets) out[t.name] = await profile(t);
    const loadAfter = loadAverage();
    console.log(
      `\nroomchat profile, ${RATE} msg/s, load average ${loadBefore[0]} → ${loadAfter[0]}\n`,
    );
    console.log("| server | recipients | CPU µs/message |");
    console.log("|---|---|---|");
    for (const [name, p] of Object.entries(out)) {
      for (const r of p.runs)
        console.log(`| ${name} | ${r.recipients} | ${r.runtimeUsPerMessage} |`);
    }
    console.log(
      "\n| server | fixed µs/message | µs per recipient | first 1000 (no prune) | next 1000 (prune) |",
    );
    console.log("|---|---|---|---|---|");
    for (const [name, p] of Object.entries(out)) {
      const pr = /** @type {any} */ (p.prune);
      console.log(
        `| ${name} | ${p.model.fixedUs} | ${p.model.perRecipientUs} | ${pr.first1000UsPerMessage} | ${pr.next1000UsPerMessage} |`,
      );
    }
    const dir = join(root, "bench", "results");
    mkdirSync(dir, { recursive: true });
    const result = {
      startedAt: new Date().toISOString(),
      quick,
      rate: RATE,
      loadBefore,
      loadAfter,
      ...out,
    };
    writeFileSync(join(dir, "profile-latest.json"), `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await Promise.all(targets.map((t) => t.dispose()));
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
