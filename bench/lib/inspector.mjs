// A CPU profile of the runtime through wrangler dev's DevTools inspector
// (the Chrome DevTools Protocol's Profiler domain, which workerd serves):
// bench/stalls.mjs samples the room's isolate during a run and asks what
// was on its thread at the moments of the slowest deliveries: the room's
// code, the runtime's own work, garbage collection, or nothing (idle).
import WebSocket from "ws";

/**
 * Connects to the inspector of a `wrangler dev` on `port` (its first target:
 * the worker, with its Durable Objects in the same isolate).
 * @param {number} port
 */
export async function openInspector(port) {
  const list = /** @type {{webSocketDebuggerUrl: string}[]} */ (
    await (await fetch(`http://127.0.0.1:${port}/json`)).json()
  );
  const url = list[0]?.webSocketDebuggerUrl;
  if (!url) throw new Error(`no inspector target on port ${port}`);
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  let next = 0;
  /** @type {Map<number, (msg: any) => void>} */
  const pending = new Map();
  ws.on("message", (data) => {
    const msg = JSON.parse(data.toString());
    if (typeof msg.id === "number") pending.get(msg.id)?.(msg);
  });
  /**
   * @param {string} method
   * @param {object} [params]
   * @returns {Promise<any>}
   */
  const call = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = ++next;
      const timer = setTimeout(() => reject(new Error(`${method}: no answer`)), 30_000);
      pending.set(id, (msg) => {
        clearTimeout(timer);
        pending.delete(id);
        if (msg.error) reject(new Error(`${method}: ${msg.error.message}`));
        else resolve(msg.result);
      });
      ws.send(JSON.stringify({ id, method, params }));
    });
  return { call, close: () => ws.close() };
}

/**
 * Starts sampling; the answer's arrival stands for the profile's start on
 * the machine's clock (epoch ms), within a millisecond on loopback.
 * @param {Awaited<ReturnType<typeof openInspector>>} insp
 * @param {number} intervalUs
 */
export async function startProfile(insp, intervalUs = 250) {
  await insp.call("Profiler.enable");
  await insp.call("Profiler.setSamplingInterval", { interval: intervalUs });
  await insp.call("Profiler.start");
  return Date.now();
}

/**
 * Stops sampling and returns the samples on the epoch clock, each with the
 * function it was in ("(garbage collector)", "(idle)" and "(program)" are
 * V8's names for those).
 * @param {Awaited<ReturnType<typeof openInspector>>} insp
 * @param {number} startedAt epoch ms from startProfile
 * @returns {Promise<{at: number, fn: string, url: string}[]>}
 */
export async function stopProfile(insp, startedAt) {
  const { profile } = await insp.call("Profiler.stop");
  /** @type {Map<number, {fn: string, url: string}>} */
  const nodes = new Map();
  for (const n of profile.nodes)
    nodes.set(n.id, { fn: n.callFrame.functionName || "(anonymous)", url: n.callFrame.url });
  const out = [];
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    const node = nodes.get(profile.samples[i]) ?? { fn: "?", url: "" };
    out.push({ at: startedAt + (t - profile.startTime) / 1000, ...node });
  }
  return out;
}

/**
 * What the samples in [from, to] were doing: the share of each kind (idle;
 * garbage collection; "program", the runtime's own work outside JavaScript;
 * "js", the worker's code, roomchat's and its libraries', one bundle under
 * wrangler dev) and the functions seen most.
 * @param {{at: number, fn: string, url: string}[]} samples
 * @param {number} from
 * @param {number} to
 */
export function whatRan(samples, from, to) {
  const inside = samples.filter((s) => s.at >= from && s.at <= to);
  /** @type {Record<string, number>} */
  const kinds = { idle: 0, gc: 0, program: 0, js: 0 };
  /** @type {Map<string, number>} */
  const fns = new Map();
  for (const s of inside) {
    const kind =
      s.fn === "(idle)"
        ? "idle"
        : s.fn === "(garbage collector)"
          ? "gc"
          : s.fn === "(program)" || s.fn === "(root)"
            ? "program"
            : "js";
    kinds[kind] = (kinds[kind] ?? 0) + 1;
    if (kind === "js") fns.set(s.fn, (fns.get(s.fn) ?? 0) + 1);
  }
  const n = inside.length || 1;
  return {
    samples: inside.length,
    share: Object.fromEntries(
      Object.entries(kinds).map(([k, v]) => [k, Math.round((100 * v) / n) / 100]),
    ),
    top: [...fns.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4)
      .map(([fn, c]) => `${fn} ${c}`),
  };
}
