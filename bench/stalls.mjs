// Where the slowest deliveries' time goes (issue 17, point 0): `node
// bench/stalls.mjs [--runs=5] [--quick] [--busy=N] [--profile]
// [--var NAME:VALUE] [--targets=worker,worker-v1,floor,floor+sql]`.
// It runs scenario A (50 listeners, 10 senders, 100 messages/s, 20 s) a
// number of times against each target in turn (interleaved, so that the
// machine's drift weighs on all alike) and takes every slow delivery apart
// with what each side can see:
//
// - the message's `ts`, stamped by the room (the runtime's clock, which
//   stands still while an event runs: it is when the room's event began),
//   splits a delivery into "in" (send → the room's event starts: the socket,
//   the dev proxy, the room's input queue) and "out" (the event → the
//   listener: the room's work, the storage commit that the output gate waits
//   for, the sends, the proxy);
// - the runtime's and the dev proxy's CPU, sampled every 20 ms from /proc,
//   tell a stall that burns CPU (work, garbage collection) from one that
//   waits (a commit, a lock, being descheduled);
// - the load generator's own event-loop delay, so that its stalls are not
//   blamed on the server;
// - the runtime's output (the room logs its alarms, refusals and errors).
//
// A stall is a stretch of messages (by send time) whose slowest delivery
// exceeds both 20 ms and 5× the run's p50; stalls closer than 100 ms merge.
// It prints one table per target (p50/p99/max per run, the worst stalls
// with their parts) and writes bench/results/stalls-latest.json. It reports;
// it does not judge (docs/performance.md reads it).
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { openInspector, startProfile, stopProfile, whatRan } from "./lib/inspector.mjs";
import { closeAll, openRoom, readMessage, runPhase, runTag, settle } from "./lib/load.mjs";
import { FULL_PLAN, QUICK_PLAN } from "./lib/plan.mjs";
import { loadAverage } from "./lib/proc.mjs";
import { round, sleep, summary } from "./lib/stats.mjs";
import { startFloor, startWorker } from "./lib/targets.mjs";
import { workerVarsFrom } from "./lib/vars.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const quick = process.argv.includes("--quick");
const arg = (/** @type {string} */ name) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const RUNS = Number(arg("runs") ?? (quick ? 1 : 5));
// `--profile`: a CPU profile of the runtime over each traced phase, through
// wrangler's inspector, and what ran in each of the worst stalls.
const PROFILE = process.argv.includes("--profile");
const TARGETS = (arg("targets") ?? "worker,worker-v1,floor,floor+sql").split(",");
const A = (quick ? QUICK_PLAN : FULL_PLAN).fanOut;
// `--var NAME:VALUE` (repeatable): one of the worker's variables, e.g. BATCH_MS.
const workerVars = workerVarsFrom(process.argv);
const say = (/** @type {string} */ line) => console.error(`[stalls] ${line}`);

const TICK_HZ = 100; // /proc's CPU times are in clock ticks of 10 ms
const SAMPLE_MS = 20;
const STALL_FLOOR_MS = 20;
const STALL_FACTOR = 5;
const MERGE_MS = 100;

/** CPU ticks of one pid, or 0 when it is gone. @param {number} pid */
function ticks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(f[11]) + Number(f[12]);
  } catch {
    return 0;
  }
}

/**
 * Samples the CPU of the runtime and of the dev proxy every SAMPLE_MS, and
 * the generator's event-loop lag (how late each sample's timer fired).
 * @param {any} target
 */
function sampler(target) {
  const procs = target.processes();
  /** @param {string} role */
  const pidsOf = (role) =>
    procs.filter((/** @type {any} */ p) => p.role === role).map((/** @type {any} */ p) => p.pid);
  const runtime = pidsOf("runtime");
  const proxy = pidsOf("dev proxy");
  /** @type {{at: number, runtime: number, proxy: number, lag: number}[]} */
  const samples = [];
  const sum = (/** @type {number[]} */ pids) => pids.reduce((s, p) => s + ticks(p), 0);
  let last = { at: Date.now(), runtime: sum(runtime), proxy: sum(proxy) };
  let due = last.at + SAMPLE_MS;
  const timer = setInterval(() => {
    const now = Date.now();
    const cur = { at: now, runtime: sum(runtime), proxy: sum(proxy) };
    const ms = now - last.at;
    samples.push({
      at: now,
      // The share of a core over the sample (ticks of 10 ms over the sample's length).
      runtime: ((cur.runtime - last.runtime) * (1000 / TICK_HZ)) / ms,
      proxy: ((cur.proxy - last.proxy) * (1000 / TICK_HZ)) / ms,
      lag: Math.max(0, now - due),
    });
    last = cur;
    due = now + SAMPLE_MS;
  }, SAMPLE_MS);
  return {
    stop: () => clearInterval(timer),
    /** The samples that overlap [from, to] (epoch ms), widened by one sample on each side. */
    during: (/** @type {number} */ from, /** @type {number} */ to) =>
      samples.filter((s) => s.at >= from - SAMPLE_MS && s.at - SAMPLE_MS <= to + SAMPLE_MS),
  };
}

/**
 * One traced phase of A: like runPhase, but every delivery is kept with its
 * parts (epoch ms throughout).
 * @param {any} target
 * @param {any[]} clients
 */
async function tracedPhase(target, clients) {
  const senders = clients.slice(0, A.senders);
  const prefix = `${runTag}-s${Math.random().toString(36).slice(2, 8)}-`;
  const planned = Math.round((A.rate * A.durationMs) / 1000);
  const sentAt = new Float64Array(planned);
  const ts = new Float64Array(planned);
  /** @type {number[][]} receipt times per message, one per listener */
  const got = Array.from({ length: planned }, () => []);
  const origin = performance.timeOrigin;
  let received = 0;
  clients.forEach((client) => {
    const one = (/** @type {string} */ text, /** @type {number} */ now) => {
      const m = readMessage(text);
      if (!m?.id.startsWith(prefix)) return;
      const idx = Number(m.id.slice(prefix.length));
      if (!ts[idx]) ts[idx] = JSON.parse(text).ts;
      /** @type {number[]} */ (got[idx]).push(origin + now);
      received++;
    };
    client.onText = (/** @type {string} */ text, /** @type {number} */ now) => {
      if (!text.startsWith('{"type":"batch"')) one(text, now);
      else for (const f of JSON.parse(text).frames) one(JSON.stringify(f), now);
    };
  });
  const lagHistogram = monitorEventLoopDelay({ resolution: 1 });
  lagHistogram.enable();
  const cpu = sampler(target);
  const t0 = performance.now();
  let sent = 0;
  await new Promise((resolve) => {
    const tick = () => {
      const due = Math.min(planned, Math.floor(((performance.now() - t0) * A.rate) / 1000) + 1);
      while (sent < due) {
        const sender = senders[sent % senders.length];
        sentAt[sent] = origin + performance.now();
        sender.ws.send(`{"type":"send","id":"${prefix}${sent}","text":"stall probe"}`);
        sent++;
      }
      if (sent >= planned) {
        clearInterval(timer);
        resolve(undefined);
      }
    };
    const timer = setInterval(tick, 2);
    tick();
  });
  const drainEnd = performance.now() + 5000;
  while (received < planned * clients.length && performance.now() < drainEnd) await sleep(10);
  cpu.stop();
  lagHistogram.disable();
  for (const c of clients) c.onText = () => {};
  return { sentAt, ts, got, cpu, lagMaxMs: lagHistogram.max / 1e6, planned, t0: origin + t0 };
}

/**
 * Takes a traced phase apart: the latency summary, and the stalls.
 * @param {Awaited<ReturnType<typeof tracedPhase>>} p
 * @param {string} output the runtime's output during the phase
 * @param {{at: number, fn: string, url: string}[] | null} profile the runtime's CPU profile
 */
function analyse(p, output, profile) {
  /** @type {number[]} */
  const all = [];
  let lost = 0;
  for (let i = 0; i < p.planned; i++) {
    const g = /** @type {number[]} */ (p.got[i]);
    for (const at of g) all.push(at - /** @type {number} */ (p.sentAt[i]));
    lost += Math.max(0, A.clients - g.length);
  }
  const s = summary(all);
  const p50 = s.p50 ?? 0;
  const limit = Math.max(STALL_FLOOR_MS, STALL_FACTOR * p50);
  /** @type {any[]} */
  const stalls = [];
  for (let i = 0; i < p.planned; i++) {
    const g = /** @type {number[]} */ (p.got[i]);
    if (g.length === 0) continue;
    const sent = /** @type {number} */ (p.sentAt[i]);
    const worst = Math.max(...g) - sent;
    if (worst <= limit) continue;
    const stamp = /** @type {number} */ (p.ts[i]);
    const last = stalls.at(-1);
    const part = {
      inMs: stamp - sent,
      // Out for the first listener and for the last: a room that stalls
      // holds every listener alike; a slow send loop or proxy spreads them.
      outFirstMs: Math.min(...g) - stamp,
      outLastMs: Math.max(...g) - stamp,
      worst,
    };
    if (last && sent - last.lastSent <= MERGE_MS) {
      last.lastSent = sent;
      last.messages++;
      if (worst > last.worst.worst) last.worst = part;
    } else {
      stalls.push({ firstSent: sent, lastSent: sent, messages: 1, worst: part });
    }
  }
  for (const st of stalls) {
    const from = st.firstSent;
    const to = st.firstSent + st.worst.worst;
    const samples = p.cpu.during(from, to);
    const mean = (/** @type {"runtime" | "proxy"} */ k) =>
      samples.length ? samples.reduce((x, y) => x + y[k], 0) / samples.length : null;
    st.atS = round((from - p.t0) / 1000);
    st.runtimeCpu = mean("runtime");
    st.proxyCpu = mean("proxy");
    st.generatorLagMaxMs = samples.length ? Math.max(...samples.map((x) => x.lag)) : null;
    if (profile) st.ran = whatRan(profile, from, to);
  }
  stalls.sort((a, b) => b.worst.worst - a.worst.worst);
  const logged = output
    .split("\n")
    .filter((l) => /"event":"/.test(l))
    .map((l) => /"event":"([a-z_]+)"/.exec(l)?.[1])
    .reduce((m, e) => m.set(e, (m.get(e) ?? 0) + 1), new Map());
  return {
    latencyMs: s,
    lost,
    stallLimitMs: round(limit),
    stalls: stalls.length,
    stalledMessages: stalls.reduce((n, x) => n + x.messages, 0),
    generatorLagMaxMs: round(p.lagMaxMs),
    runtimeEvents: Object.fromEntries(logged),
    ran: profile ? whatRan(profile, p.t0, p.t0 + 1e9) : null,
    worst: stalls.slice(0, 5).map((x) => ({
      atS: x.atS,
      spanMs: round(x.lastSent - x.firstSent),
      messages: x.messages,
      worstMs: round(x.worst.worst),
      inMs: round(x.worst.inMs),
      outFirstMs: round(x.worst.outFirstMs),
      outLastMs: round(x.worst.outLastMs),
      runtimeCpu: x.runtimeCpu === null ? null : round(x.runtimeCpu),
      proxyCpu: x.proxyCpu === null ? null : round(x.proxyCpu),
      generatorLagMaxMs: x.generatorLagMaxMs,
      ran: x.ran ?? null,
    })),
  };
}

/**
 * The server a target runs on: "worker" and "worker-v1" are one worker
 * process, its clients joining with v 2 (batched) or v 1 (never batched).
 * @param {string} name
 */
const serverOf = (name) => (name === "worker-v1" ? "worker" : name);

/** @param {string} name */
function start(name) {
  if (name === "worker") return startWorker(undefined, "worker", workerVars);
  if (name === "floor") return startFloor(false);
  if (name === "floor+sql") return startFloor(true);
  throw new Error(`unknown target ${name}`);
}

/**
 * `--busy=N`: N processes that spin on the CPU for the whole run, as other
 * work on a shared machine does (the issue's slow runs were made beside
 * other sessions' work). Each is a plain Node loop.
 */
const BUSY = Number(arg("busy") ?? 0);
const spinners = Array.from({ length: BUSY }, () =>
  spawn(process.execPath, ["-e", "for(;;){}"], { stdio: "ignore" }),
);

const results = {
  at: new Date().toISOString(),
  quick,
  busy: BUSY,
  workerVars,
  plan: A,
  load: loadAverage(),
  /** @type {Record<string, any[]>} */
  runs: {},
};
/** @type {Map<string, any>} */
const servers = new Map();
try {
  for (const name of TARGETS) {
    if (servers.has(serverOf(name))) continue;
    say(`starting ${serverOf(name)}`);
    servers.set(serverOf(name), await start(serverOf(name)));
  }
  for (let run = 1; run <= RUNS; run++) {
    for (const name of TARGETS) {
      const t = servers.get(serverOf(name));
      await settle(t, quick ? 3000 : 10_000);
      say(`run ${run}: ${name} (load ${loadAverage()[0]})`);
      const v = name === "worker-v1" ? undefined : 2;
      const clients = await openRoom(t, `bench-stall-${runTag}-${name}-${run}`, A.clients, 25, v);
      try {
        await runPhase(t, clients, clients.slice(0, A.senders), A.rate, A.warmupMs, 2000);
        const before = t.output?.() ?? "";
        const insp = PROFILE ? await openInspector(t.inspectorPort) : null;
        const profiledAt = insp ? await startProfile(insp) : 0;
        const p = await tracedPhase(t, clients);
        const profile = insp ? await stopProfile(insp, profiledAt) : null;
        insp?.close();
        const after = t.output?.() ?? "";
        const r = analyse(p, after.slice(before.length), profile);
        results.runs[name] ??= [];
        results.runs[name].push({ run, load: loadAverage()[0], ...r });
        say(
          `  p50 ${r.latencyMs.p50} p99 ${r.latencyMs.p99} max ${r.latencyMs.max} ms; ${r.stalls} stalls`,
        );
      } finally {
        await closeAll(clients);
      }
    }
  }
} finally {
  for (const s of spinners) s.kill();
  await Promise.all([...servers.values()].map((t) => t.dispose()));
}

for (const [name, runs] of Object.entries(results.runs)) {
  console.log(`\n## ${name}`);
  console.log("| run | load | p50 | p99 | max | stalls (msgs) | gen. lag max |");
  console.log("|---|---|---|---|---|---|---|");
  for (const r of /** @type {any[]} */ (runs))
    console.log(
      `| ${r.run} | ${r.load} | ${r.latencyMs.p50} | ${r.latencyMs.p99} | ${r.latencyMs.max} | ${r.stalls} (${r.stalledMessages}) | ${r.generatorLagMaxMs} |`,
    );
  console.log(
    "\nworst stalls: run, at s, worst ms = in + out(first..last), CPU runtime/proxy, gen. lag",
  );
  for (const r of /** @type {any[]} */ (runs))
    for (const w of r.worst.slice(0, 3))
      console.log(
        `- run ${r.run} at ${w.atS} s: ${w.worstMs} ms = ${w.inMs} + ${w.outFirstMs}..${w.outLastMs}; ${w.messages} msgs over ${w.spanMs} ms; CPU ${w.runtimeCpu}/${w.proxyCpu}; lag ${w.generatorLagMaxMs}${w.ran ? `; ran ${JSON.stringify(w.ran.share)} ${w.ran.top.join(", ")}` : ""}`,
      );
  for (const r of /** @type {any[]} */ (runs))
    if (r.ran)
      console.log(
        `- run ${r.run}, whole phase: ran ${JSON.stringify(r.ran.share)} ${r.ran.top.join(", ")}`,
      );
}
const dir = join(root, "bench", "results");
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, "stalls-latest.json"), `${JSON.stringify(results, null, 2)}\n`);
say("wrote bench/results/stalls-latest.json");
