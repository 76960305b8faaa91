/**
 * Mergeable dwell distributions (ARCHITECTURE §5 "Bins": roll-ups "merge dwell distributions (keep
 * enough to report p50/p90 exactly or with a stated error bound)").
 *
 * A distribution is a sparse histogram: dwell rounded to the nearest 0.1 s (in deciseconds, halves
 * up) → number of visits. Merging adds counts, so a day's histogram is exactly the histogram of all its
 * visits whatever bins they came through. Percentiles are nearest-rank (§5) over the rounded values.
 *
 * Error bound: rounding is monotone, so the k-th smallest rounded value is the rounding of the k-th
 * smallest raw value; a reported p50/p90 therefore differs from the nearest-rank percentile of the raw
 * dwells by at most 0.05 s (it is that percentile rounded to 0.1 s). Totals and means do not use the
 * histogram: they come from the exact `dwell_total_s`.
 *
 * Size: one key per distinct 0.1 s value seen, at most one per visit; a zone where people dwell up to
 * 30 minutes has at most 18,000 keys, typically a few hundred per day.
 */

/** Deciseconds (as decimal strings, JSON object keys) → visits. */
export type DwellHistogram = Record<string, number>;

export function decisecondsOf(dwellS: number): number {
  return Math.round(dwellS * 10);
}

export function histogramOf(dwellsS: readonly number[]): DwellHistogram {
  const histogram: DwellHistogram = {};
  for (const d of dwellsS) {
    const key = String(decisecondsOf(d));
    histogram[key] = (histogram[key] ?? 0) + 1;
  }
  return sortedHistogram(histogram);
}

/** Adds `from` into `into` (counts of equal keys add). */
export function mergeHistogramInto(into: DwellHistogram, from: Readonly<DwellHistogram>): void {
  for (const [key, count] of Object.entries(from)) into[key] = (into[key] ?? 0) + count;
}

/** The same histogram with keys in ascending numeric order, so equal histograms serialise equally. */
export function sortedHistogram(histogram: Readonly<DwellHistogram>): DwellHistogram {
  const out: DwellHistogram = {};
  for (const [key, count] of histogramEntries(histogram)) out[String(key)] = count;
  return out;
}

/** [deciseconds, visits] pairs in ascending order, zero counts left out. */
export function histogramEntries(histogram: Readonly<DwellHistogram>): [number, number][] {
  return Object.entries(histogram)
    .map(([key, count]): [number, number] => [Number(key), count])
    .filter(([, count]) => count > 0)
    .sort((a, b) => a[0] - b[0]);
}

/**
 * Nearest-rank percentile in seconds: the smallest value with at least percent·n/100 values at or
 * below it (rank from integers, as src/paths/stats.ts does). 0 for an empty histogram, like summarize().
 * `perUnit` is how many keys make one unit: 10 for deciseconds; a declared stream's distribution with
 * `decimals: d` keys values by 10^d (streams/measures.ts).
 */
export function histogramPercentile(histogram: Readonly<DwellHistogram>, percent: number, perUnit = 10): number {
  if (!Number.isInteger(percent) || percent < 1 || percent > 100) {
    throw new Error(`percentile must be an integer from 1 to 100, got ${percent}`);
  }
  const entries = histogramEntries(histogram);
  let n = 0;
  for (const [, count] of entries) n += count;
  if (n === 0) return 0;
  const rank = Math.max(1, Math.ceil((percent * n) / 100));
  let seen = 0;
  for (const [ds, count] of entries) {
    seen += count;
    if (seen >= rank) return ds / perUnit;
  }
  return (entries[entries.length - 1]?.[0] ?? 0) / perUnit;
}
