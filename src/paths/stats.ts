/**
 * Small statistics shared by the engines: nearest-rank percentiles (§5 "Percentiles are nearest-rank":
 * the smallest value with at least q·n values at or below it) and UTC-aligned bins (§5 "Bins").
 */

/**
 * Nearest-rank percentile of ascending-sorted values. `percent` is an integer 1..100 so the rank
 * ceil(percent·n / 100) is computed from integers: 0.55·100 in floating point is 55.00000000000001,
 * whose ceiling would pick the 56th value instead of the 55th.
 */
export function nearestRank(sorted: readonly number[], percent: number): number {
  if (!Number.isInteger(percent) || percent < 1 || percent > 100) {
    throw new Error(`percentile must be an integer from 1 to 100, got ${percent}`);
  }
  const n = sorted.length;
  if (n === 0) return 0;
  const rank = Math.max(1, Math.ceil((percent * n) / 100));
  return sorted[rank - 1] as number;
}

export interface DurationSummary {
  total: number;
  mean: number;
  p50: number;
  p90: number;
}

/**
 * total, mean, p50 and p90 of durations. The total is summed in ascending order so that live and offline
 * runs, which see the same values in different orders, produce the same bits. An empty set reports 0
 * everywhere (a decision: numbers keep the JSON shape stable; `visits: 0` says there is no distribution).
 */
export function summarize(values: readonly number[]): DurationSummary {
  if (values.length === 0) return { total: 0, mean: 0, p50: 0, p90: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  let total = 0;
  for (const v of sorted) total += v;
  return { total, mean: total / sorted.length, p50: nearestRank(sorted, 50), p90: nearestRank(sorted, 90) };
}

/** Index of the UTC-aligned bin holding event time `t` (epoch seconds). */
export function binIndex(t: number, binS: number): number {
  return Math.floor(t / binS);
}

/** ISO-8601 start of bin `index`. */
export function binStartIso(index: number, binS: number): string {
  return new Date(index * binS * 1000).toISOString();
}
