// The benchmark (`npm run bench`, or `npm run bench:quick` for CI): starts a
// `wrangler dev` of the worker with its limits raised out of the way, the
// minimal Node broadcast server of bench/baseline/server.mjs and the same
// minimal room as a Durable Object under its own `wrangler dev`
// (bench/floor: what the platform costs before roomchat does anything), runs
// the same scenarios against all three (interleaved, so that a change in the
// machine's load hits all alike), prints one table with the ratios and the
// targets of issue 5, and writes the raw results to bench/results/.
// Scenario R (issue 17) is A at the issue's fixed load (5 senders, 20
// messages/s) for room sizes from 10 to 1,000 listeners; scenario S (issue
// 17) is a big room, 5,000 listeners at 10 messages/s, spread over fan-out
// shards, against the same worker with one object and the baseline.
// Scenario M (bench/lib/changes.mjs) runs against the worker alone: what an
// edit or a reaction (protocol v2) costs the room against a send.
//
// It reports; it does not judge: it exits 0 whenever the benchmark ran, pass
// or fail, and non-zero only when something crashed. Everything stays on
// 127.0.0.1. docs/performance.md explains the method and reads the results.
import { execSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { changesMix } from "./lib/changes.mjs";
import { catchUp, fanOut, idle, joinStorm, saturation, settle } from "./lib/load.mjs";
import { FULL_PLAN, QUICK_PLAN } from "./lib/plan.mjs";
import { loadAverage } from "./lib/proc.mjs";
import { sizes } from "./lib/sizes.mjs";
import { round } from "./lib/stats.mjs";
import { startBaseline, startFloor, startWorker, VARS } from "./lib/targets.mjs";
import { workerVarsFrom } from "./lib/vars.mjs";

/** @typedef {import("./lib/load.mjs").Target} Target */

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const quick = process.argv.includes("--quick");
// `--only=C,D` runs just those scenarios (to look into one); a full run is all of them.
const only = process.argv
  .find((a) => a.startsWith("--only="))
  ?.slice(7)
  .split(",");
const wanted = (/** @type {string} */ s) => !only || only.includes(s);
// `--worker-dir DIR` measures another copy of the project (a commit before a
// change, a patched room) as "worker", to compare.
const at = process.argv.indexOf("--worker-dir");
const workerDir = at >= 0 ? process.argv[at + 1] : undefined;
// `--before DIR` (issue 17) runs another copy as a fourth target, "before"
// (the commit before a change, with v1 clients as it had), in A, B, D and
// R, so that the change is judged against it in one run.
const atBefore = process.argv.indexOf("--before");
const beforeDir = atBefore >= 0 ? process.argv[atBefore + 1] : undefined;
// `--var NAME:VALUE` (repeatable) sets one of the worker's variables, as
// `wrangler dev --var` does: a tunable such as BATCH_MS, measured.
const workerVars = workerVarsFrom(process.argv);
const say = (/** @type {string} */ line) => console.error(`[bench] ${line}`);

/** Load is "high" above this 1-minute load average on this 2-core machine. */
const LOADED = 1.5;

const PLAN = quick ? QUICK_PLAN : FULL_PLAN;

/**
 * Runs one scenario against every target in turn, baseline first.
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
 * The table: one row per figure, the worker's value against the baseline's
 * (and the floor's, where it ran), and the target where issue 5 sets one.
 * @param {any} r
 */
function rows(r) {
  const { A, B, C, D, E, M } = r.scenarios;
  /** @typedef {[string, unknown, unknown, unknown, number | null, number | null, string, boolean | null]} Row */
  /** @type {Row[]} */
  const t = [];
  /**
   * One figure of one scenario, read the same way from every target.
   * @param {string} name
   * @param {any} S the scenario's results by target
   * @param {(x: any) => number | null | undefined} get
   * @param {string} [target]
   * @param {(ratio: number | null, worker: number | null | undefined) => boolean} [judge]
   */
  const row = (name, S, get, target = "", judge) => {
    if (!S) return; // a scenario left out with --only
    const b = S.baseline ? get(S.baseline) : null;
    const f = S.floor ? get(S.floor) : null;
    const w = get(S.worker);
    const q = ratio(w, b);
    t.push([name, b, f, w, q, ratio(w, f), target, judge ? judge(q, w) : null]);
  };
  /** @param {any} x */
  const faults = (x) => (x ? `${x.lost}/${x.duplicated}/${x.reordered}/${x.refused}` : null);
  const zero = (/** @type {any} */ x) => x.lost + x.duplicated + x.reordered + x.refused;
  row("A fan-out p50 ms", A, (x) => x.latencyMs.p50);
  row("A fan-out p90 ms", A, (x) => x.latencyMs.p90);
  row(
    "A fan-out p99 ms",
    A,
    (x) => x.latencyMs.p99,
    "<= 3x",
    (q) => q !== null && q <= 3,
  );
  row("A fan-out max ms", A, (x) => x.latencyMs.max);
  row("A deliveries", A, (x) => x.deliveries);
  if (A)
    t.push([
      "A lost/dup/reordered/refused",
      faults(A.baseline),
      faults(A.floor),
      faults(A.worker),
      null,
      null,
      "all 0",
      zero(A.worker) === 0,
    ]);
  row(
    "A server CPU us/delivery",
    A,
    (x) => x.cpuUsPerDelivery,
    "<= 4x",
    (q) => q !== null && q <= 4,
  );
  row("A net CPU us/delivery (- idle)", A, (x) => x.netCpuUsPerDelivery);
  row("A runtime CPU us/delivery", A, (x) => x.runtimeCpuUsPerDelivery);
  row("B held msg/s", B, (x) => x.heldRate);
  row(
    "B held deliveries/s",
    B,
    (x) => x.heldDeliveriesPerSec,
    ">= 0.6x",
    (q) => q !== null && q >= 0.6,
  );
  // What one core would hold, from the cost per delivery at the steps held:
  // on a busy machine the steps fail from want of a core long before that.
  row("B deliveries per runtime CPU-s", B, (x) => x.deliveriesPerCpuSecond);
  row(
    "C KiB/idle conn (runtime)",
    C,
    (x) => x.runtimeKiBPerConn,
    "<= 100 KiB",
    (_, w) => w != null && w <= 100,
  );
  row("C KiB/idle conn (all procs)", C, (x) => x.allProcessesKiBPerConn);
  if (C && C.worker.runtimeKiBPerConnAfterIdle !== null) {
    row(`C KiB/conn after ${C.worker.idleMs / 1000}s idle`, C, (x) => x.runtimeKiBPerConnAfterIdle);
  }
  row(
    `D all ${D?.worker.clients} welcomed ms`,
    D,
    (x) => x.allWelcomedMs,
    "<= 5x",
    (q) => q !== null && q <= 5,
  );
  row("D join p50 ms", D, (x) => x.joinLatencyMs.p50);
  row("D join p99 ms", D, (x) => x.joinLatencyMs.p99);
  // (issue 17) The worker's v2 clients (batched) against its v1 clients
  // (never batched), in the worker's column; the targets are the issue's.
  /**
   * @param {string} name
   * @param {any} S
   * @param {(x: any) => number | null | undefined} get
   * @param {string} [target]
   * @param {(q: number) => boolean} [judge]
   */
  const batched = (name, S, get, target = "", judge) => {
    if (!S?.workerV2) return;
    const v2 = get(S.workerV2);
    const v1 = get(S.worker);
    const q = ratio(v2, v1);
    t.push([
      `${name} v2/v1`,
      null,
      null,
      `${fmt(v2)} / ${fmt(v1)}`,
      q,
      null,
      target,
      judge && q !== null ? judge(q) : null,
    ]);
  };
  batched("A p50 ms", A, (x) => x.latencyMs.p50);
  batched("A p99 ms", A, (x) => x.latencyMs.p99);
  batched("A runtime CPU us/delivery", A, (x) => x.runtimeCpuUsPerDelivery);
  if (A?.workerV2)
    t.push([
      "A v2 lost/dup/reordered/refused",
      null,
      null,
      faults(A.workerV2),
      null,
      null,
      "all 0",
      zero(A.workerV2) === 0,
    ]);
  batched(
    "B held deliveries/s",
    B,
    (x) => x.heldDeliveriesPerSec,
    ">= 2x",
    (q) => q >= 2,
  );
  batched(
    "B deliveries per runtime CPU-s",
    B,
    (x) => x.deliveriesPerCpuSecond,
    ">= 2x",
    (q) => q >= 2,
  );
  batched(
    "D all welcomed ms",
    D,
    (x) => x.allWelcomedMs,
    "<= 0.5x",
    (q) => q <= 0.5,
  );
  // (issue 17) Room sizes at a fixed load: CPU per delivery and p99 per
  // size, and batched against unbatched; the issue's target is at 500.
  for (const [n, S] of Object.entries(r.scenarios.R ?? {})) {
    row(
      `R ${n} runtime CPU us/delivery`,
      S,
      (x) => x.runtimeCpuUsPerDelivery ?? x.cpuUsPerDelivery,
    );
    row(`R ${n} p99 ms`, S, (x) => x.latencyMs.p99);
    batched(
      `R ${n} runtime CPU us/delivery`,
      S,
      (x) => x.runtimeCpuUsPerDelivery,
      n === "500" ? "<= 0.5x" : "",
      n === "500" ? (q) => q <= 0.5 : undefined,
    );
    batched(`R ${n} p50 ms`, S, (x) => x.latencyMs.p50);
    batched(`R ${n} p99 ms`, S, (x) => x.latencyMs.p99);
  }
  // (issue 17) The big room: the sharded worker in the worker's column, the
  // one-object worker in the floor's (its ratio is sharded / one object).
  const S = r.scenarios.S;
  if (S) {
    /**
     * @param {string} name
     * @param {(x: any) => number | null | undefined} get
     * @param {string} [target]
     * @param {(w: number | null | undefined) => boolean} [judge]
     */
    const big = (name, get, target = "", judge) => {
      const b = S.baseline ? get(S.baseline) : null;
      const o = S.oneObject ? get(S.oneObject) : null;
      const w = S.sharded ? get(S.sharded) : null;
      t.push([name, b, o, w, ratio(w, b), ratio(w, o), target, judge ? judge(w) : null]);
    };
    const n = S.sharded?.clients ?? S.baseline?.clients;
    big(`S ${n} listeners p50 ms (floor col: one object)`, (x) => x.latencyMs.p50);
    big(
      `S ${n} listeners p99 ms`,
      (x) => x.latencyMs.p99,
      "< 1000 ms",
      (w) => w != null && w < 1000,
    );
    big("S deliveries", (x) => x.deliveries);
    big("S runtime CPU us/delivery", (x) => x.runtimeCpuUsPerDelivery ?? x.cpuUsPerDelivery);
    t.push([
      "S lost/dup/reordered/refused",
      faults(S.baseline),
      faults(S.oneObject),
      faults(S.sharded),
      null,
      null,
      "all 0",
      S.sharded ? zero(S.sharded) === 0 : null,
    ]);
    // The runtime's CPU per message (per delivery × listeners) with shards
    // of SHARD_SIZE and of a quarter of it: the difference over the number
    // of shards added is the cost of one shard per push.
    const plan = r.plan.bigRoom;
    const shards = (/** @type {number} */ size) =>
      Math.ceil(Math.max(0, plan.clients - plan.shardAt) / size);
    const perMessage = (/** @type {any} */ x) =>
      x?.runtimeCpuUsPerDelivery != null ? x.runtimeCpuUsPerDelivery * plan.clients : null;
    const few = perMessage(S.sharded);
    const many = perMessage(S.manyShards);
    const added = shards(plan.manyShardSize) - shards(plan.shardSize);
    t.push([
      `S runtime CPU us/message, ${shards(plan.shardSize)} / ${shards(plan.manyShardSize)} shards`,
      null,
      null,
      `${fmt(few)} / ${fmt(many)}`,
      null,
      null,
      "",
      null,
    ]);
    t.push([
      "S runtime CPU us per shard per push",
      null,
      null,
      few != null && many != null && added > 0 ? round((many - few) / added) : null,
      null,
      null,
      "",
      null,
    ]);
    t.push([
      "S many shards p50/p99 ms",
      null,
      null,
      S.manyShards ? `${S.manyShards.latencyMs.p50}/${S.manyShards.latencyMs.p99}` : null,
      null,
      null,
      "",
      null,
    ]);
  }
  // (issue 17) The batched worker (v2 clients) against the commit before
  // (--before), in one run; the targets are the issue's.
  /**
   * @param {string} name
   * @param {any} S
   * @param {(x: any) => number | null | undefined} get
   * @param {string} [target]
   * @param {(q: number | null, now: number | null | undefined, then: number | null | undefined) => boolean} [judge]
   */
  const vsBefore = (name, S, get, target = "", judge) => {
    if (!S?.before || !S?.workerV2) return;
    const now = get(S.workerV2);
    const then = get(S.before);
    const q = ratio(now, then);
    t.push([
      `${name} now/before`,
      null,
      null,
      `${fmt(now)} / ${fmt(then)}`,
      q,
      null,
      target,
      judge ? judge(q, now, then) : null,
    ]);
  };
  vsBefore(
    "A p50 ms",
    A,
    (x) => x.latencyMs.p50,
    "<= before + BATCH_MS",
    (_, now, then) =>
      now != null && then != null && now <= then + Number(r.workerVars?.BATCH_MS ?? 10),
  );
  vsBefore("A p99 ms", A, (x) => x.latencyMs.p99);
  vsBefore("A runtime CPU us/delivery", A, (x) => x.runtimeCpuUsPerDelivery);
  vsBefore(
    "B held deliveries/s",
    B,
    (x) => x.heldDeliveriesPerSec,
    ">= 2x",
    (q) => q !== null && q >= 2,
  );
  vsBefore(
    "B deliveries per runtime CPU-s",
    B,
    (x) => x.deliveriesPerCpuSecond,
    ">= 2x",
    (q) => q !== null && q >= 2,
  );
  vsBefore(
    "D all welcomed ms",
    D,
    (x) => x.allWelcomedMs,
    "<= 0.5x",
    (q) => q !== null && q <= 0.5,
  );
  for (const [n, S] of Object.entries(r.scenarios.R ?? {})) {
    vsBefore(
      `R ${n} runtime CPU us/delivery`,
      S,
      (x) => x.runtimeCpuUsPerDelivery,
      n === "500" ? "<= 0.5x" : "",
      n === "500" ? (q) => q !== null && q <= 0.5 : undefined,
    );
    vsBefore(`R ${n} p99 ms`, S, (x) => x.latencyMs.p99);
  }
  row("E join since-200 p50 ms", E, (x) => x.joinWithSinceMs.p50);
  row("E join since-200 p99 ms", E, (x) => x.joinWithSinceMs.p99);
  row("E page of 100 p50 ms", E, (x) => x.pageMs.p50);
  row("E page of 100 p99 ms", E, (x) => x.pageMs.p99);
  if (M) {
    // The worker alone: its plain phases against its mix, and a change
    // against a send, as ratios in the worker's column.
    const w = M.worker;
    /** @param {number | null} q */
    const x = (q) => (q === null ? null : `${q}x`);
    /**
     * @param {string} name
     * @param {unknown} v
     */
    const only = (name, v) => t.push([name, null, null, v, null, null, "", null]);
    const { plain, mix, ratios: q } = w;
    only("M plain deliveries/s", plain.deliveriesPerSec);
    only("M mix deliveries/s", mix.deliveriesPerSec);
    only(
      "M plain p50/p90/p99 ms",
      `${plain.latencyMs.p50}/${plain.latencyMs.p90}/${plain.latencyMs.p99}`,
    );
    only(
      "M mix message p50/p90/p99 ms",
      `${mix.messageLatencyMs.p50}/${mix.messageLatencyMs.p90}/${mix.messageLatencyMs.p99}`,
    );
    only(
      "M mix update p50/p90/p99 ms",
      `${mix.updateLatencyMs.p50}/${mix.updateLatencyMs.p90}/${mix.updateLatencyMs.p99}`,
    );
    only("M update / message p50", x(q.updateVsMessageP50));
    only("M update / message p99", x(q.updateVsMessageP99));
    only("M runtime CPU us/send (plain)", plain.runtimeCpuUsPerOp);
    only("M runtime CPU us/change (mix)", w.runtimeCpuUsPerChange);
    only("M CPU change / send", x(q.cpuPerChangeVsSend));
    only(
      "M lost/dup/reordered/refused",
      `${plain.lost + mix.lost}/${plain.duplicated + mix.duplicated}/${plain.reordered + mix.reordered}/${plain.refused + mix.refused}`,
    );
    const m = w.micro;
    only(`M micro ${m.n} sends ms (median of ${m.rounds})`, m.send.ms);
    only(`M micro ${m.n} toggles ms`, m.react.ms);
    only(`M micro ${m.n} edits ms`, m.edit.ms);
    only("M micro toggle / send time", x(q.microReactVsSendTime));
    only("M micro edit / send time", x(q.microEditVsSendTime));
    only("M micro toggle / send CPU", x(q.microReactVsSendCpu));
    only("M micro edit / send CPU", x(q.microEditVsSendCpu));
  }
  const s = r.sizes;
  if (s.error) {
    t.push(["Sizes", "", "", "not measured", null, null, "", null]);
    return t;
  }
  // The budget is on what every visitor loads (vite.config.ts); results of
  // older runs have only the total.
  const js = (s.pageInitialJs ?? s.pageJs).gzip / 1024;
  /**
   * @param {string} name
   * @param {number} kib
   * @param {string} [target]
   * @param {boolean | null} [pass]
   */
  const size = (name, kib, target = "", pass = null) =>
    t.push([name, "", "", round(kib), null, null, target, pass]);
  size("Worker bundle KiB gzip", s.workerBundle.gzip / 1024);
  size("Page initial JS KiB gzip", js, "<= 35 KiB", js <= 35);
  if (s.pageLazyJs) size("Page lazy JS KiB gzip", s.pageLazyJs.gzip / 1024);
  size("Page CSS KiB gzip", s.pageCss.gzip / 1024);
  return t;
}

/** @param {ReturnType<typeof rows>} t */
function table(t) {
  const head = ["figure", "baseline", "floor", "worker", "ratio", "target", "pass", "vs floor"];
  const cells = t.map(([a, b, f, w, q, qf, target, pass]) => [
    a,
    fmt(b),
    fmt(f),
    fmt(w),
    q === null ? "" : `${q}x`,
    target,
    pass === null ? "" : pass ? "PASS" : "FAIL",
    qf === null ? "" : `${qf}x`,
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
    (quick ? 8 : 60) * 60_000,
  );
  const stopAll = () => {
    say("interrupted");
    Promise.all(targets.map((t) => t.dispose())).finally(() => process.exit(130));
  };
  process.once("SIGINT", stopAll);
  process.once("SIGTERM", stopAll);
  try {
    say("starting the baseline, the floor's wrangler dev and the worker's");
    targets.push(await startBaseline());
    targets.push(await startFloor());
    targets.push(await startWorker(workerDir, "worker", workerVars));
    /** @type {Record<string, any>} */
    const scenarios = {};
    // (issue 17) The worker again with clients that announce v2, which it
    // may send batches: the same process, so that batched against unbatched
    // delivery is a ratio measured in one run.
    const worker = /** @type {Target} */ (targets.find((t) => t.name === "worker"));
    const withV2 = [...targets, { ...worker, name: "workerV2", v: 2 }];
    if (beforeDir) {
      const before = await startWorker(beforeDir, "before", workerVars);
      targets.push(before);
      withV2.push(before);
    }
    if (wanted("A")) scenarios.A = await both("A fan-out", withV2, (t) => fanOut(t, PLAN.fanOut));
    if (wanted("B")) {
      scenarios.B = await both("B saturation", withV2, (t) => saturation(t, PLAN.saturation));
    }
    if (wanted("C")) scenarios.C = await both("C idle", targets, (t) => idle(t, PLAN.idle));
    if (wanted("R")) {
      // (issue 17) One room size after another, each against every target.
      const { sizes: ns, ...load } = PLAN.roomSizes;
      /** @type {Record<string, any>} */
      const bySize = {};
      for (const n of ns)
        bySize[n] = await both(`R ${n} listeners`, withV2, (t) =>
          fanOut(t, { ...load, clients: n }),
        );
      scenarios.R = bySize;
    }
    if (wanted("S")) {
      // (issue 17) A big room: the worker spreading it over fan-out shards,
      // the same worker holding every socket in one object (SHARD_AT out of
      // reach), and the baseline. Each worker runs in its own process,
      // started for this scenario only and one at a time.
      const { shardAt, shardSize, manyShardSize, ...load } = PLAN.bigRoom;
      /** @type {Record<string, any>} */
      const big = {};
      const baseline = /** @type {Target} */ (targets.find((t) => t.name === "baseline"));
      Object.assign(big, await both("S big room", [baseline], (t) => fanOut(t, load)));
      for (const [name, vars] of /** @type {[string, Record<string, number>][]} */ ([
        ["sharded", { SHARD_AT: shardAt, SHARD_SIZE: shardSize }],
        ["manyShards", { SHARD_AT: shardAt, SHARD_SIZE: manyShardSize }],
        ["oneObject", { SHARD_AT: 1_000_000 }],
      ])) {
        const t = await startWorker(workerDir, name, { ...workerVars, ...vars });
        try {
          Object.assign(big, await both("S big room", [{ ...t, v: 2 }], (x) => fanOut(x, load)));
        } finally {
          await t.dispose();
        }
      }
      scenarios.S = big;
    }
    if (wanted("D"))
      scenarios.D = await both("D join storm", withV2, (t) => joinStorm(t, PLAN.joinStorm));
    if (wanted("E")) {
      // The floor keeps no history: nothing to catch up from.
      scenarios.E = await both(
        "E catch-up",
        targets.filter((t) => t.name !== "floor"),
        (t) => catchUp(t, PLAN.catchUp),
      );
    }
    if (wanted("M")) {
      // Edits and reactions are protocol v2: the baseline and the floor have neither.
      scenarios.M = await both(
        "M changes mix",
        targets.filter((t) => t.name === "worker"),
        (t) => changesMix(t, PLAN.changesMix),
      );
    }
    const processes = Object.fromEntries(targets.map((t) => [t.name, t.processes()]));
    say("sizes: wrangler deploy --dry-run");
    // A page that does not build (a tree others are editing, over its
    // budget) costs the sizes, not the scenarios' results.
    /** @type {any} */
    let sizeReport;
    try {
      sizeReport = sizes(root, say);
    } catch (err) {
      const lines = String(/** @type {Error} */ (err).message ?? err).split("\n");
      const error = lines.find((l) => l.includes("budget")) ?? lines[0];
      say(`sizes not measured: ${error}`);
      sizeReport = { error };
    }
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
      commit: workerDir ? `${workerDir} (--worker-dir)` : gitCommit(),
      workerVars,
      before: beforeDir ?? null,
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
      `\nB stopped by: baseline ${scenarios.B?.baseline?.stoppedBy}; floor ${scenarios.B?.floor?.stoppedBy}; worker ${scenarios.B?.worker?.stoppedBy}\n`,
    );
    if (JSON.stringify(scenarios).includes('"runtimeRestarted":true')) {
      console.log(
        "WARNING: the worker's runtime restarted during a phase; its losses are not the room's.\n",
      );
    }
    const dir = join(root, "bench", "results");
    mkdirSync(dir, { recursive: true });
    const json = `${JSON.stringify({ ...result, table: t }, null, 2)}\n`;
    // A partial run (some scenarios, or another copy of the worker) does not
    // stand in for the latest full one.
    const partial =
      only !== undefined || workerDir !== undefined || Object.keys(workerVars).length > 0;
    if (quick && !partial) {
      // Quick runs (CI, a check after a change) do not pile up files.
      writeFileSync(join(dir, "quick-latest.json"), json);
      say("wrote bench/results/quick-latest.json");
    } else {
      const stamp = started.toISOString().replace(/[:.]/g, "-");
      const vars = Object.entries(workerVars).map(([k, v]) => `-${k}-${v}`);
      const tags = `${only ? `-only-${only.join("")}` : ""}${workerDir ? "-other-worker" : ""}${beforeDir ? "-before" : ""}${vars.join("")}`;
      const name = `${stamp}${quick ? "-quick" : ""}${tags}.json`;
      writeFileSync(join(dir, name), json);
      if (!partial) writeFileSync(join(dir, "latest.json"), json);
      say(`wrote bench/results/${name}${partial ? "" : " and latest.json"}`);
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
