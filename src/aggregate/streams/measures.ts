/**
 * Measure values as stored and merged (the merge kinds of declaration.ts). A row's measures are kept as
 * one JSON array in declaration order — not an object — because names repeated in every row of every
 * level would double what each bin writes to the SD card (ARCHITECTURE §10); the declaration's
 * `layout`, stored beside the rows, says what each position means.
 *
 * A distribution is stored as a sparse histogram `{ "<value·10^decimals>": count }` with sorted keys
 * (dwell-histogram.ts): merging adds counts, so a day's histogram is exactly that of all its samples.
 */
import {
  type DwellHistogram,
  histogramEntries,
  histogramPercentile,
  mergeHistogramInto,
  sortedHistogram,
} from '../dwell-histogram.js';
import type { Measure } from './declaration.js';

export type StoredValue = number | DwellHistogram;
export type StoredValues = StoredValue[];

/** What a distribution reads as in queries and uplink records. */
export interface DistributionSummary {
  count: number;
  p50: number;
  p90: number;
  /** [value, count] in ascending value order: enough for the reader to merge further. */
  hist: [number, number][];
}

export type MeasureInput = number | readonly number[];
export type MeasureOutput = number | DistributionSummary;

/** Values as written (checked by records.ts) in stored form. */
export function storedValuesOf(measures: readonly Measure[], values: Readonly<Record<string, MeasureInput>>) {
  return measures.map((m): StoredValue => {
    const value = values[m.name] as MeasureInput;
    if (m.kind !== 'distribution') return value as number;
    const scale = 10 ** m.decimals;
    const histogram: DwellHistogram = {};
    for (const sample of value as readonly number[]) {
      const key = String(Math.round(sample * scale));
      histogram[key] = (histogram[key] ?? 0) + 1;
    }
    return sortedHistogram(histogram);
  });
}

/** Merges `next` (a later bin of the same key) into `into` (undefined: nothing yet). */
export function mergeValues(measures: readonly Measure[], into: StoredValues | undefined, next: StoredValues) {
  if (into === undefined) return next.map((v) => (typeof v === 'number' ? v : { ...v }));
  measures.forEach((m, i) => {
    const a = into[i] as StoredValue;
    const b = next[i] as StoredValue;
    if (m.kind === 'distribution') mergeHistogramInto(a as DwellHistogram, b as DwellHistogram);
    else into[i] = mergeScalar(m.kind, a as number, b as number);
  });
  return into;
}

function mergeScalar(kind: Exclude<Measure['kind'], 'distribution'>, a: number, b: number): number {
  switch (kind) {
    case 'sum':
      return a + b;
    case 'min':
      return Math.min(a, b);
    case 'max':
      return Math.max(a, b);
    case 'last':
      return b;
  }
}

/** The stored JSON text of merged values (histograms re-sorted, so equal figures give equal text). */
export function encodeValues(measures: readonly Measure[], values: StoredValues): string {
  return JSON.stringify(
    measures.map((m, i) => (m.kind === 'distribution' ? sortedHistogram(values[i] as DwellHistogram) : values[i])),
  );
}

export function decodeValues(text: string): StoredValues {
  return JSON.parse(text) as StoredValues;
}

/** Values by measure name, distributions with their nearest-rank p50/p90. */
export function presentValues(measures: readonly Measure[], values: StoredValues): Record<string, MeasureOutput> {
  const out: Record<string, MeasureOutput> = {};
  measures.forEach((m, i) => {
    const value = values[i] as StoredValue;
    if (m.kind !== 'distribution') {
      out[m.name] = value as number;
      return;
    }
    const scale = 10 ** m.decimals;
    const hist = histogramEntries(value as DwellHistogram).map(([key, n]): [number, number] => [key / scale, n]);
    out[m.name] = {
      count: hist.reduce((n, [, c]) => n + c, 0),
      p50: histogramPercentile(value as DwellHistogram, 50, scale),
      p90: histogramPercentile(value as DwellHistogram, 90, scale),
      hist,
    };
  });
  return out;
}
