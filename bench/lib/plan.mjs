// The benchmark's plans: the sizes of each scenario in a full run (for
// people) and a quick one (seconds, for CI). bench/run.mjs runs them;
// bench/floor-storage.mjs reuses the full run's saturation step. The
// changes mix (M) takes A's room and rate, so that its plain phases are A.

export const QUICK_PLAN = {
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
  roomSizes: { sizes: [10, 50], senders: 5, rate: 20, warmupMs: 1000, durationMs: 2000 },
  joinStorm: { clients: 50 },
  bigRoom: {
    clients: 60,
    senders: 2,
    rate: 10,
    warmupMs: 1000,
    durationMs: 2000,
    shardAt: 20,
    shardSize: 20,
    manyShardSize: 5,
  },
  catchUp: { history: 250, joins: 5, pages: 10 },
  changesMix: {
    clients: 10,
    senders: 2,
    rate: 50,
    warmupMs: 1000,
    phaseMs: 2000,
    order: /** @type {("plain" | "mix")[]} */ (["plain", "mix"]),
    shares: { react: 0.2, edit: 0.1 },
    seed: 13,
    microOps: 200,
    microRounds: 1,
  },
};

export const FULL_PLAN = {
  fanOut: { clients: 50, senders: 10, rate: 100, warmupMs: 3000, durationMs: 20_000 },
  saturation: {
    clients: 100,
    senders: 10,
    // Up to 2400: batched delivery (issue 17) held 1200, the old top step.
    rates: [10, 20, 30, 50, 75, 100, 150, 200, 300, 400, 600, 800, 1200, 1600, 2400],
    warmupMs: 3000,
    stepMs: 5000,
    p99LimitMs: 250,
  },
  idle: { clients: 1000, idleMs: 15_000 },
  // (issue 17) The room sizes of its table, at its fixed load: 5 senders,
  // 20 messages/s in all, 15 s a size.
  roomSizes: {
    sizes: [10, 50, 200, 500, 1000],
    senders: 5,
    rate: 20,
    warmupMs: 3000,
    durationMs: 15_000,
  },
  joinStorm: { clients: 500 },
  // (issue 17) A big room at 10 messages/s over fan-out shards: the room
  // keeps SHARD_AT (as deployed) and shards of 500 take the rest, and again
  // with shards of 125 (the cost of a shard per push, from the difference).
  // 2,500 listeners, not the 5,000: on this machine every object
  // shares one runtime thread and the load generator needs the other core;
  // 5,000 joins did not finish (docs/performance.md, "Fan-out shards").
  bigRoom: {
    clients: 2500,
    senders: 5,
    rate: 10,
    warmupMs: 3000,
    durationMs: 15_000,
    shardAt: 1000,
    shardSize: 500,
    manyShardSize: 125,
  },
  catchUp: { history: 400, joins: 50, pages: 200 },
  changesMix: {
    clients: 50,
    senders: 10,
    rate: 100,
    warmupMs: 3000,
    // Plain, mix, mix, plain: a drift of the machine's load over the
    // scenario weighs on both kinds alike.
    phaseMs: 10_000,
    order: /** @type {("plain" | "mix")[]} */ (["plain", "mix", "mix", "plain"]),
    shares: { react: 0.2, edit: 0.1 },
    seed: 13,
    microOps: 1000,
    microRounds: 5,
  },
};
