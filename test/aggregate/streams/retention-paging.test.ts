/**
 * Retention of declared streams by level (storage.minute_retention_days for levels finer than an hour,
 * hour_retention_days for hours and days), late bins refused when their roll-ups would need deleted
 * bins, and SQL-side keyset paging in (bin start, dimensions) order with dimension filters.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { StreamRecord } from '../../../src/aggregate/streams/records.js';
import { allRows } from './expected.js';
import { openStreams, type StreamsFixture, shelfLane, streamConfig } from './helpers.js';

let fixture: StreamsFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

const at = Date.parse;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16);
const record = (start: string | number, sku: string, lane: string, pickups = 1): StreamRecord => ({
  bin_start_ms: typeof start === 'number' ? start : at(start),
  dims: { sku, lane },
  values: { pickups, put_backs: 0, items_min: 3, items_max: 5, items_end: 4, dwell_s: [pickups] },
});
/** Bin starts (UTC minutes) held per level. */
function held(f: StreamsFixture): Record<number, string[]> {
  const rows = f.db.prepare('SELECT DISTINCT res_s, start_ms FROM agg_stream_row ORDER BY 1, 2').all() as {
    res_s: number;
    start_ms: number;
  }[];
  const out: Record<number, string[]> = {};
  for (const { res_s, start_ms } of rows) out[res_s] = [...(out[res_s] ?? []), iso(start_ms)];
  return out;
}

describe('declared stream retention', () => {
  it('deletes fine levels after minute_retention_days, hours and days after hour_retention_days', async () => {
    const config = streamConfig('Europe/Berlin', { storage: '{ minute_retention_days: 2, hour_retention_days: 3 }' });
    fixture = await openStreams(config, {}, at('2026-03-28T13:00:00Z'));
    const shelf = fixture.store.declare(shelfLane);
    const starts = ['2026-03-27T08:00', '2026-03-28T10:10', '2026-03-28T10:20', '2026-03-28T10:36', '2026-03-29T12:00'];
    shelf.write(starts.flatMap((s) => [record(`${s}:00Z`, 'a', '1'), record(`${s}:00Z`, 'b', '1')]));
    const staged = () => fixture?.db.prepare('SELECT COUNT(*) FROM agg_stream_uplink').pluck().get();
    expect(staged()).toBe(5);

    // Roll-ups of the newest bin's periods are open (not stored yet); housekeeping stores them once
    // ended by the wall clock, then retention runs. Fine levels keep from 10:15Z on the 28th, hours
    // and days from 10:15Z on the 27th.
    expect(held(fixture)[900]).not.toContain('2026-03-29T12:00');
    fixture.clock.now = at('2026-03-30T10:15:00Z');
    expect(fixture.store.closeEndedPeriods()).toBe(6);
    expect(fixture.store.applyRetention()).toEqual({ 60: 4, 900: 4, 3600: 2, 86400: 2 });
    expect(held(fixture)).toEqual({
      60: ['2026-03-28T10:20', '2026-03-28T10:36', '2026-03-29T12:00'],
      900: ['2026-03-28T10:15', '2026-03-28T10:30', '2026-03-29T12:00'],
      3600: ['2026-03-28T10:00', '2026-03-29T12:00'],
      // Store days in Berlin: the 28th starts at 23:00Z on the 27th.
      86400: ['2026-03-27T23:00', '2026-03-28T23:00'],
    });
    // The uplink bookkeeping of deleted raw bins goes too (they can no longer be rewritten).
    expect(staged()).toBe(3);

    // 10:16Z is kept raw, but its hour would be rebuilt from 15-minute bins already deleted: refused.
    const hourBefore = shelf.query({ resolution: 'hour', fromMs: 0, toMs: at('2026-04-01T00:00:00Z') });
    expect(shelf.write([record('2026-03-28T10:16:00Z', 'a', '1')])).toEqual([
      { bin_start_ms: at('2026-03-28T10:16:00Z'), written: false, reason: 'expired', rows_changed: 0, staged: false },
    ]);
    expect(shelf.query({ resolution: 'hour', fromMs: 0, toMs: at('2026-04-01T00:00:00Z') })).toEqual(hourBefore);
    // 11:00Z still rolls up whole: accepted.
    expect(shelf.write([record('2026-03-28T11:00:00Z', 'a', '1')])[0]?.written).toBe(true);
  });
});

describe('declared stream paging', () => {
  const skus = ['0001', '0002', '0003', '0004', '0005', '0006', '0007', '0008'];
  const lanes = ['1', '2', '3', '4', '5'];
  const bins = ['09:00', '09:01', '09:07', '09:20'].map((hm) => at(`2026-03-30T${hm}:00Z`));
  const range = { resolution: 'minute' as const, fromMs: bins[0] as number, toMs: at('2026-03-30T10:00:00Z') };

  it('walks a range in pages of `limit` rows ordered by (bin start, dimensions), with filters', async () => {
    fixture = await openStreams(streamConfig());
    const shelf = fixture.store.declare(shelfLane);
    // Written in reverse so storage order is not write order.
    shelf.write(bins.flatMap((b) => skus.flatMap((s) => lanes.map((l) => record(b, s, l)))).reverse());
    const whole = shelf.query({ ...range, limit: 10_000 });
    expect(whole.next).toBeNull();
    expect(whole.rows.map((r) => `${iso(r.bin_start_ms)} ${r.dims.sku} ${r.dims.lane}`)).toEqual(
      bins.flatMap((b) => skus.flatMap((s) => lanes.map((l) => `${iso(b)} ${s} ${l}`))),
    );
    const sizes: number[] = [];
    let page = shelf.query({ ...range, limit: 7 });
    const walked = [...page.rows];
    sizes.push(page.rows.length);
    while (page.next !== null) {
      page = shelf.query({ ...range, limit: 7, after: page.next });
      walked.push(...page.rows);
      sizes.push(page.rows.length);
    }
    expect(walked).toEqual(whole.rows);
    expect(sizes).toEqual([...Array(22).fill(7), 6]);

    const filtered = allRows(shelf, { ...range, where: { sku: ['0003', '0007'], lane: ['2'] }, limit: 4 });
    expect(filtered.map((r) => `${iso(r.bin_start_ms)} ${r.dims.sku} ${r.dims.lane}`)).toEqual(
      bins.flatMap((b) => [`${iso(b)} 0003 2`, `${iso(b)} 0007 2`]),
    );
    expect(shelf.query({ ...range, where: { sku: ['9999'] } })).toEqual({ rows: [], next: null });
    // Quarters: 09:00 is closed (stored, three bins), 09:15 open (merged when read): pages run across.
    const quarters = allRows(shelf, { ...range, resolution: '15min', limit: 7 });
    expect(quarters).toEqual(shelf.query({ ...range, resolution: '15min' }).rows);
    expect(quarters.map((r) => `${iso(r.bin_start_ms)} ${r.dims.sku} ${r.dims.lane} ${r.values.pickups}`)).toEqual(
      ['09:00', '09:15'].flatMap((hm, i) =>
        skus.flatMap((s) => lanes.map((l) => `2026-03-30T${hm} ${s} ${l} ${i === 0 ? 3 : 1}`)),
      ),
    );
    expect(quarters[0]?.bin_end_ms).toBe((bins[0] as number) + 900_000);
  });

  it('refuses bad query options, naming the field', async () => {
    fixture = await openStreams(streamConfig('Europe/Berlin', { analysis: '{ bin_s: 300 }' }));
    const shelf = fixture.store.declare(shelfLane);
    const refusals: [Record<string, unknown>, string][] = [
      [{ resolution: 'minute' }, 'shelf_lane query resolution minute is finer than analysis.bin_s (300 s)'],
      [{ resolution: 'week' }, 'shelf_lane query resolution week must be one of raw, minute, 15min, hour, day'],
      [{ fromMs: Number.NaN }, 'shelf_lane query fromMs must be an epoch ms'],
      [{ limit: 0 }, 'shelf_lane query limit must be 1 to 10000'],
      [{ where: { aisle: ['x'] } }, 'shelf_lane query where.aisle is not a dimension of shelf_lane'],
      [{ where: { sku: 'x' } }, 'shelf_lane query where.sku must be an array of strings'],
      [{ after: 'not-a-cursor' }, 'shelf_lane query after is not a cursor a previous page returned'],
    ];
    for (const [change, message] of refusals) {
      expect(() => shelf.query({ ...range, resolution: 'raw', ...change } as never)).toThrow(message);
    }
  });
});
