/**
 * Roll-ups of a declared stream against an independent computation over random data: every level
 * (raw, 15 min, hour, store day) holds exactly the merge of the final raw rows of its period — after
 * bins written out of order, in multi-bin writes, rewritten with other rows and emptied — with store
 * days cut in store.timezone across a DST change (Berlin, 23 h day) and from 15-minute bins
 * (Kolkata, +05:30, raw 30 s bins).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { StreamDeclaration } from '../../../src/aggregate/streams/declaration.js';
import type { StreamRecord } from '../../../src/aggregate/streams/records.js';
import type { DeclaredStream } from '../../../src/aggregate/streams/stream.js';
import { allRows, type ExpectedRow, expectedDistribution, expectedRows, nearestRank } from './expected.js';
import { openStreams, type StreamsFixture, seeded, shelfLane, streamConfig, till } from './helpers.js';

let fixture: StreamsFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

const at = Date.parse;
const floorTo = (length: number) => (ms: number) => Math.floor(ms / length) * length;
/** Store days as the calendar has them (not computed by time-zone.ts). */
const dayOf = (days: readonly [string, string][]) => (ms: number) => {
  const day = days.find(([start, end]) => at(start) <= ms && ms < at(end));
  if (!day) throw new Error(`no store day listed for ${new Date(ms).toISOString()}`);
  return at(day[0]);
};

/** Bin starts: `n` random ones in [from, to) plus every bin of the dense windows. */
function binStarts(rand: () => number, binS: number, from: string, to: string, n: number, dense: [string, string][]) {
  const step = binS * 1000;
  const starts = new Set<number>();
  const count = (at(to) - at(from)) / step;
  for (let i = 0; i < n; i++) starts.add(at(from) + Math.floor(rand() * count) * step);
  for (const [a, b] of dense) for (let t = at(a); t < at(b); t += step) starts.add(t);
  return [...starts];
}

function shuffle<T>(rand: () => number, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

const int = (rand: () => number, n: number) => Math.floor(rand() * n);

function shelfRows(rand: () => number, start: number): StreamRecord[] {
  const rows: StreamRecord[] = [];
  for (const sku of ['4006381333931', '5000112548167', '8711000530085', '7613035974685']) {
    for (const lane of ['1', '2', '3']) {
      if (rand() > 0.4) continue;
      const low = int(rand, 20);
      const dwell = Array.from({ length: int(rand, 5) }, () => Math.round(rand() * 120_000) / 1000);
      rows.push({
        bin_start_ms: start,
        dims: { sku, lane },
        values: {
          pickups: int(rand, 6),
          put_backs: int(rand, 3),
          items_min: low,
          items_max: low + int(rand, 6),
          items_end: low + int(rand, 3),
          dwell_s: dwell,
        },
      });
    }
  }
  return rows;
}

function tillRows(rand: () => number, start: number): StreamRecord[] {
  return ['till-1', 'till-2', 'self-1']
    .filter(() => rand() < 0.6)
    .map((id) => {
      const baskets = Array.from({ length: 1 + int(rand, 4) }, () => 1 + int(rand, 30));
      return {
        bin_start_ms: start,
        dims: { till: id },
        values: { transactions: baskets.length, revenue_cents: 100 + int(rand, 90_000), basket_items: baskets },
      };
    });
}

/** Writes shuffled multi-bin batches, rewrites some bins, empties others; returns the final rows. */
function writeRandomly(stream: DeclaredStream, rand: () => number, starts: number[], rowsOf: typeof shelfRows) {
  const final = new Map<number, StreamRecord[]>();
  const order = shuffle(rand, [...starts]);
  for (let i = 0; i < order.length; ) {
    const batch = order.slice(i, i + 1 + int(rand, 4));
    i += batch.length;
    const records = batch.flatMap((start) => rowsOf(rand, start));
    for (const start of batch)
      final.set(
        start,
        records.filter((r) => r.bin_start_ms === start),
      );
    for (const result of stream.write(shuffle(rand, records))) expect(result.written).toBe(true);
  }
  for (const start of order.slice(0, 40)) {
    const rows = rowsOf(rand, start);
    final.set(start, rows);
    if (rows.length > 0) stream.write(rows);
    else stream.writeBin(start, []);
  }
  for (const start of order.slice(40, 50)) {
    final.set(start, []);
    stream.writeBin(start, []);
  }
  return [...final.values()].flat();
}

function checkLevel(rows: ReturnType<typeof allRows>, expected: ExpectedRow[], declaration: StreamDeclaration) {
  expect(rows.map((r) => [r.bin_start_ms, r.dims])).toEqual(expected.map((e) => [e.bin_start_ms, e.dims]));
  rows.forEach((row, i) => {
    const want = expected[i] as ExpectedRow;
    for (const [m, spec] of Object.entries(declaration.measures)) {
      if (typeof spec === 'string' && spec !== 'distribution') {
        expect(row.values[m], `${m} of ${JSON.stringify(want)}`).toBe(want.values[m]);
        continue;
      }
      const decimals = typeof spec === 'string' ? 1 : spec.decimals;
      const samples = want.values[m] as number[];
      const got = row.values[m] as { p50: number; p90: number };
      expect(got).toEqual(expectedDistribution(samples, decimals));
      // The stated bound: within half a step of the nearest-rank percentile of the unrounded samples.
      const bound = 0.5 * 10 ** -decimals + 1e-9;
      expect(Math.abs(got.p50 - nearestRank(samples, 50))).toBeLessThanOrEqual(bound);
      expect(Math.abs(got.p90 - nearestRank(samples, 90))).toBeLessThanOrEqual(bound);
    }
  });
}

/** Every level against the independent computation; `days` are the store days as the calendar has them. */
function checkAllLevels(
  stream: DeclaredStream,
  final: StreamRecord[],
  days: [string, string][],
  raw: 'raw' | 'minute',
) {
  const range = { fromMs: at('2026-03-27T00:00:00Z'), toMs: at('2026-03-31T00:00:00Z'), limit: 500 };
  const levels = [
    [raw, (ms: number) => ms],
    ...(raw === 'raw' ? [['minute', floorTo(60_000)] as const] : []),
    ['15min', floorTo(900_000)],
    ['hour', floorTo(3_600_000)],
    ['day', dayOf(days)],
  ] as const;
  const declaration = stream.declaration.name === 'till' ? till : shelfLane;
  for (const [resolution, periodOf] of levels) {
    checkLevel(allRows(stream, { resolution, ...range }), expectedRows(declaration, final, periodOf), declaration);
  }
  const hours = (r: { bin_start_ms: number; bin_end_ms: number }) => (r.bin_end_ms - r.bin_start_ms) / 3_600_000;
  const lengths = new Set(allRows(stream, { resolution: 'day', ...range }).map((r) => `${r.bin_start_ms}:${hours(r)}`));
  const calendar = days.map(([s, e]) => `${at(s)}:${hours({ bin_start_ms: at(s), bin_end_ms: at(e) })}`);
  expect([...lengths].sort()).toEqual(calendar.sort());
}

describe('declared stream roll-ups', () => {
  it('hold the merge of their raw rows at every level, store days in Berlin across the spring DST change', async () => {
    fixture = await openStreams(streamConfig('Europe/Berlin'));
    const shelf = fixture.store.declare(shelfLane);
    const rand = seeded(7);
    // Local midnight 28→29 March (CET) is 23:00Z, the clocks jump at 01:00Z, midnight 29→30 (CEST) is 22:00Z.
    const starts = binStarts(rand, 60, '2026-03-28T20:00:00Z', '2026-03-30T02:00:00Z', 300, [
      ['2026-03-28T22:50:00Z', '2026-03-28T23:10:00Z'],
      ['2026-03-29T00:50:00Z', '2026-03-29T01:10:00Z'],
      ['2026-03-29T21:50:00Z', '2026-03-29T22:10:00Z'],
    ]);
    const final = writeRandomly(shelf, rand, starts, shelfRows);
    // The 29th is 23 hours long.
    checkAllLevels(
      shelf,
      final,
      [
        ['2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z'],
        ['2026-03-27T23:00:00Z', '2026-03-28T23:00:00Z'],
        ['2026-03-29T22:00:00Z', '2026-03-30T22:00:00Z'],
      ],
      'minute',
    );
  });

  it('cuts Kolkata store days from 15-minute bins over raw 30 s bins', async () => {
    fixture = await openStreams(streamConfig('Asia/Kolkata', { analysis: '{ bin_s: 30 }' }));
    const tills = fixture.store.declare(till);
    const rand = seeded(11);
    const starts = binStarts(rand, 30, '2026-03-28T12:00:00Z', '2026-03-29T20:00:00Z', 200, [
      ['2026-03-28T18:20:00Z', '2026-03-28T18:40:00Z'],
    ]);
    const final = writeRandomly(tills, rand, starts, tillRows);
    checkAllLevels(
      tills,
      final,
      [
        ['2026-03-27T18:30:00Z', '2026-03-28T18:30:00Z'],
        ['2026-03-28T18:30:00Z', '2026-03-29T18:30:00Z'],
        ['2026-03-29T18:30:00Z', '2026-03-30T18:30:00Z'],
      ],
      'raw',
    );
  });
});
