/**
 * Uplink records of declared streams through a real Outbox (ARCHITECTURE §7, §11): one record per bin
 * and revision, nothing for an unchanged rewrite, revision + 1 with the rows as they are now (a row
 * that disappeared is absent), a retraction for a bin left empty, k-anonymity folding, and the two
 * crash windows: before the outbox append (staged, appended at the next start) and between the outbox
 * commit and clearing the staged row (appended again under its source key: same id, nothing inserted).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { StreamRecord } from '../../../src/aggregate/streams/records.js';
import type { OutboxSink } from '../../../src/aggregate/uplink-log.js';
import type { OutboxStream } from '../../../src/store/outbox/outbox.js';
import { OUTBOX_STREAMS } from '../../../src/store/outbox/outbox.js';
import {
  openStreams,
  outboxRecords,
  type StreamsFixture,
  shelfLane,
  shelfSequence,
  streamConfig,
  till,
} from './helpers.js';

let fixture: StreamsFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

const BIN = Date.parse('2026-03-30T09:00:00Z');
const lane = (sku: string, pickups: number, dwell: number[], start = BIN): StreamRecord => ({
  bin_start_ms: start,
  dims: { sku, lane: '1' },
  values: { pickups, put_backs: 0, items_min: 10 - pickups, items_max: 10, items_end: 10 - pickups, dwell_s: dwell },
});
const laneRow = (
  sku: string,
  pickups: number,
  dwell: { count: number; p50: number; p90: number; hist: number[][] },
) => ({
  dims: { sku, lane: '1' },
  values: { pickups, put_backs: 0, items_min: 10 - pickups, items_max: 10, items_end: 10 - pickups, dwell_s: dwell },
});
const head = { type: 'shelf_lane', bin_start: '2026-03-30T09:00:00.000Z', bin_s: 60 };
/** The records on `shelf` without the outbox's produced_at. */
const shelfRecords = (f: StreamsFixture) => outboxRecords(f.outbox).map(({ produced_at: _, ...rest }) => rest);
const staged = (f: StreamsFixture) =>
  f.db.prepare('SELECT stream, start_ms, revision FROM agg_stream_uplink WHERE body IS NOT NULL').all();

describe('declared stream uplink records', () => {
  it('stage a revision only when figures change, the rows as they are now, and retract an emptied bin', async () => {
    const f = await openStreams(streamConfig());
    fixture = f;
    const shelf = f.store.declare(shelfLane);
    const tills = fixture.store.declare(till);
    const a = lane('4006381333931', 2, [3.14, 8]);
    const b = lane('5000112548167', 1, []);
    expect(shelf.write([a, b]).map((r) => r.staged)).toEqual([true]);
    const first = {
      id: 'gw-1:shelf:1',
      ...head,
      revision: 1,
      rows: [
        laneRow('4006381333931', 2, {
          count: 2,
          p50: 3.1,
          p90: 8,
          hist: [
            [3.1, 1],
            [8, 1],
          ],
        }),
        laneRow('5000112548167', 1, { count: 0, p50: 0, p90: 0, hist: [] }),
      ],
    };
    expect(shelfRecords(fixture)).toEqual([first]);

    // The same figures again, in any order: nothing new (a restart re-closing a bin sends nothing twice).
    expect(shelf.write([b, a])[0]).toMatchObject({ written: true, staged: false, rows_changed: 0 });
    // A local-only stream stages nothing on any outbox stream.
    tills.write([
      { bin_start_ms: BIN, dims: { till: 't1' }, values: { transactions: 1, revenue_cents: 250, basket_items: [3] } },
    ]);
    expect(OUTBOX_STREAMS.reduce((n, s: OutboxStream) => n + f.outbox.pending(s), 0)).toBe(1);

    // b disappears and a changes: revision 2 holds the bin as it is now.
    expect(shelf.write([lane('4006381333931', 3, [3.14, 8, 20])])[0]?.staged).toBe(true);
    const second = {
      id: 'gw-1:shelf:2',
      ...head,
      revision: 2,
      rows: [
        laneRow('4006381333931', 3, {
          count: 3,
          p50: 8,
          p90: 20,
          hist: [
            [3.1, 1],
            [8, 1],
            [20, 1],
          ],
        }),
      ],
    };
    expect(shelfRecords(fixture)).toEqual([first, second]);

    // The bin emptied: a retraction; emptied again: nothing.
    expect(shelf.writeBin(BIN, []).staged).toBe(true);
    expect(shelf.writeBin(BIN, []).staged).toBe(false);
    expect(shelfRecords(fixture).slice(2)).toEqual([{ id: 'gw-1:shelf:3', ...head, revision: 3, retracted: true }]);
    // The bin's roll-ups went with it.
    const hour = shelf.query({ resolution: 'hour', fromMs: BIN - 3_600_000, toMs: BIN + 3_600_000 });
    expect(hour.rows).toEqual([]);
    expect(staged(fixture)).toEqual([]);
  });

  it('fold rows below k_anonymity into one row per remaining dimensions; the local store keeps them all', async () => {
    fixture = await openStreams(streamConfig('Europe/Berlin', { analysis: '{ k_anonymity: 5 }' }));
    const sequences = fixture.store.declare(shelfSequence);
    const row = (aisle: string, sequence: string, shoppers: number, dwell: number[]): StreamRecord => ({
      bin_start_ms: BIN,
      dims: { aisle, sequence },
      values: { shoppers, dwell_s: dwell },
    });
    sequences.write([
      row('A', 'A1>A2', 7, [12]),
      row('A', 'A1>A3', 2, [4, 6]),
      row('A', 'A2>A9', 1, [30]),
      row('B', 'B1', 5, []),
      row('B', 'B1>B2', 4, [2]),
    ]);
    const dist = (hist: number[][], p50: number, p90: number) => ({
      count: hist.reduce((n, [, c]) => n + (c as number), 0),
      p50,
      p90,
      hist,
    });
    expect(shelfRecords(fixture)).toEqual([
      {
        id: 'gw-1:shelf:1',
        type: 'shelf_sequence',
        bin_start: head.bin_start,
        bin_s: 60,
        revision: 1,
        k_anonymity: 5,
        rows: [
          { dims: { aisle: 'A', sequence: 'A1>A2' }, values: { shoppers: 7, dwell_s: dist([[12, 1]], 12, 12) } },
          { dims: { aisle: 'B', sequence: 'B1' }, values: { shoppers: 5, dwell_s: dist([], 0, 0) } },
          {
            dims: { aisle: 'A', sequence: null },
            values: {
              shoppers: 3,
              dwell_s: dist(
                [
                  [4, 1],
                  [6, 1],
                  [30, 1],
                ],
                6,
                30,
              ),
            },
            folded: 2,
          },
          { dims: { aisle: 'B', sequence: null }, values: { shoppers: 4, dwell_s: dist([[2, 1]], 2, 2) }, folded: 1 },
        ],
      },
    ]);
    const local = sequences.query({ resolution: 'minute', fromMs: BIN, toMs: BIN + 60_000 });
    expect(local.rows.map((r) => r.dims.sequence)).toEqual(['A1>A2', 'A1>A3', 'A2>A9', 'B1', 'B1>B2']);
  });

  it('keep a record staged when the process dies before the outbox append, and append it once at the next start', async () => {
    fixture = await openStreams(streamConfig());
    const down: OutboxSink<OutboxStream> = {
      append() {
        throw new Error('outbox file locked');
      },
    };
    await fixture.restart({ more: { outbox: down } });
    const shelf = fixture.store.declare(shelfLane);
    expect(shelf.write([lane('4006381333931', 2, [5])])[0]?.staged).toBe(true);
    expect(staged(fixture)).toEqual([{ stream: 'shelf_lane', start_ms: BIN, revision: 1 }]);
    expect(fixture.outbox.pending('shelf')).toBe(0);

    // Killed; the next process appends what was staged before any part declares again.
    await fixture.restart({ crash: true });
    expect(staged(fixture)).toEqual([]);
    expect(shelfRecords(fixture)).toMatchObject([{ id: 'gw-1:shelf:1', ...head, revision: 1 }]);
    await fixture.restart();
    expect(fixture.outbox.pending('shelf')).toBe(1);
  });

  it('append a record again under its first id after a kill between the outbox commit and clearing it', async () => {
    fixture = await openStreams(streamConfig());
    const real = fixture.outbox;
    const dying: OutboxSink<OutboxStream> = {
      append(stream, records, options) {
        real.append(stream, records, options);
        throw new Error('killed after the outbox commit');
      },
    };
    await fixture.restart({ more: { outbox: dying } });
    fixture.store.declare(shelfLane).write([lane('4006381333931', 2, [5])]);
    const before = shelfRecords(fixture);
    expect(before).toMatchObject([{ id: 'gw-1:shelf:1', revision: 1 }]);
    expect(staged(fixture)).toHaveLength(1);

    await fixture.restart({ crash: true });
    expect(staged(fixture)).toEqual([]);
    expect(shelfRecords(fixture)).toEqual(before);
    const next = fixture.store.declare(shelfLane).write([lane('4006381333931', 1, [], BIN + 60_000)]);
    expect(next[0]?.staged).toBe(true);
    expect(shelfRecords(fixture).map((r) => r.id)).toEqual(['gw-1:shelf:1', 'gw-1:shelf:2']);
  });

  it('stage one record per closed 15-minute period when declared uplinkEvery 15min, also when housekeeping closes it', async () => {
    const f = await openStreams(streamConfig(), {}, Date.parse('2026-03-30T09:20:00Z'));
    fixture = f;
    const quarterly = { ...shelfLane, uplinkEvery: '15min' as const };
    const shelf = f.store.declare(quarterly);
    const minute = (m: number) => BIN + m * 60_000;
    const write = (m: number, pickups = 1) =>
      shelf.write(['4006381333931', '5000112548167'].map((sku) => lane(sku, pickups, [m], minute(m))))[0];
    for (let m = 0; m < 15; m++) expect(write(m)?.staged).toBe(false);
    expect(f.outbox.pending('shelf')).toBe(0);
    // 09:15 closes the 09:00 quarter: its one record holds the quarter's merged rows.
    expect(write(15)?.staged).toBe(true);
    const [first] = shelfRecords(f);
    expect(first).toMatchObject({ id: 'gw-1:shelf:1', type: 'shelf_lane', bin_start: head.bin_start, bin_s: 900 });
    expect(first?.revision).toBe(1);
    const hist = Array.from({ length: 15 }, (_, m) => [m, 1]);
    // Fifteen bins of one pickup each; one dwell sample per bin, 0 to 14 s.
    expect(first?.rows).toEqual(
      ['4006381333931', '5000112548167']
        .map((sku) => laneRow(sku, 15, { count: 15, p50: 7, p90: 13, hist }))
        .map((row) => ({ ...row, values: { ...row.values, items_min: 9, items_end: 9 } })),
    );
    // A late bin changes the closed quarter: revision 2; the same bin again: nothing.
    expect(write(3, 4)?.staged).toBe(true);
    expect(write(3, 4)?.staged).toBe(false);
    expect(
      shelfRecords(f).map((r) => [
        r.bin_start,
        r.revision,
        (r.rows as { values: { pickups: number } }[])[0]?.values.pickups,
      ]),
    ).toEqual([
      ['2026-03-30T09:00:00.000Z', 1, 15],
      ['2026-03-30T09:00:00.000Z', 2, 18],
    ]);
    // Off before the 09:15 quarter ended; the next start closes and stages it, no part declared yet.
    await f.store.stop();
    f.clock.now = Date.parse('2026-03-30T09:31:00Z');
    await f.restart();
    expect(shelfRecords(f).map((r) => [r.bin_start, r.bin_s, r.revision])).toEqual([
      ['2026-03-30T09:00:00.000Z', 900, 1],
      ['2026-03-30T09:00:00.000Z', 900, 2],
      ['2026-03-30T09:15:00.000Z', 900, 1],
    ]);
  });

  it('refuses uplinkEvery finer than analysis.bin_s', async () => {
    fixture = await openStreams(streamConfig('Europe/Berlin', { analysis: '{ bin_s: 3600 }' }));
    const store = fixture.store;
    expect(() => store.declare({ ...shelfLane, uplinkEvery: '15min' })).toThrow(
      'stream declaration "shelf_lane": uplinkEvery 15min is finer than analysis.bin_s (3600 s)',
    );
    expect(() => store.declare({ ...shelfLane, uplinkEvery: 'day' as never })).toThrow(
      'uplinkEvery must be one of bin, 15min, hour',
    );
  });
});
