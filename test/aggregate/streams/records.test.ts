/**
 * Bad declarations and bad records are refused with an error naming the field, and a refused write
 * stores nothing (not even its valid bins). A declaration whose layout differs from what its stored
 * rows were written with is refused at declare time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { compileStream, type StreamDeclaration } from '../../../src/aggregate/streams/declaration.js';
import type { StreamRecord } from '../../../src/aggregate/streams/records.js';
import { createRegistry } from '../../../src/metrics.js';
import { openStreams, type StreamsFixture, shelfLane, streamConfig, till } from './helpers.js';

let fixture: StreamsFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

const BIN = Date.parse('2026-03-30T09:00:00Z');
const good = (): StreamRecord => ({
  bin_start_ms: BIN,
  dims: { sku: '4006381333931', lane: '2' },
  values: { pickups: 1, put_backs: 0, items_min: 4, items_max: 5, items_end: 4, dwell_s: [2.5] },
});
const rowCount = (f: StreamsFixture) => f.db.prepare('SELECT COUNT(*) FROM agg_stream_row').pluck().get();

describe('stream declarations', () => {
  const refusals: [string, Partial<StreamDeclaration> & Record<string, unknown>, string][] = [
    ['a bad name', { name: 'Shelf-Lane' }, 'stream declaration "Shelf-Lane": name must match [a-z][a-z0-9_]*'],
    ['an unknown outbox stream', { uplink: 'tills' as never }, 'uplink tills is not an outbox stream'],
    ['no measures', { measures: {} }, 'measures must name 1 to 64 measures'],
    ['an unknown merge kind', { measures: { pickups: 'avg' as never } }, 'measures.pickups must be one of sum, min'],
    [
      'bad decimals',
      { measures: { dwell_s: { kind: 'distribution', decimals: 9 } } },
      'measures.dwell_s.decimals must be an integer from 0 to 6',
    ],
    [
      'a measure named like a dimension',
      { measures: { sku: 'sum' } },
      'measures.sku repeats the name sku: dimension and measure names are one namespace',
    ],
    [
      'k-anonymity over a missing dimension',
      { kAnonymity: { dimension: 'path', count: 'pickups' } },
      'kAnonymity.dimension path is not one of its dimensions',
    ],
    [
      'k-anonymity counting a non-sum',
      { kAnonymity: { dimension: 'sku', count: 'items_max' } },
      'kAnonymity.count items_max must name one of its sum measures',
    ],
  ];
  for (const [what, change, message] of refusals) {
    it(`refuses ${what}, naming the field`, () => {
      expect(() => compileStream({ ...shelfLane, ...change } as StreamDeclaration)).toThrow(message);
    });
  }

  it('returns the same handle for the same declaration and refuses another under the same name', async () => {
    fixture = await openStreams(streamConfig());
    const shelf = fixture.store.declare(shelfLane);
    expect(fixture.store.declare({ ...shelfLane })).toBe(shelf);
    expect(() => fixture?.store.declare({ ...shelfLane, uplink: 'alerts' })).toThrow(
      'stream declaration "shelf_lane": name is already declared with other dimensions, measures or uplink',
    );
  });

  it('refuses a changed layout over stored rows after a restart, and accepts it for a stream without rows', async () => {
    fixture = await openStreams(streamConfig());
    fixture.store.declare(shelfLane).write([good()]);
    fixture.store.declare(till);
    await fixture.restart();
    const wider = { ...shelfLane, measures: { ...shelfLane.measures, facings: 'last' as const } };
    expect(() => fixture?.store.declare(wider)).toThrow(
      /"shelf_lane": dimensions\/measures differ from the layout its stored rows were written with .*declare a new name/,
    );
    const tills = fixture.store.declare({ ...till, measures: { transactions: 'sum' } });
    tills.write([{ bin_start_ms: BIN, dims: { till: 't1' }, values: { transactions: 2 } }]);
    expect(tills.query({ resolution: 'hour', fromMs: 0, toMs: BIN * 2 }).rows[0]?.values).toEqual({ transactions: 2 });
  });
});

describe('stream records', () => {
  const cases: [string, (r: StreamRecord & Record<string, unknown>) => void, string][] = [
    [
      'a misaligned bin start',
      (r) => (r.bin_start_ms = BIN + 1500),
      'shelf_lane: records[1].bin_start_ms (1774861201500) must be an epoch ms on a 60 s boundary (analysis.bin_s)',
    ],
    [
      'an unknown dimension',
      (r) => Object.assign(r.dims, { shelf: 'x' }),
      'shelf_lane: records[1].dims.shelf is not a dimension of shelf_lane (sku, lane)',
    ],
    ['a missing dimension', (r) => (r.dims = { sku: 'a' }), 'shelf_lane: records[1].dims.lane is missing'],
    [
      'a number as dimension value',
      (r) => (r.dims = { sku: 'a', lane: 2 as never }),
      'shelf_lane: records[1].dims.lane must be a string of 1-128 characters without control characters, got 2',
    ],
    [
      'a control character',
      (r) => (r.dims = { sku: 'a\u001fb', lane: '2' }),
      'records[1].dims.sku must be a string of 1-128 characters without control characters',
    ],
    [
      'an unknown measure',
      (r) => Object.assign(r.values, { facings: 3 }),
      'shelf_lane: records[1].values.facings is not a measure of shelf_lane',
    ],
    [
      'a missing measure',
      (r) => delete (r.values as Record<string, unknown>).items_end,
      'shelf_lane: records[1].values.items_end is missing',
    ],
    [
      'NaN',
      (r) => Object.assign(r.values, { pickups: Number.NaN }),
      'shelf_lane: records[1].values.pickups must be a finite number, got NaN',
    ],
    [
      'a string for a number',
      (r) => Object.assign(r.values, { items_min: '4' }),
      'shelf_lane: records[1].values.items_min must be a finite number, got 4',
    ],
    [
      'Infinity in a distribution',
      (r) => Object.assign(r.values, { dwell_s: [1, Number.POSITIVE_INFINITY] }),
      'shelf_lane: records[1].values.dwell_s[1] must be a finite number',
    ],
    [
      'a number for a distribution',
      (r) => Object.assign(r.values, { dwell_s: 2.5 }),
      'shelf_lane: records[1].values.dwell_s must be an array of at most 100000 samples (a distribution)',
    ],
    [
      'the same dimensions twice in a bin',
      (r) => (r.bin_start_ms = BIN),
      'shelf_lane: records[1].dims repeats the dimensions of shelf_lane: records[0] in the same bin',
    ],
  ];
  for (const [what, spoil, message] of cases) {
    it(`refuses ${what}, naming the field, and writes nothing`, async () => {
      fixture = await openStreams(streamConfig());
      const shelf = fixture.store.declare(shelfLane);
      const bad = good() as StreamRecord & Record<string, unknown>;
      bad.bin_start_ms = BIN + 60_000;
      bad.dims = { ...bad.dims };
      bad.values = { ...bad.values };
      spoil(bad);
      expect(() => shelf.write([good(), bad])).toThrow(message);
      expect(rowCount(fixture)).toBe(0);
      expect(fixture.outbox.pending('shelf')).toBe(0);
    });
  }

  it('counts refused writes', async () => {
    const metrics = createRegistry();
    fixture = await openStreams(streamConfig(), { metrics });
    const shelf = fixture.store.declare(shelfLane);
    expect(() => shelf.writeBin(BIN + 1, [])).toThrow('shelf_lane: bin_start_ms (1774861200001) must be an epoch ms');
    expect(() => shelf.write('x' as never)).toThrow('shelf_lane: records must be an array');
    const text = await metrics.getSingleMetricAsString('omo_aggregate_stream_bins_refused_total');
    expect(text).toContain('omo_aggregate_stream_bins_refused_total{stream="shelf_lane",reason="invalid"} 2');
  });
});
