/**
 * Roll-up periods are stored when they close, not on every bin (src/aggregate/streams/periods.ts):
 * what each write changes, a late bin in a closed period, and an idle stream whose open periods must
 * be stored before retention deletes the bins they merge — across a restart.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { StreamRecord } from '../../../src/aggregate/streams/records.js';
import { openStreams, type StreamsFixture, streamConfig, till } from './helpers.js';

let fixture: StreamsFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

const at = Date.parse;
const sale = (start: string, id: string, transactions: number): StreamRecord => ({
  bin_start_ms: at(start),
  dims: { till: id },
  values: { transactions, revenue_cents: 100 * transactions, basket_items: [transactions] },
});
const TILLS = ['t1', 't2', 't3', 't4'];
const stored = (f: StreamsFixture, res: number) =>
  f.db.prepare('SELECT COUNT(*) FROM agg_stream_row WHERE res_s = ?').pluck().get(res);

describe('roll-up periods', () => {
  it('write only the raw bin inside an open period, and each coarse period once when it closes', async () => {
    fixture = await openStreams(streamConfig('Europe/Berlin'));
    const tills = fixture.store.declare(till);
    const minute = (m: number) => `2026-03-30T09:${String(m).padStart(2, '0')}:00Z`;
    const changed = (m: number) => tills.write(TILLS.map((t) => sale(minute(m), t, 1)))[0]?.rows_changed;
    // 09:00–09:14 stay in the open quarter, hour and day: 4 raw rows each.
    for (let m = 0; m < 15; m++) expect(changed(m)).toBe(4);
    expect([stored(fixture, 900), stored(fixture, 3600), stored(fixture, 86_400)]).toEqual([0, 0, 0]);
    // 09:15 closes the 09:00 quarter: 4 raw rows + its 4 quarter rows.
    expect(changed(15)).toBe(8);
    // The same bin again changes nothing at all.
    expect(changed(15)).toBe(0);
    // A late bin in the closed quarter recomputes it there; only the row that changed is written.
    const late = TILLS.map((t) => sale(minute(3), t, t === 't2' ? 5 : 1));
    expect(tills.write(late)[0]?.rows_changed).toBe(2);
    const quarter = tills.query({ resolution: '15min', fromMs: at(minute(0)), toMs: at(minute(30)) });
    expect(quarter.rows.map((r) => [r.dims.till, r.values.transactions])).toEqual([
      ['t1', 15],
      ['t2', 19],
      ['t3', 15],
      ['t4', 15],
      ['t1', 1],
      ['t2', 1],
      ['t3', 1],
      ['t4', 1],
    ]);
    // The open hour reads as the merge of the closed quarter and the open one.
    const hour = tills.query({
      resolution: 'hour',
      fromMs: at(minute(0)),
      toMs: at(minute(30)),
      where: { till: ['t2'] },
    });
    expect(hour.rows.map((r) => r.values.transactions)).toEqual([20]);
    expect(stored(fixture, 3600)).toBe(0);
  });

  it('store an idle stream’s ended periods at the next start, before retention deletes its bins', async () => {
    const config = streamConfig('Europe/Berlin', { storage: '{ minute_retention_days: 1, hour_retention_days: 30 }' });
    fixture = await openStreams(config, {}, at('2026-03-30T09:30:00Z'));
    const tills = fixture.store.declare(till);
    tills.write(TILLS.flatMap((t) => [sale('2026-03-30T09:10:00Z', t, 2), sale('2026-03-30T09:20:00Z', t, 3)]));
    const day = () =>
      fixture?.store
        .declare(till)
        .query({ resolution: 'day', fromMs: at('2026-03-29T22:00:00Z'), toMs: at('2026-03-31T00:00:00Z') })
        .rows.map((r) => [r.bin_start_ms, r.dims.till, r.values.transactions]);
    const expected = TILLS.map((t) => [at('2026-03-29T22:00:00Z'), t, 5]);
    expect(day()).toEqual(expected);
    expect(stored(fixture, 86_400)).toBe(0);

    // Off for three days: the raw bins are past retention when it comes back.
    await fixture.store.stop();
    fixture.clock.now = at('2026-04-02T09:30:00Z');
    await fixture.restart();
    expect(stored(fixture, 60)).toBe(0);
    expect(stored(fixture, 86_400)).toBe(4);
    expect(day()).toEqual(expected);
    const hours = fixture.store
      .declare(till)
      .query({ resolution: 'hour', fromMs: 0, toMs: at('2026-04-03T00:00:00Z') });
    expect(hours.rows.map((r) => [r.dims.till, r.values.transactions])).toEqual(TILLS.map((t) => [t, 5]));
  });
});
