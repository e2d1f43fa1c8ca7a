// The worker's variables from the benchmarks' command line: `--var
// NAME:VALUE`, repeatable, as `wrangler dev --var` takes them (a tunable
// such as BATCH_MS, measured). bench/run.mjs and bench/stalls.mjs read it.

/**
 * @param {string[]} argv
 * @returns {Record<string, string>}
 */
export function workerVarsFrom(argv) {
  return Object.fromEntries(
    argv.flatMap((a, i) =>
      a === "--var"
        ? [
            String(argv[i + 1])
              .split(/:(.*)/s)
              .slice(0, 2),
          ]
        : [],
    ),
  );
}
