// What storing each message costs on this platform, apart from roomchat:
// scenario B (saturation, the full run's plan) against the floor
// (bench/floor) as it is, and with one SQLite INSERT per message before the
// broadcast, which is the least a room that never shows an unstored message
// must do. Usage: node bench/floor-storage.mjs; prints one line per variant
// and writes bench/results/floor-storage-latest.json. docs/performance.md
// reads it.
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { saturation, settle } from "./lib/load.mjs";
import { FULL_PLAN } from "./lib/plan.mjs";
import { loadAverage } from "./lib/proc.mjs";
import { startFloor } from "./lib/targets.mjs";

const PLAN = FULL_PLAN.saturation;

const results = {
  startedAt: new Date().toISOString(),
  loadBefore: loadAverage(),
  plan: PLAN,
  runs: {},
};
for (const store of [false, true]) {
  const target = await startFloor(store);
  try {
    await settle(target, 10_000);
    const r = await saturation(target, PLAN);
    /** @type {Record<string, unknown>} */ (results.runs)[target.name] = r;
    console.log(
      `${target.name}: held ${r.heldRate} msg/s (${r.heldDeliveriesPerSec} deliveries/s), ${r.deliveriesPerCpuSecond} deliveries per runtime CPU-second; stopped by ${r.stoppedBy}`,
    );
  } finally {
    await target.dispose();
  }
}
const out = join(dirname(fileURLToPath(import.meta.url)), "results", "floor-storage-latest.json");
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
