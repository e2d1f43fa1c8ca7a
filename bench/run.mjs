// The benchmark (`npm run bench`, or `npm run bench:quick` for CI): starts a
// `wrangler dev` of the worker with its limits raised out of the way, and the
// minimal Node broadcast server of bench/baseline/server.mjs, runs the same
// scenarios against both (interleaved, so that a change in the machine's
// load hits both alike), prints one table with the ratios and the targets
// of issue 5, and writes the raw results to bench/results/.
//
// It reports; it does not judge: it exits 0 whenever the benchmark ran, pass
// or fail, and non-zero only when something crashed. Everything stays on
// 127.0.0.1. docs/performance.md explains the method and reads the results.
import { execSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { catchUp, fanOut, idle, joinStorm, saturation, settle } from "./lib/load.mjs";
import { loadAverage } from "./lib/proc.mjs";
import { sizes } from "./lib/sizes.mjs";
import { round } from "./lib/stats.mjs";
import { startBaseline, startWorker, VARS } from "./lib/targets.mjs";

/** @typedef {import("./lib/load.mjs").Target} Target */

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const quick = process.argv.includes("--quick");
const say = (/** @type {string} */ line) => console.error(`[bench] ${line}`);

/** Load is "high" above this 1-minute load average on this 2-core machine. */
const LOADED = 1.5;

const PLAN = quick
  ? {
      fanOut: { clients: 10, senders: 2, rate: 50, warmupMs: 1000, durationMs: 2000 },
      saturation: {
        clients: 20,
        senders: 4,
        rates: [20, 50, 200],
        warmupMs: 1000,
        stepMs: 1000,
        p99LimitMs: 250,
      },
      idle: { clients: 100, idleMs: 0 },
      joinStorm: { clients: 50 },
      catchUp: { history: 250, joins: 5, pages: 10 },
    }
  : {
      fanOut: { clients: 50, senders: 10, rate: 100, warmupMs: 3000, durationMs: 20_000 },
      saturation: {
        clients: 100,
        senders: 10,
        rates: [10, 20, 30, 50, 75, 100, 150, 200, 300, 400, 600, 800, 1200],
        warmupMs: 3000,
        stepMs: 5000,
        p99LimitMs: 250,
      },
      idle: { clients: 1000, idleMs: 15_000 },
      joinStorm: { clients: 500 },
      catchUp: { history: 400, joins: 50, pages: 200 },
    };

/**
 * Runs one scenario against both targets, baseline first.
 * @template T
 * @param {string} label
 * @param {Target[]} targets
 * @param {(t: Target) => Promise<T>} run
 */
async function both(label, targets, run) {
  /** @type {Record<string, T>} */
  const out = {};
  for (const t of targets) {
    await settle(t, quick ? 3000 : 10_000);
    say(`${label}: ${t.name}`);
    out[t.name] = await run(t);
  }
  return out;
}

/** @param {unknown} v */
const fmt = (v) =>
  v === null || v === undefined
    ? "-"
    : typeof v === "number"
      ? String(round(v))
      : /** @type {string} */ (v);

/**
 * @param {number | null | undefined} a
 * @param {number | null | undefined} b
 */
const ratio = (a, b) => (a == null || b == null || b === 0 ? null : round(a / b));

/**
 * The table: one row per figure, the worker's value against the baseline's,
 * and the target where issue 5 sets one.
 * @param {any} r
 */
function rows(r) {
  const { A, B, C, D, E } = r.scenarios;
  const zero = (/** @type {any} */ x) => x.lost + x.duplicated + x.reordered + x.refused;
  /** @type {[string, unknown, unknown, number | null, string, boolean | null][]} */
  const t = [];
  /**
   * @param {string} name
   * @param {number | null | undefined} b
   * @param {number | null | undefined} w
   * @param {string} [target]
   * @param {boolean | null} [pass]
   */
  const row = (name, b, w, target = "", pass = null) =>
    t.push([name, b, w, ratio(w, b), target, pass]);
  const aR = ratio(A.worker.latencyMs.p99, A.baseline.latencyMs.p99);
  const cR = ratio(A.worker.cpuUsPerDelivery, A.baseline.cpuUsPerDelivery);
  row("A fan-out p50 ms", A.baseline.latencyMs.p50, A.worker.latencyMs.p50);
  row("A fan-out p90 ms", A.baseline.latencyMs.p90, A.worker.latencyMs.p90);
  row(
    "A fan-out p99 ms",
    A.baseline.latencyMs.p99,
    A.worker.latencyMs.p99,
    "<= 3x",
    aR !== null && aR <= 3,
  );
  row("A fan-out max ms", A.baseline.latencyMs.max, A.worker.latencyMs.max);
  row("A deliveries", A.baseline.deliveries, A.worker.deliveries);
  t.push([
    "A lost/dup/reordered/refused",
    `${A.baseline.lost}/${A.baseline.duplicated}/${A.baseline.reordered}/${A.baseline.refused}`,
    `${A.worker.lost}/${A.worker.duplicated}/${A.worker.reordered}/${A.worker.refused}`,
    null,
    "all 0",
    zero(A.worker) === 0,
  ]);
  row(
    "A server CPU us/delivery",
    A.baseline.cpuUsPerDelivery,
    A.worker.cpuUsPerDelivery,
    "<= 4x",
    cR !== null && cR <= 4,
  );
  row(
    "A net CPU us/delivery (- idle)",
    A.baseline.netCpuUsPerDelivery,
    A.worker.netCpuUsPerDelivery,
  );
  row(
    "A runtime CPU us/delivery",
    A.baseline.runtimeCpuUsPerDelivery,
    A.worker.runtimeCpuUsPerDelivery,
  );
  const bR = ratio(B.worker.heldDeliveriesPerSec, B.baseline.heldDeliveriesPerSec);
  row("B held msg/s", B.baseline.heldRate, B.worker.heldRate);
  row(
    "B held deliveries/s",
    B.baseline.heldDeliveriesPerSec,
    B.worker.heldDeliveriesPerSec,
    ">= 0.6x",
    bR !== null && bR >= 0.6,
  );
  // What one core would hold, from the cost per delivery at the steps held:
  // on a busy machine the steps fail from want of a core long before that.
  row(
    "B deliveries per runtime CPU-s",
    B.baseline.deliveriesPerCpuSecond,
    B.worker.deliveriesPerCpuSecond,
  );
  const cW = C.worker.runtimeKiBPerConn;
  row(
    "C KiB/idle conn (runtime)",
    C.baseline.runtimeKiBPerConn,
    cW,
    "<= 100 KiB",
    cW !== null && cW <= 100,
  );
  row(
    "C KiB/idle conn (all procs)",
    C.baseline.allProcessesKiBPerConn,
    C.worker.allProcessesKiBPerConn,
  );
  if (C.worker.runtimeKiBPerConnAfterIdle !== null) {
    row(
      `C KiB/conn after ${C.worker.idleMs / 1000}s idle`,
      C.baseline.runtimeKiBPerConnAfterIdle,
      C.worker.runtimeKiBPerConnAfterIdle,
    );
  }
  const dR = ratio(D.worker.allWelcomedMs, D.baseline.allWelcomedMs);
  row(
    `D all ${D.worker.clients} welcomed ms`,
    D.baseline.allWelcomedMs,
    D.worker.allWelcomedMs,
    "<= 5x",
    dR !== null && dR <= 5,
  );
  row("D join p50 ms", D.baseline.joinLatencyMs.p50, D.worker.joinLatencyMs.p50);
  row("D join p99 ms", D.baseline.joinLatencyMs.p99, D.worker.joinLatencyMs.p99);
  row("E join since-200 p50 ms", E.baseline.joinWithSinceMs.p50, E.worker.joinWithSinceMs.p50);
  row("E join since-200 p99 ms", E.baseline.joinWithSinceMs.p99, E.worker.joinWithSinceMs.p99);
  row("E page of 100 p50 ms", E.baseline.pageMs.p50, E.worker.pageMs.p50);
  row("E page of 100 p99 ms", E.baseline.pageMs.p99, E.worker.pageMs.p99);
  const s = r.sizes;
  const js = s.pageJs.gzip / 1024;
  t.push(["Worker bundle KiB gzip", "", round(s.workerBundle.gzip / 1024), null, "", null]);
  t.push(["Page JS KiB gzip", "", round(js), null, "<= 30 KiB", js <= 30]);
  t.push(["Page CSS KiB gzip", "", round(s.pageCss.gzip / 1024), null, "", null]);
  return t;
}

/** @param {ReturnType<typeof rows>} t */
function table(t) {
  const head = ["figure", "baseline", "worker", "ratio", "target", "pass"];
  const cells = t.map(([a, b, w, q, target, pass]) => [
    a,
    fmt(b),
    fmt(w),
    q === null ? "" : `${q}x`,
    target,
    pass === null ? "" : pass ? "PASS" : "FAIL",
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => String(c[i]).length)));
  const line = (/** @type {string[]} */ c) =>
    `| ${c.map((x, i) => (i === 0 ? x.padEnd(widths[i] ?? 0) : x.padStart(widths[i] ?? 0))).join(" | ")} |`;
  return [
    line(head),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...cells.map(line),
  ].join("\n");
}

async function main() {
  const started = new Date();
  const loadBefore = loadAverage();
  say(
    `${quick ? "quick" : "full"} run; load average ${loadBefore.join(" ")} on ${cpus().length} cores`,
  );
  /** @type {Awaited<ReturnType<typeof startBaseline>>[]} */
  const targets = [];
  const watchdog = setTimeout(
    () => {
      say("watchdog: the benchmark took too long");
      Promise.all(targets.map((t) => t.dispose())).finally(() => process.exit(2));
    },
    (quick ? 5 : 45) * 60_000,
  );
  const stopAll = () => {
    say("interrupted");
    Promise.all(targets.map((t) => t.dispose())).finally(() => process.exit(130));
  };
  process.once("SIGINT", stopAll);
  process.once("SIGTERM", stopAll);
  try {
    say("starting the baseline and wrangler dev");
    targets.push(await startBaseline());
    targets.push(await startWorker());
    const scenarios = {
      A: await both("A fan-out", targets, (t) => fanOut(t, PLAN.fanOut)),
      B: await both("B saturation", targets, (t) => saturation(t, PLAN.saturation)),
      C: await both("C idle", targets, (t) => idle(t, PLAN.idle)),
      D: await both("D join storm", targets, (t) => joinStorm(t, PLAN.joinStorm)),
      E: await both("E catch-up", targets, (t) => catchUp(t, PLAN.catchUp)),
    };
    const processes = Object.fromEntries(targets.map((t) => [t.name, t.processes()]));
    say("sizes: wrangler deploy --dry-run");
    const sizeReport = sizes(root, say);
    const loadAfter = loadAverage();
    const result = {
      mode: quick ? "quick" : "full",
      startedAt: started.toISOString(),
      durationS: round((Date.now() - started.getTime()) / 1000),
      machine: {
        cores: cpus().length,
        cpu: cpus()[0]?.model,
        node: process.version,
        loadBefore,
        loadAfter,
        // Judged before the run: the average after it includes the benchmark's own load.
        underLoad: (loadBefore[0] ?? 0) > LOADED,
      },
      commit: gitCommit(),
      // Uncommitted changes in what the worker is built from, if any.
      dirty: gitDirty(),
      vars: VARS,
      plan: PLAN,
      processes,
      scenarios,
      sizes: sizeReport,
    };
    const t = rows(result);
    const out = table(t);
    const loadNote = result.machine.underLoad
      ? `UNDER LOAD (1-min load average ${loadBefore[0]} before, ${loadAfter[0]} after, the run's own included, ${cpus().length} cores): absolute figures are inflated; read the ratios`
      : `load average ${loadBefore[0]} before, ${loadAfter[0]} after (the run's own included), ${cpus().length} cores`;
    console.log(`\nroomchat benchmark, ${result.mode} run, ${result.startedAt}, ${loadNote}\n`);
    console.log(out);
    console.log(
      `\nB stopped by: baseline ${scenarios.B.baseline?.stoppedBy}; worker ${scenarios.B.worker?.stoppedBy}\n`,
    );
    if (JSON.stringify(scenarios).includes('"runtimeRestarted":true')) {
      console.log(
        "WARNING: the worker's runtime restarted during a phase; its losses are not the room's.\n",
      );
    }
    const dir = join(root, "bench", "results");
    mkdirSync(dir, { recursive: true });
    const json = `${JSON.stringify({ ...result, table: t }, null, 2)}\n`;
    if (quick) {
      // Quick runs (CI, a check after a change) do not pile up files.
      writeFileSync(join(dir, "quick-latest.json"), json);
      say("wrote bench/results/quick-latest.json");
    } else {
      const stamp = started.toISOString().replace(/[:.]/g, "-");
      writeFileSync(join(dir, `${stamp}.json`), json);
      writeFileSync(join(dir, "latest.json"), json);
      say(`wrote bench/results/${stamp}.json and latest.json`);
    }
  } finally {
    clearTimeout(watchdog);
    await Promise.all(targets.map((t) => t.dispose()));
  }
}

function gitDirty() {
  try {
    return execSync("git status --porcelain -- worker wrangler.toml", {
      cwd: root,
      encoding: "utf8",
    })
      .split("\n")
      .filter(Boolean);
  } catch {
    return null;
  }
}

function gitCommit() {
  try {
    return execSync("git rev-parse --short HEAD", { cwd: root, encoding: "utf8" }).trim();
  } catch {
    return null;
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
