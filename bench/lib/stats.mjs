// Percentiles and small number helpers for the benchmark's reports.

/**
 * Summary of a sample of latencies (ms): count, p50, p90, p99, max, by the
 * nearest-rank method on a sorted copy. Empty samples give nulls.
 * @param {ArrayLike<number>} values
 */
export function summary(values) {
  const sorted = Float64Array.from(values).sort();
  /** @param {number} p */
  const at = (p) =>
    sorted.length === 0
      ? null
      : round(
          /** @type {number} */ (
            sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
          ),
        );
  return {
    n: sorted.length,
    p50: at(50),
    p90: at(90),
    p99: at(99),
    max: sorted.length === 0 ? null : round(/** @type {number} */ (sorted[sorted.length - 1])),
  };
}

/**
 * Rounds to 3 significant decimals' worth for readable JSON.
 * @param {number} x
 */
export function round(x) {
  if (!Number.isFinite(x)) return x;
  const a = Math.abs(x);
  const digits = a >= 100 ? 1 : a >= 1 ? 2 : 4;
  return Number(x.toFixed(digits));
}

/** @param {number} ms */
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
