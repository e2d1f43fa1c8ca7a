// Scenario M, the changes mix (protocol v2, issue 13): what an `edit` or a
// `react` costs the room compared with a `send`. In one room of scenario A's
// size and rate, phases of plain sends and phases of a seeded mix (70%
// sends, 20% reaction toggles on recent messages, 10% edits of the sender's
// own recent messages) alternate, so that a drift of the machine's load hits
// both alike; then a micro-measurement: one person alone in a room sends
// N messages, N reaction toggles on one message and N edits of one message,
// each as fast as the room answers. Only the worker runs it: the baseline and
// the floor speak no v2.
//
// Every change is a real one (a toggle flips what its sender holds, an edit
// sets a new text), so that it takes a rate token and a rev, is stored and
// goes to everyone as `update`; a change that changed nothing would be
// answered to its sender alone and measure nothing.
//
// Matching an `update` to the change it answers: an update carries the whole
// message, not the change, so the generator lets at most one change per
// message be unanswered at a time. A message with a change in flight is not a
// target until its sender has seen that change's update (or its error); the
// room then handles the changes of one message in the order they were sent,
// and every listener sees them in that order: a listener's k-th update of a
// message is the k-th change of that message that was not refused.
import { performance } from "node:perf_hooks";
import { closeAll, connect, join, openRoom, readMessage, runTag, settle, TEXT } from "./load.mjs";
import { cpuSince, cpuSnapshot } from "./proc.mjs";
import { round, sleep, summary } from "./stats.mjs";

/** @typedef {import("./load.mjs").Target} Target */
/** @typedef {import("./load.mjs").Client} Client */

/**
 * @typedef {object} MixPlan
 * @property {number} clients people in the room, every one a listener
 * @property {number} senders those who also send and change
 * @property {number} rate operations per second, all senders together
 * @property {number} warmupMs a mix phase first, not counted
 * @property {number} phaseMs each measured phase
 * @property {("plain" | "mix")[]} order the measured phases (ABBA in a full run)
 * @property {{react: number, edit: number}} shares of the mix's operations; the rest are sends
 * @property {number} seed of the generator that picks each operation
 * @property {number} microOps operations of each kind in the micro-measurement
 * @property {number} microRounds rounds of the three kinds, interleaved
 */

const UPDATE_PREFIX = '{"type":"update","message":{"seq":';
const EMOJI = ["👍", "❤️", "😂", "🎉", "👀"];
/** The targets of a reaction: the room's newest messages. */
const RECENT = 20;
/** The targets of an edit: the sender's own newest messages. */
const OWN_RECENT = 5;

/** @param {number[]} xs */
const median = (xs) => {
  const s = xs.toSorted((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return round(s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2);
};

/**
 * A small seeded generator (mulberry32): the same seed, the same mix, in
 * every run.
 * @param {number} seed
 */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The seq of an `update` frame as the room writes it (the message's keys in
 * the order seq, id, …), read with string operations like `readMessage`.
 * @param {string} text
 */
function readUpdateSeq(text) {
  if (!text.startsWith(UPDATE_PREFIX)) return null;
  const end = text.indexOf(",", UPDATE_PREFIX.length);
  return end < 0 ? null : Number(text.slice(UPDATE_PREFIX.length, end));
}

/**
 * Frames one by one, a v2 `batch` unfolded (the room may batch what it
 * sends to a connection that joined with v 2).
 * @param {string} text
 * @param {(text: string) => void} each
 */
function unbatch(text, each) {
  if (!text.startsWith('{"type":"batch"')) {
    each(text);
    return;
  }
  for (const f of JSON.parse(text).frames) each(JSON.stringify(f));
}

const SEND = 0;
const REACT = 1;
const EDIT = 2;
const KIND_NAMES = ["send", "react", "edit"];

/**
 * What the room's clients know across phases: the newest seqs of the room,
 * each sender's own newest, and the reactions each sender holds.
 */
function roomState(/** @type {number} */ senders) {
  return {
    /** @type {number[]} */
    recent: [],
    /** @type {number[][]} */
    own: Array.from({ length: senders }, () => []),
    /** @type {Set<string>[]} `${seq} ${emoji}` held, by sender */
    held: Array.from({ length: senders }, () => new Set()),
  };
}

let phaseNo = 0;

/**
 * One phase: `rate` operations a second for `durationMs`, open loop, sender
 * after sender; each operation a send, or, with the shares of `mix`, a
 * reaction toggle or an edit (a send when no message is free to change).
 * Then up to `drainMs` for the last deliveries. Latency is from the frame
 * sent to its `message` or `update` at each listener, the sender included.
 * @param {Target} target
 * @param {Client[]} clients
 * @param {number} senderCount the first clients send
 * @param {ReturnType<typeof roomState>} state
 * @param {{rate: number, durationMs: number, drainMs: number, react: number, edit: number, seed: number}} o
 */
async function mixPhase(target, clients, senderCount, state, o) {
  const phase = ++phaseNo;
  const prefix = `${runTag}-m${phase}-`;
  const draw = random(o.seed * 1000 + phase);
  const planned = Math.max(1, Math.round((o.rate * o.durationMs) / 1000));
  const kind = new Uint8Array(planned);
  const sender = new Uint16Array(planned);
  const sentAt = new Float64Array(planned);
  /** 0 unanswered, 1 answered (its update or message seen by its sender), 2 refused */
  const status = new Uint8Array(planned);
  /** The changes of each message, in the order they were sent. */
  /** @type {Map<number, number[]>} */
  const bySeq = new Map();
  /** Messages with a change not yet answered to its sender. */
  /** @type {Set<number>} */
  const busy = new Set();
  /** @type {number[][]} latency samples by kind */
  const lat = [[], [], []];
  let received = 0;
  let duplicated = 0;
  let unmatched = 0;
  let reordered = 0;
  let refusedCount = 0;
  let lastReceiptAt = 0;
  const seen = clients.map(() => new Uint8Array(planned));
  /** The message each change is about. */
  const targetOf = new Float64Array(planned);
  /** @type {(() => void)[]} what a refused reaction undoes in its sender's belief */
  const undo = [];

  /**
   * An op of this phase answered to its sender.
   * @param {number} op
   */
  const answered = (op) => {
    status[op] = 1;
    if (kind[op] !== SEND) busy.delete(/** @type {number} */ (targetOf[op]));
  };

  clients.forEach((client, ci) => {
    const mine = /** @type {Uint8Array} */ (seen[ci]);
    /** @type {Map<number, number>} this listener's next change of each message */
    const cursor = new Map();
    let lastSeq = 0;
    const one = (/** @type {string} */ text, /** @type {number} */ now) => {
      const m = readMessage(text);
      if (m) {
        if (ci === 0) {
          state.recent.push(m.seq);
          if (state.recent.length > RECENT) state.recent.shift();
        }
        if (!m.id.startsWith(prefix)) return; // a late delivery of an earlier phase
        const op = Number(m.id.slice(prefix.length));
        if (mine[op]) {
          duplicated++;
          return;
        }
        mine[op] = 1;
        received++;
        if (m.seq < lastSeq) reordered++;
        lastSeq = Math.max(lastSeq, m.seq);
        /** @type {number[]} */ (lat[SEND]).push(now - /** @type {number} */ (sentAt[op]));
        lastReceiptAt = now;
        if (sender[op] === ci) {
          const own = /** @type {number[]} */ (state.own[ci]);
          own.push(m.seq);
          if (own.length > OWN_RECENT) own.shift();
          answered(op);
        }
        return;
      }
      const seq = readUpdateSeq(text);
      if (seq !== null) {
        const ops = bySeq.get(seq);
        let at = cursor.get(seq) ?? 0;
        while (ops && at < ops.length && status[/** @type {number} */ (ops[at])] === 2) at++;
        const op = ops?.[at];
        if (op === undefined) {
          unmatched++; // an update of an earlier phase, or one too many
          return;
        }
        cursor.set(seq, at + 1);
        received++;
        /** @type {number[]} */ (lat[/** @type {number} */ (kind[op])]).push(
          now - /** @type {number} */ (sentAt[op]),
        );
        lastReceiptAt = now;
        if (sender[op] === ci) answered(op);
        return;
      }
      if (text.startsWith('{"type":"error"')) {
        const e = JSON.parse(text);
        // An error names the send's id or the change's seq; the one change
        // in flight on that seq is this sender's.
        let op = -1;
        if (typeof e.id === "string" && e.id.startsWith(prefix))
          op = Number(e.id.slice(prefix.length));
        else if (typeof e.seq === "number") {
          const ops = bySeq.get(e.seq);
          op = ops?.findLast((k) => sender[k] === ci && status[k] === 0) ?? -1;
        }
        if (op < 0 || status[op] === 2) return;
        status[op] = 2;
        refusedCount++;
        if (kind[op] !== SEND) {
          busy.delete(/** @type {number} */ (targetOf[op]));
          // What the sender believed it held is undone with the refusal.
          if (kind[op] === REACT) undo[op]?.();
        }
      }
    };
    client.onText = (text, now) => unbatch(text, (t) => one(t, now));
  });

  /**
   * A message of `list` with no change in flight, at random, or null.
   * @param {number[]} list
   */
  const pick = (list) => {
    const free = list.filter((s) => !busy.has(s));
    return free.length ? /** @type {number} */ (free[Math.floor(draw() * free.length)]) : null;
  };

  const cpuBefore = cpuSnapshot(target.pids());
  const runtimePids = target.runtimePids().join(",");
  const runtimeBefore = cpuSnapshot(target.runtimePids());
  const genBefore = process.cpuUsage();
  const t0 = performance.now();
  let sent = 0;
  await new Promise((resolve) => {
    const tick = () => {
      const due = Math.min(planned, Math.floor(((performance.now() - t0) * o.rate) / 1000) + 1);
      while (sent < due) {
        const op = sent++;
        const si = op % senderCount;
        const ws = /** @type {Client} */ (clients[si]).ws;
        const r = draw();
        let k = r < o.react ? REACT : r < o.react + o.edit ? EDIT : SEND;
        const seq =
          k === REACT
            ? pick(state.recent)
            : k === EDIT
              ? pick(/** @type {number[]} */ (state.own[si]))
              : null;
        if (seq === null) k = SEND;
        kind[op] = k;
        sender[op] = si;
        sentAt[op] = performance.now();
        if (k === SEND) {
          ws.send(`{"type":"send","id":"${prefix}${op}","text":"${TEXT}"}`);
          continue;
        }
        const s = /** @type {number} */ (seq);
        targetOf[op] = s;
        busy.add(s);
        const ops = bySeq.get(s);
        if (ops) ops.push(op);
        else bySeq.set(s, [op]);
        if (k === EDIT) {
          ws.send(`{"type":"edit","seq":${s},"text":"edit ${prefix}${op}: ${TEXT}"}`);
          continue;
        }
        const emoji = /** @type {string} */ (EMOJI[Math.floor(draw() * EMOJI.length)]);
        const held = /** @type {Set<string>} */ (state.held[si]);
        const key = `${s} ${emoji}`;
        const on = !held.has(key);
        if (on) held.add(key);
        else held.delete(key);
        undo[op] = () => (on ? held.delete(key) : held.add(key));
        ws.send(`{"type":"react","seq":${s},"emoji":"${emoji}","on":${on}}`);
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
  const drainEnd = performance.now() + o.drainMs;
  while (received < (planned - refusedCount) * clients.length && performance.now() < drainEnd) {
    await sleep(10);
  }
  const windowMs = (lastReceiptAt || performance.now()) - t0;
  const serverCpuMs = cpuSince(cpuBefore);
  const runtimeCpuMs = cpuSince(runtimeBefore);
  const gen = process.cpuUsage(genBefore);
  for (const c of clients) c.onText = () => {};

  const counts = [0, 0, 0];
  for (let i = 0; i < planned; i++) {
    const k = /** @type {number} */ (kind[i]);
    if (status[i] !== 2) counts[k] = (counts[k] ?? 0) + 1;
  }
  const accepted = planned - refusedCount;
  const deliveries = received;
  const result = {
    rate: o.rate,
    clients: clients.length,
    senders: senderCount,
    operations: planned,
    sendRate: round((planned / sendMs) * 1000),
    accepted: Object.fromEntries(KIND_NAMES.map((n, i) => [n, counts[i]])),
    deliveries,
    deliveriesPerSec: round((deliveries / windowMs) * 1000),
    windowMs: round(windowMs),
    latencyMs: summary(lat.flat()),
    messageLatencyMs: summary(/** @type {number[]} */ (lat[SEND])),
    updateLatencyMs: summary([
      .../** @type {number[]} */ (lat[REACT]),
      .../** @type {number[]} */ (lat[EDIT]),
    ]),
    reactLatencyMs: summary(/** @type {number[]} */ (lat[REACT])),
    editLatencyMs: summary(/** @type {number[]} */ (lat[EDIT])),
    lost: accepted * clients.length - deliveries,
    duplicated,
    unmatched,
    reordered,
    refused: refusedCount,
    runtimeRestarted: target.runtimePids().join(",") !== runtimePids,
    serverCpuMs: round(serverCpuMs),
    runtimeCpuMs: round(runtimeCpuMs),
    runtimeCpuUsPerOp: accepted ? round((runtimeCpuMs * 1000) / accepted) : null,
    serverCpuUsPerOp: accepted ? round((serverCpuMs * 1000) / accepted) : null,
    generatorCpuShare: round((gen.user + gen.system) / 1000 / windowMs),
  };
  // The samples, by kind, for the pooled percentiles; not in the results.
  return { result, samples: lat };
}

/** @typedef {Awaited<ReturnType<typeof mixPhase>>} Phase */

/**
 * The phases of one kind taken together: percentiles over all their
 * samples, counts and CPU summed.
 * @param {Phase[]} list
 */
function pool(list) {
  const phases = list.map((p) => p.result);
  const sum = (/** @type {(p: Phase["result"]) => number} */ f) =>
    phases.reduce((s, p) => s + f(p), 0);
  /** @param {number[]} kinds */
  const lat = (kinds) =>
    summary(list.flatMap((p) => kinds.flatMap((k) => /** @type {number[]} */ (p.samples[k]))));
  const accepted = { send: 0, react: 0, edit: 0 };
  for (const p of phases) {
    accepted.send += p.accepted.send ?? 0;
    accepted.react += p.accepted.react ?? 0;
    accepted.edit += p.accepted.edit ?? 0;
  }
  const ops = accepted.send + accepted.react + accepted.edit;
  const runtimeCpuMs = sum((p) => p.runtimeCpuMs);
  const serverCpuMs = sum((p) => p.serverCpuMs);
  return {
    phases: phases.length,
    accepted,
    deliveries: sum((p) => p.deliveries),
    deliveriesPerSec: round((sum((p) => p.deliveries) / sum((p) => p.windowMs)) * 1000),
    latencyMs: lat([SEND, REACT, EDIT]),
    messageLatencyMs: lat([SEND]),
    updateLatencyMs: lat([REACT, EDIT]),
    reactLatencyMs: lat([REACT]),
    editLatencyMs: lat([EDIT]),
    lost: sum((p) => p.lost),
    duplicated: sum((p) => p.duplicated),
    unmatched: sum((p) => p.unmatched),
    reordered: sum((p) => p.reordered),
    refused: sum((p) => p.refused),
    runtimeRestarted: phases.some((p) => p.runtimeRestarted),
    runtimeCpuMs: round(runtimeCpuMs),
    serverCpuMs: round(serverCpuMs),
    runtimeCpuUsPerOp: ops ? round((runtimeCpuMs * 1000) / ops) : null,
    serverCpuUsPerOp: ops ? round((serverCpuMs * 1000) / ops) : null,
  };
}

/**
 * The micro-measurement: one person alone in a fresh room (so that the
 * broadcast is one `ws.send` and what is left is the room's own work per
 * frame), `n` frames of one kind sent at once, timed from the first frame
 * sent to the last answer received; runtime CPU over the same time.
 * Reactions toggle one emoji on one message on and off, edits give one
 * message a new text each time: every one a real change.
 * @param {Target} target
 * @param {number} n
 * @param {number} rounds
 */
async function micro(target, n, rounds) {
  const room = `bench-m1-${runTag}`;
  const c = await connect(target.wsUrl(room));
  try {
    await join(c, "alone", undefined, 30_000, 2);
    /**
     * Sends the frames and waits for `n` answers (a `message` or `update`; an error counts too).
     * @param {(i: number) => string} frame
     */
    const burst = async (frame) => {
      let answers = 0;
      let errors = 0;
      /** @type {number} */
      let seq = 0;
      await settle(target, 5000);
      const runtime = cpuSnapshot(target.runtimePids());
      const t0 = performance.now();
      let t1 = t0;
      await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("micro-measurement timed out")), 120_000);
        c.onText = (text, now) =>
          unbatch(text, (t) => {
            const m = readMessage(t);
            if (m) seq = m.seq;
            else if (t.startsWith('{"type":"error"')) errors++;
            else if (!t.startsWith(UPDATE_PREFIX)) return;
            if (++answers === n) {
              t1 = now;
              clearTimeout(timer);
              resolve(undefined);
            }
          });
        for (let i = 0; i < n; i++) c.ws.send(frame(i));
      });
      const ms = t1 - t0;
      const cpuMs = cpuSince(runtime);
      c.onText = () => {};
      return { n, ms: round(ms), perSec: round((n / ms) * 1000), runtimeCpuMs: cpuMs, errors, seq };
    };
    /** @type {Record<string, Awaited<ReturnType<typeof burst>>[]>} */
    const out = { send: [], react: [], edit: [] };
    let changed = 0;
    let tag = 0;
    for (let r = 0; r < rounds; r++) {
      const sends = await burst(
        (i) => `{"type":"send","id":"${runTag}-m1-${r}-${i}","text":"${TEXT}"}`,
      );
      out.send?.push(sends);
      // The message changed: the newest, this person's own.
      changed = sends.seq;
      out.react?.push(
        await burst((i) => `{"type":"react","seq":${changed},"emoji":"👍","on":${i % 2 === 0}}`),
      );
      out.edit?.push(
        await burst(() => `{"type":"edit","seq":${changed},"text":"edit ${++tag}: ${TEXT}"}`),
      );
    }
    /** @param {Awaited<ReturnType<typeof burst>>[]} list */
    const total = (list) => {
      const ms = list.reduce((s, b) => s + b.ms, 0);
      const cpu = list.reduce((s, b) => s + b.runtimeCpuMs, 0);
      const ops = list.reduce((s, b) => s + b.n, 0);
      return {
        ops,
        // Medians of the bursts: a burst that met a spike of the machine's
        // load (other work on it) does not carry the figure.
        ms: median(list.map((b) => b.ms)),
        runtimeCpuUsPerOp: median(list.map((b) => (b.runtimeCpuMs * 1000) / b.n)),
        totalMs: round(ms),
        totalRuntimeCpuUsPerOp: round((cpu * 1000) / ops),
        errors: list.reduce((s, b) => s + b.errors, 0),
        bursts: list.map(({ seq: _, ...b }) => b),
      };
    };
    // Each round's change against the send just before it, then the
    // median over the rounds: neighbours in time share the machine's load.
    /**
     * @param {"react" | "edit"} k
     * @param {(b: Awaited<ReturnType<typeof burst>>) => number} get
     */
    const paired = (k, get) =>
      median(
        (out[k] ?? []).map(
          (b, r) => get(b) / get(/** @type {Awaited<ReturnType<typeof burst>>} */ (out.send?.[r])),
        ),
      );
    const time = (/** @type {Awaited<ReturnType<typeof burst>>} */ b) => b.ms;
    const cpu = (/** @type {Awaited<ReturnType<typeof burst>>} */ b) => b.runtimeCpuMs;
    return {
      n,
      rounds,
      send: total(out.send ?? []),
      react: total(out.react ?? []),
      edit: total(out.edit ?? []),
      reactVsSendTime: paired("react", time),
      editVsSendTime: paired("edit", time),
      reactVsSendCpu: paired("react", cpu),
      editVsSendCpu: paired("edit", cpu),
    };
  } finally {
    await closeAll([c]);
  }
}

/**
 * M: plain fan-out and the changes mix in one room, phases interleaved, then
 * the micro-measurement; the costs of a change relative to a send.
 * @param {Target} target
 * @param {MixPlan} o
 */
export async function changesMix(target, o) {
  const clients = await openRoom(target, `bench-m-${runTag}`, o.clients, 25, 2);
  const state = roomState(o.senders);
  const base = { rate: o.rate, seed: o.seed };
  /** @type {{kind: "plain" | "mix", phase: Phase}[]} */
  const phases = [];

  try {
    await settle(target, 5000);
    // The warm-up is a mix: it compiles both paths and gives the senders
    // messages of their own to edit.
    await mixPhase(target, clients, o.senders, state, {
      ...base,
      ...o.shares,
      durationMs: o.warmupMs,
      drainMs: 2000,
    });
    for (const k of o.order) {
      await settle(target, 5000);
      const shares = k === "plain" ? { react: 0, edit: 0 } : o.shares;
      const phase = await mixPhase(target, clients, o.senders, state, {
        ...base,
        ...shares,
        durationMs: o.phaseMs,
        drainMs: 5000,
      });
      phases.push({ kind: k, phase });
    }
  } finally {
    await closeAll(clients);
  }
  const plain = pool(phases.filter((p) => p.kind === "plain").map((p) => p.phase));
  const mix = pool(phases.filter((p) => p.kind === "mix").map((p) => p.phase));
  const small = await micro(target, o.microOps, o.microRounds);

  // CPU of a change, from the two kinds of phase: the mix's CPU less its
  // sends at the plain phases' cost per send, over its changes. The noise of
  // both phases lands on the changes, which are 30% of the mix.
  const changes = mix.accepted.react + mix.accepted.edit;
  const perSend = plain.runtimeCpuUsPerOp;
  const perChange =
    perSend !== null && changes
      ? round((mix.runtimeCpuMs * 1000 - mix.accepted.send * perSend) / changes)
      : null;
  /**
   * @param {number | null | undefined} a
   * @param {number | null | undefined} b
   */
  const ratio = (a, b) => (a == null || b == null || b === 0 ? null : round(a / b));
  return {
    plan: o,
    phases: phases.map((p) => ({ kind: p.kind, ...p.phase.result })),
    plain,
    mix,
    runtimeCpuUsPerChange: perChange,
    ratios: {
      // In the same phases: an update against a message at the listeners.
      updateVsMessageP50: ratio(mix.updateLatencyMs.p50, mix.messageLatencyMs.p50),
      updateVsMessageP90: ratio(mix.updateLatencyMs.p90, mix.messageLatencyMs.p90),
      updateVsMessageP99: ratio(mix.updateLatencyMs.p99, mix.messageLatencyMs.p99),
      // Does the mix slow the room: every operation of the mix against the plain phases.
      mixVsPlainP50: ratio(mix.latencyMs.p50, plain.latencyMs.p50),
      mixVsPlainP99: ratio(mix.latencyMs.p99, plain.latencyMs.p99),
      mixVsPlainDeliveriesPerSec: ratio(mix.deliveriesPerSec, plain.deliveriesPerSec),
      mixVsPlainCpuPerOp: ratio(mix.runtimeCpuUsPerOp, plain.runtimeCpuUsPerOp),
      cpuPerChangeVsSend: ratio(perChange, perSend),
      microReactVsSendTime: small.reactVsSendTime,
      microEditVsSendTime: small.editVsSendTime,
      microReactVsSendCpu: small.reactVsSendCpu,
      microEditVsSendCpu: small.editVsSendCpu,
    },
    micro: small,
  };
}
