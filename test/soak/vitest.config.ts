// `npm run soak`: the soak test alone, under its own configuration because
// it runs for minutes and is not part of CI or of any project of the main
// vitest.config.ts. SOAK_SECONDS (default 180) sets how long the load runs.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const seconds = Number(process.env.SOAK_SECONDS ?? 180);

export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  test: {
    include: ["test/soak/**/*.test.ts"],
    environment: "node",
    // The load, up to 10 minutes to settle and check, and the idle spells.
    testTimeout: seconds * 1000 + 600_000 + 2 * Number(process.env.SOAK_IDLE_SECONDS ?? 30) * 1000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
