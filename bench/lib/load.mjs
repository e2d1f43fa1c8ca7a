// The load generator: protocol clients on the `ws` package and the five
// scenarios (A fan-out, B saturation, C idle, D join storm, E catch-up), each
// run against a Target, the same code for the worker and the baseline.
//
// One clock: every latency is `performance.now()` at the receipt minus
// `performance.now()` at the send, both in this process. The generator shares
// the machine's cores with the server, so it is kept cheap: a `message` frame
// is read with string operations instead of JSON.parse, and the sends are
// prebuilt strings.
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import WebSocket from "ws";
import { cpuSince, cpuSnapshot, rssKiB } from "./proc.mjs";
import { round, sleep, summary } from "./stats.mjs";

/**
 * @typedef {object} Target
 * @property {string} name
 * @property {string} url
 * @property {(room: string) => string} wsUrl
 * @property {() => number[]} pids every process of the server
 * @property {() => number[]} runtimePids the process(es) that run the room (memory is read there)
 * @property {() => Promise<void>} [gc] a full garbage collection, where the server offers one
 * @property {number} [v] the protocol version its clients announce in A, B and D (none: 1);
 *   the worker with `v: 2` may batch (issue 17), with none it never does
 */

/**
 * @typedef {object} Client
 * @property {WebSocket} ws
 * @property {string} name
 * @property {(text: string, now: number) => void} onText swapped by each phase
 * @property {Promise<void>} closed
 */

export const runTag = randomBytes(6).toString("hex");
/** A message text of a realistic size (about 90 bytes). */
export const TEXT =
  "benchmark message: the quick brown fox jumps over the lazy dog, 0123456789 abcdefghijklmn";
const MESSAGE_PREFIX = '{"type":"message","seq":';
/** (v2) A `batch` frame, which a client that joined with `v: 2` may get. */
const BATCH_PREFIX = '{"type":"batch"';

/**
 * Reads seq and id from a `message` frame as both servers write it (keys in
 * the order type, seq, id); anything else gives null.
 * @param {string} text
 */
export function readMessage(text) {
  if (!text.startsWith(MESSAGE_PREFIX)) return null;
  const comma = text.indexOf(",", MESSAGE_PREFIX.length);
  if (comma < 0 || !text.startsWith('"id":"', comma + 1)) return null;
  const idStart = comma + 7;
  return {
    seq: Number(text.slice(MESSAGE_PREFIX.length, comma)),
    id: text.slice(idStart, text.indexOf('"', idStart)),
  };
}

/**
 * Opens a socket, bounded by a timeout.
 * @param {string} url
 * @param {number} [timeoutMs]
 * @returns {Promise<Client>}
 */
export function connect(url, timeoutMs = 30_000) {
  return new Promise((resolve, reject) => {
    // Compression is offered, as browsers do; every server here declines it.
    const ws = new WebSocket(url);
    /** @type {Client} */
    const client = {
      ws,
      name: "",
      onText: () => {},
      closed: new Promise((r) => ws.once("close", () => r())),
    };
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`connect timed out: ${url}`));
    }, timeoutMs);
    ws.on("message", (data, isBinary) => {
      if (!isBinary) client.onText(data.toString(), performance.now());
    });
    ws.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    ws.once("open", () => {
      clearTimeout(timer);
      ws.on("error", () => {}); // later errors show up as a close
      resolve(client);
    });
  });
}

/**
 * Sends `join` and waits for `welcome`.
 * @param {Client} client
 * @param {string} name
 * @param {number} [since]
 * @param {number} [timeoutMs]
 * @param {number} [v] the protocol version to announce (none: version 1)
 * @returns {Promise<{welcome: any, ms: number}>}
 */
export function join(client, name, since, timeoutMs = 30_000, v) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const timer = setTimeout(() => reject(new Error(`no welcome for ${name}`)), timeoutMs);
    client.onText = (text, now) => {
      if (!text.startsWith('{"type":"welcome"')) {
        if (text.startsWith('{"type":"error"')) {
          clearTimeout(timer);
          reject(new Error(`join refused: ${text}`));
        }
        return;
      }
      clearTimeout(timer);
      client.onText = () => {};
      client.name = name;
      resolve({ welcome: JSON.parse(text), ms: now - t0 });
    };
    /** @type {{type: "join", name: string, since?: number, v?: number}} */
    const frame = { type: "join", name };
    if (since !== undefined) frame.since = since;
    if (v !== undefined) frame.v = v;
    client.ws.send(JSON.stringify(frame));
  });
}

/**
 * Opens `n` joined clients in one room, `batch` at a time (so that the setup
 * is not itself a join storm).
 * @param {Target} target
 * @param {string} room
 * @param {number} n
 * @param {number} [batch]
 * @param {number} [v] the protocol version the clients announce (none: version 1)
 */
export async function openRoom(target, room, n, batch = 25, v) {
  /** @type {Client[]} */
  const clients = [];
  try {
    for (let i = 0; i < n; i += batch) {
      const group = await Promise.all(
        Array.from({ length: Math.min(batch, n - i) }, async (_, j) => {
          const c = await connect(target.wsUrl(room));
          await join(c, `user${i + j}`, undefined, 30_000, v);
          return c;
        }),
      );
      clients.push(...group);
    }
  } catch (err) {
    await closeAll(clients);
    throw err;
  }
  return clients;
}

/**
 * Leaves politely (so that the worker deletes the sessions instead of keeping
 * them away for the grace period), then terminates what has not closed in 10 s.
 * @param {Client[]} clients
 */
export async function closeAll(clients) {
  for (const c of clients) {
    c.onText = () => {};
    if (c.ws.readyState === WebSocket.OPEN) c.ws.send('{"type":"leave"}');
  }
  await Promise.race([Promise.all(clients.map((c) => c.closed)), sleep(10_000)]);
  for (const c of clients) c.ws.terminate();
}

/**
 * Waits until the server is idle: less than 5% of a core over 500 ms, or the timeout.
 * @param {Target} target
 * @param {number} timeoutMs
 */
export async function settle(target, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const snap = cpuSnapshot(target.pids());
    await sleep(500);
    if (cpuSince(snap) <= 25) return;
  }
}

let phaseNo = 0;

/**
 * One phase of steady load: `rate` messages per second in all, spread round
 * robin over `senders`, for `durationMs` (open loop: the schedule does not
 * wait for echoes), then up to `drainMs` for the last deliveries. Every
 * client checks each message of the phase: lost (never seen), duplicated,
 * out of order (a seq below one it already saw).
 * @param {Target} target
 * @param {Client[]} clients
 * @param {Client[]} senders
 * @param {number} rate
 * @param {number} durationMs
 * @param {number} drainMs
 */
export async function runPhase(target, clients, senders, rate, durationMs, drainMs) {
  const prefix = `${runTag}-${++phaseNo}-`;
  const planned = Math.max(1, Math.round((rate * durationMs) / 1000));
  const sentAt = new Float64Array(planned);
  const refused = new Uint8Array(planned);
  /** @type {number[]} */
  const latencies = [];
  let received = 0;
  let duplicated = 0;
  let reordered = 0;
  let refusedCount = 0;
  let lastReceiptAt = 0;
  const seen = clients.map(() => new Uint8Array(planned));
  clients.forEach((client, ci) => {
    const mine = /** @type {Uint8Array} */ (seen[ci]);
    let lastSeq = 0;
    const one = (/** @type {string} */ text, /** @type {number} */ now) => {
      const m = readMessage(text);
      if (!m) {
        if (text.startsWith('{"type":"error"')) {
          const e = JSON.parse(text);
          if (typeof e.id === "string" && e.id.startsWith(prefix)) {
            const idx = Number(e.id.slice(prefix.length));
            if (!refused[idx]) refusedCount++;
            refused[idx] = 1;
          }
        }
        return;
      }
      if (!m.id.startsWith(prefix)) return; // a late delivery of an earlier phase
      const idx = Number(m.id.slice(prefix.length));
      if (mine[idx]) {
        duplicated++;
        return;
      }
      mine[idx] = 1;
      received++;
      if (m.seq < lastSeq) reordered++;
      lastSeq = Math.max(lastSeq, m.seq);
      latencies.push(now - /** @type {number} */ (sentAt[idx]));
      lastReceiptAt = now;
    };
    // (v2) A batch is its frames, one by one, received at the same moment.
    client.onText = (text, now) => {
      if (!text.startsWith(BATCH_PREFIX)) one(text, now);
      else for (const f of JSON.parse(text).frames) one(JSON.stringify(f), now);
    };
  });

  const cpuBefore = cpuSnapshot(target.pids());
  const runtimePids = target.runtimePids().join(",");
  const runtimeBefore = cpuSnapshot(target.runtimePids());
  const genBefore = process.cpuUsage();
  const t0 = performance.now();
  let sent = 0;
  await new Promise((resolve) => {
    const tick = () => {
      const due = Math.min(planned, Math.floor(((performance.now() - t0) * rate) / 1000) + 1);
      while (sent < due) {
        const sender = /** @type {Client} */ (senders[sent % senders.length]);
        sentAt[sent] = performance.now();
        sender.ws.send(`{"type":"send","id":"${prefix}${sent}","text":"${TEXT}"}`);
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
  const sendMs = performance.now() - t0;
  const drainEnd = performance.now() + drainMs;
  while (received < (planned - refusedCount) * clients.length && performance.now() < drainEnd) {
    await sleep(10);
  }
  const windowMs = (lastReceiptAt || performance.now()) - t0;
  const serverCpuMs = cpuSince(cpuBefore);
  const runtimeCpuMs = cpuSince(runtimeBefore);
  const gen = process.cpuUsage(genBefore);
  for (const c of clients) c.onText = () => {};

  let lost = 0;
  for (const mine of seen) {
    for (let i = 0; i < planned; i++) if (!mine[i] && !refused[i]) lost++;
  }
  return {
    rate,
    clients: clients.length,
    senders: senders.length,
    messages: planned,
    sendRate: round((planned / sendMs) * 1000),
    deliveries: received,
    deliveriesPerSec: round((received / windowMs) * 1000),
    windowMs: round(windowMs),
    latencyMs: summary(latencies),
    lost,
    duplicated,
    reordered,
    refused: refusedCount,
    // A runtime that restarted (a crash, or wrangler reloading changed
    // sources) drops every socket: the phase's losses are then not the room's.
    runtimeRestarted: target.runtimePids().join(",") !== runtimePids,
    serverCpuMs: round(serverCpuMs),
    runtimeCpuMs: round(runtimeCpuMs),
    cpuUsPerDelivery: received ? round((serverCpuMs * 1000) / received) : null,
    runtimeCpuUsPerDelivery: received ? round((runtimeCpuMs * 1000) / received) : null,
    serverCpuShare: round(serverCpuMs / windowMs),
    generatorCpuShare: round((gen.user + gen.system) / 1000 / windowMs),
  };
}

/**
 * A: fan-out at a fixed load.
 * @param {Target} target
 * @param {{clients: number, senders: number, rate: number, warmupMs: number, durationMs: number}} o
 */
export async function fanOut(target, o) {
  const clients = await openRoom(target, `bench-a-${runTag}`, o.clients, 25, target.v);
  try {
    // What the server burns doing nothing (wrangler's tooling polls, timers
    // tick), so that the reader can tell it from the cost of the messages.
    await settle(target, 5000);
    const idleSnap = cpuSnapshot(target.pids());
    await sleep(2000);
    const idleCpuShare = cpuSince(idleSnap) / 2000;
    await runPhase(target, clients, clients.slice(0, o.senders), o.rate, o.warmupMs, 2000);
    const r = await runPhase(
      target,
      clients,
      clients.slice(0, o.senders),
      o.rate,
      o.durationMs,
      5000,
    );
    const net = r.serverCpuMs - idleCpuShare * r.windowMs;
    return {
      ...r,
      idleCpuShare: round(idleCpuShare),
      netCpuUsPerDelivery: r.deliveries ? round((Math.max(0, net) * 1000) / r.deliveries) : null,
    };
  } finally {
    await closeAll(clients);
  }
}

/**
 * B: the rate raised step by step until p99 passes `p99LimitMs` or anything
 * is lost; the highest step held.
 * @param {Target} target
 * @param {{clients: number, senders: number, rates: number[], warmupMs: number, stepMs: number, p99LimitMs: number}} o
 */
export async function saturation(target, o) {
  const clients = await openRoom(target, `bench-b-${runTag}`, o.clients, 25, target.v);
  /** @type {Awaited<ReturnType<typeof runPhase>>[]} */
  const steps = [];
  /** @type {Awaited<ReturnType<typeof runPhase>> | null} */
  let held = null;
  let stoppedBy = "last step";
  try {
    // A warm-up at the first rate, not counted: the first frames after the
    // joins pay for compiling the hot paths, in both servers.
    await runPhase(
      target,
      clients,
      clients.slice(0, o.senders),
      o.rates[0] ?? 50,
      o.warmupMs,
      2000,
    );
    for (const rate of o.rates) {
      const step = await runPhase(
        target,
        clients,
        clients.slice(0, o.senders),
        rate,
        o.stepMs,
        3000,
      );
      steps.push(step);
      const p99 = step.latencyMs.p99 ?? Number.POSITIVE_INFINITY;
      if (p99 > o.p99LimitMs || step.lost > 0 || step.refused > 0) {
        stoppedBy = `p99 ${p99} ms, lost ${step.lost}, refused ${step.refused} at ${rate} msg/s`;
        break;
      }
      held = step;
      // Let the queues empty so that one step's backlog does not count against the next.
      await settle(target, 3000);
    }
  } finally {
    await closeAll(clients);
  }
  // Deliveries per CPU-second of the runtime, over the steps held (over all
  // of them when none was: a busy machine can fail the first step).
  const ok = (/** @type {(typeof steps)[number]} */ s) =>
    (s.latencyMs.p99 ?? Number.POSITIVE_INFINITY) <= o.p99LimitMs && s.lost + s.refused === 0;
  const kept = steps.some(ok) ? steps.filter(ok) : steps;
  const deliveries = kept.reduce((n, s) => n + s.deliveries, 0);
  const cpuMs = kept.reduce((n, s) => n + s.runtimeCpuMs, 0);
  return {
    deliveriesPerCpuSecond: cpuMs ? round((deliveries / cpuMs) * 1000) : null,
    heldRate: held?.rate ?? 0,
    heldDeliveriesPerSec: held?.deliveriesPerSec ?? 0,
    stoppedBy,
    steps,
  };
}

/**
 * C: `n` joined clients held still; the resident memory the runtime gained per
 * connection, right after the joins and, if `idleMs`, after that long idle
 * (time for `wrangler dev` to hibernate the room).
 * @param {Target} target
 * @param {{clients: number, idleMs: number}} o
 */
export async function idle(target, o) {
  const sum = (/** @type {number[]} */ pids) => pids.reduce((s, p) => s + rssKiB(p), 0);
  // A small room first, so that code and tables the first connections need
  // once per process are not counted per connection.
  await closeAll(await openRoom(target, `bench-c0-${runTag}`, 20));
  await settle(target, 5000);
  await target.gc?.();
  const runtimeBefore = sum(target.runtimePids());
  const allBefore = sum(target.pids());
  const clients = await openRoom(target, `bench-c-${runTag}`, o.clients, 50);
  try {
    await settle(target, 5000);
    await target.gc?.();
    const runtimeJoined = sum(target.runtimePids());
    const allJoined = sum(target.pids());
    let runtimeIdle = null;
    if (o.idleMs > 0) {
      await sleep(o.idleMs);
      await target.gc?.();
      runtimeIdle = sum(target.runtimePids());
    }
    const per = (/** @type {number} */ kib) => round(kib / o.clients);
    return {
      clients: o.clients,
      runtimeRssBeforeKiB: runtimeBefore,
      runtimeRssJoinedKiB: runtimeJoined,
      runtimeKiBPerConn: per(runtimeJoined - runtimeBefore),
      allProcessesKiBPerConn: per(allJoined - allBefore),
      runtimeRssAfterIdleKiB: runtimeIdle,
      runtimeKiBPerConnAfterIdle: runtimeIdle === null ? null : per(runtimeIdle - runtimeBefore),
      idleMs: o.idleMs,
    };
  } finally {
    await closeAll(clients);
  }
}

/**
 * D: `n` clients connect and join at once; the time until the last welcome,
 * and each one's connect-to-welcome latency.
 * @param {Target} target
 * @param {{clients: number}} o
 */
export async function joinStorm(target, o) {
  const room = `bench-d-${runTag}`;
  /** @type {Client[]} */
  const clients = [];
  const cpuBefore = cpuSnapshot(target.pids());
  const t0 = performance.now();
  const results = await Promise.allSettled(
    Array.from({ length: o.clients }, async (_, i) => {
      const start = performance.now();
      const c = await connect(target.wsUrl(room), 60_000);
      clients.push(c);
      await join(c, `storm${i}`, undefined, 60_000, target.v);
      return performance.now() - start;
    }),
  );
  const allMs = performance.now() - t0;
  const serverCpuMs = cpuSince(cpuBefore);
  await closeAll(clients);
  /** @type {number[]} */
  const latencies = [];
  const failures = [];
  for (const r of results) {
    if (r.status === "fulfilled") latencies.push(r.value);
    else failures.push(String(r.reason?.message ?? r.reason));
  }
  return {
    clients: o.clients,
    welcomed: latencies.length,
    allWelcomedMs: failures.length ? null : round(allMs),
    joinLatencyMs: summary(latencies),
    serverCpuMs: round(serverCpuMs),
    failures: failures.slice(0, 5),
  };
}

/**
 * E: catch-up. A room is filled with `history` messages; then, `joins` times,
 * a new client joins with `since` 200 messages back (from its `join` to the
 * welcome, on an open socket), and `pages` times one page of 100 is read over
 * HTTP before a random seq.
 * @param {Target} target
 * @param {{history: number, joins: number, pages: number}} o
 */
export async function catchUp(target, o) {
  const room = `bench-e-${runTag}`;
  const [writer] = await openRoom(target, room, 1);
  if (!writer) throw new Error("no writer");
  let seq = 0;
  try {
    // Filled in batches of 50, each acknowledged, so that nothing is refused or outrun.
    for (let i = 0; i < o.history; i += 50) {
      const n = Math.min(50, o.history - i);
      await new Promise((resolve, reject) => {
        let got = 0;
        const timer = setTimeout(() => reject(new Error("history fill timed out")), 30_000);
        writer.onText = (text) => {
          const m = readMessage(text);
          if (!m) return;
          seq = Math.max(seq, m.seq);
          if (++got === n) {
            clearTimeout(timer);
            resolve(undefined);
          }
        };
        for (let j = 0; j < n; j++) {
          writer.ws.send(`{"type":"send","id":"${runTag}-fill-${i + j}","text":"${TEXT}"}`);
        }
      });
    }
  } finally {
    await closeAll([writer]);
  }

  /** @type {number[]} */
  const joinMs = [];
  let welcomedMessages = 0;
  for (let i = 0; i < o.joins; i++) {
    const c = await connect(target.wsUrl(room));
    try {
      const { welcome, ms } = await join(c, `reader${i}`, seq - 200);
      joinMs.push(ms);
      welcomedMessages = welcome.messages.length;
    } finally {
      await closeAll([c]);
    }
  }

  /** @type {number[]} */
  const pageMs = [];
  let pageSize = 0;
  for (let i = 0; i < o.pages; i++) {
    const before = 101 + Math.floor(Math.random() * (seq - 100));
    const t0 = performance.now();
    const res = await fetch(`${target.url}/api/rooms/${room}/messages?before=${before}&limit=100`, {
      signal: AbortSignal.timeout(10_000),
    });
    const body = /** @type {{messages: unknown[]}} */ (await res.json());
    pageMs.push(performance.now() - t0);
    if (!res.ok) throw new Error(`paging answered ${res.status}`);
    pageSize = body.messages.length;
  }
  return {
    history: seq,
    joins: o.joins,
    welcomeMessages: welcomedMessages,
    joinWithSinceMs: summary(joinMs),
    pages: o.pages,
    pageSize,
    pageMs: summary(pageMs),
  };
}
