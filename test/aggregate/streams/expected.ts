/**
 * An independent computation of what every resolution must hold: the final raw rows grouped by a
 * period function the test supplies (UTC arithmetic; store days listed by the test as fixed instants), merged with the merge
 * kinds written out plainly, distributions kept as raw samples.
 */
import type { StreamDeclaration } from '../../../src/aggregate/streams/declaration.js';
import type { StreamQuery, StreamQueryRow } from '../../../src/aggregate/streams/query.js';
import type { StreamRecord } from '../../../src/aggregate/streams/records.js';
import type { DeclaredStream } from '../../../src/aggregate/streams/stream.js';

export interface ExpectedRow {
  bin_start_ms: number;
  dims: Record<string, string>;
  values: Record<string, number | number[]>;
}

/** Rows of the final raw bins merged per (period, dims); `periodOf` maps a raw bin start to its period. */
export function expectedRows(
  declaration: StreamDeclaration,
  records: readonly StreamRecord[],
  periodOf: (startMs: number) => number,
): ExpectedRow[] {
  const ordered = [...records].sort((a, b) => a.bin_start_ms - b.bin_start_ms);
  const out = new Map<string, ExpectedRow>();
  for (const record of ordered) {
    const start = periodOf(record.bin_start_ms);
    const key = `${start}|${declaration.dimensions.map((d) => record.dims[d]).join('|')}`;
    const into = out.get(key);
    if (into === undefined) {
      const values = Object.fromEntries(
        Object.entries(record.values).map(([m, v]) => [m, Array.isArray(v) ? [...v] : v]),
      ) as Record<string, number | number[]>;
      out.set(key, { bin_start_ms: start, dims: { ...record.dims }, values });
      continue;
    }
    for (const [m, spec] of Object.entries(declaration.measures)) {
      const kind = typeof spec === 'string' ? spec : spec.kind;
      const a = into.values[m] as number;
      const b = record.values[m] as number;
      if (kind === 'sum') into.values[m] = a + b;
      if (kind === 'min') into.values[m] = Math.min(a, b);
      if (kind === 'max') into.values[m] = Math.max(a, b);
      if (kind === 'last') into.values[m] = b;
      if (kind === 'distribution') (into.values[m] as number[]).push(...(record.values[m] as number[]));
    }
  }
  const order = (r: ExpectedRow) => [r.bin_start_ms, ...declaration.dimensions.map((d) => r.dims[d])];
  return [...out.values()].sort((a, b) => {
    const x = order(a);
    const y = order(b);
    for (let i = 0; i < x.length; i++) {
      if (x[i] !== y[i]) return (x[i] as number | string) < (y[i] as number | string) ? -1 : 1;
    }
    return 0;
  });
}

/** Nearest-rank percentile (ARCHITECTURE §5) of plain numbers; 0 for none. */
export function nearestRank(values: readonly number[], percent: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((percent * sorted.length) / 100)) - 1] as number;
}

/** What a distribution of these samples must read as, kept to `decimals`. */
export function expectedDistribution(samples: readonly number[], decimals: number) {
  const scale = 10 ** decimals;
  const rounded = samples.map((s) => Math.round(s * scale) / scale);
  const counts = new Map<number, number>();
  for (const r of rounded) counts.set(r, (counts.get(r) ?? 0) + 1);
  return {
    count: samples.length,
    p50: nearestRank(rounded, 50),
    p90: nearestRank(rounded, 90),
    hist: [...counts].sort((a, b) => a[0] - b[0]),
  };
}

/** Every row of a query, walking its pages. */
export function allRows(stream: DeclaredStream, query: Omit<StreamQuery, 'after'>): StreamQueryRow[] {
  const rows: StreamQueryRow[] = [];
  let after: string | undefined;
  do {
    const page = stream.query({ ...query, ...(after === undefined ? {} : { after }) });
    rows.push(...page.rows);
    after = page.next ?? undefined;
  } while (after !== undefined);
  return rows;
}
