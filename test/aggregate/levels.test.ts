import { afterEach, describe, expect, it } from 'vitest';
import { histogramOf, histogramPercentile } from '../../src/aggregate/dwell-histogram.js';
import { BinLevels } from '../../src/aggregate/levels.js';
import type { PathBinRecord } from '../../src/aggregate/records.js';
import { localIso, parseStoreTime, storeDayOf } from '../../src/aggregate/time-zone.js';
import { openStore, type StoreFixture } from './helpers.js';
import { scenarioConfig } from './scenario.js';

let fixture: StoreFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

describe('BinLevels', () => {
  it('keeps the levels at and above bin_s, each dividing the next', () => {
    expect(new BinLevels(60, 'UTC').levels.map((l) => [l.key, l.name, l.short])).toEqual([
      [60, 'minute', true],
      [900, '15min', true],
      [3600, 'hour', false],
      [86_400, 'day', false],
    ]);
    expect(new BinLevels(30, 'UTC').levels.map((l) => l.name)).toEqual([null, 'minute', '15min', 'hour', 'day']);
    expect(new BinLevels(300, 'UTC').levels.map((l) => l.key)).toEqual([300, 900, 3600, 86_400]);
    expect(() => new BinLevels(120, 'UTC')).toThrow(/analysis\.bin_s: 120 does not divide the 15min bin/);
    expect(() => new BinLevels(7 * 60, 'UTC')).toThrow(
      /analysis\.bin_s: 420 must be a whole number of seconds that divides 3600/,
    );
  });

  it('rebuilds a day from the coarsest level it holds whole', () => {
    const at = Date.parse('2026-06-01T12:00:00Z');
    const pick = (binS: number, zone: string) => {
      const levels = new BinLevels(binS, zone);
      const day = levels.levels[levels.levels.length - 1];
      if (!day) throw new Error('no day level');
      return levels.sourceOf(day, levels.periodOf(day, at)).key;
    };
    expect(pick(60, 'Europe/Berlin')).toBe(3600);
    expect(pick(60, 'Asia/Kolkata')).toBe(900); // +05:30
    expect(pick(3600, 'Asia/Kolkata')).toBe(3600); // the raw level, counted by start
    expect(pick(60, 'Asia/Kathmandu')).toBe(900); // +05:45
  });

  it('rolls 30 s bins up into minutes', async () => {
    const config = scenarioConfig();
    config.analysis.bin_s = 30;
    fixture = await openStore(config);
    const bin = (startMs: number, inCount: number, dwells: number[]): PathBinRecord => ({
      bin_start_ms: startMs,
      bin_s: 30,
      lines: { door: { entrance: true, in: inCount, out: 0, groups_in: inCount, groups_out: 0 } },
      zones: {
        till: {
          kind: 'queue',
          visits: dwells.length,
          dwells: dwells.filter((d) => d >= 10).length,
          pass_throughs: dwells.filter((d) => d < 10).length,
          dwell_total_s: dwells.reduce((a, b) => a + b, 0),
          dwell_hist_ds: histogramOf(dwells),
          occupancy: { end: 1, max: 2, person_s: 12 },
        },
      },
      transitions: [],
      paths: [],
      heatmap: null,
      store_visits: { count: 0, total_s: 0, open: 0 },
    });
    const t0 = Date.parse('2026-06-01T10:00:00Z');
    fixture.store.writeBin(bin(t0, 2, [4.04, 12]));
    fixture.store.writeBin(bin(t0 + 30_000, 3, [31.26]));
    const [minute] = fixture.store.zoneSeries({ resolution: 'minute', fromMs: t0, toMs: t0 + 60_000 });
    expect(minute).toMatchObject({ visits: 3, dwells: 2, dwell_p50_s: 12, dwell_p90_s: 31.3, occupancy_max: 2 });
    expect(minute?.occupancy_mean).toBeCloseTo(24 / 60, 12);
    expect(fixture.store.lineSeries({ resolution: 'minute', fromMs: t0, toMs: t0 + 60_000 })[0]?.in).toBe(5);
    expect(fixture.store.resolutions()).toEqual(['minute', '15min', 'hour', 'day']);
  });
});

describe('dwell histograms', () => {
  it('gives nearest-rank percentiles of the values rounded to 0.1 s', () => {
    const values = [0.04, 0.05, 1.26, 3, 3, 7.949, 7.95, 120.01];
    const histogram = histogramOf(values);
    expect(histogram).toEqual({ '0': 1, '1': 1, '13': 1, '30': 2, '79': 1, '80': 1, '1200': 1 });
    expect(histogramPercentile(histogram, 50)).toBe(3); // rank 4 of 8
    expect(histogramPercentile(histogram, 90)).toBe(120); // rank ceil(7.2) = 8
    expect(histogramPercentile(histogram, 1)).toBe(0);
    expect(histogramPercentile({}, 50)).toBe(0);
    expect(() => histogramPercentile(histogram, 0)).toThrow(/integer from 1 to 100/);
  });
});

describe('store time zone', () => {
  const tz = 'Europe/Berlin';
  it('reads times without an offset in the store zone, with one as given', () => {
    const ms = (text: string) => {
      const result = parseStoreTime(text, tz);
      if ('error' in result) throw new Error(result.error);
      return new Date(result.ms).toISOString();
    };
    expect(ms('2026-03-28')).toBe('2026-03-27T23:00:00.000Z');
    expect(ms('2026-07-01T09:30')).toBe('2026-07-01T07:30:00.000Z');
    expect(ms('2026-07-01T09:30:15.250')).toBe('2026-07-01T07:30:15.250Z');
    expect(ms('2026-07-01T09:30:00Z')).toBe('2026-07-01T09:30:00.000Z');
    expect(ms('2026-07-01T09:30:00-04:00')).toBe('2026-07-01T13:30:00.000Z');
    expect(ms('2026-03-29T02:30')).toBe('2026-03-29T01:30:00.000Z'); // in the gap: 03:30 CEST
    expect(ms('2026-10-25T02:30')).toBe('2026-10-25T00:30:00.000Z'); // twice: the first
    expect(parseStoreTime('2026-02-29', tz)).toEqual({ error: 'has day 29; 2026-02 has 28 days' });
    expect(parseStoreTime('2026-07-01T24:00', tz)).toHaveProperty('error');
    expect(parseStoreTime('yesterday', tz)).toHaveProperty('error');
  });

  it('cuts store days at local midnight, 23 and 25 hours long on DST days', () => {
    const hours = (iso: string) => {
      const day = storeDayOf(tz, Date.parse(iso));
      return [localIso(tz, day.start), (day.end - day.start) / 3_600_000];
    };
    expect(hours('2026-03-29T12:00:00Z')).toEqual(['2026-03-29T00:00:00+01:00', 23]);
    expect(hours('2026-10-25T12:00:00Z')).toEqual(['2026-10-25T00:00:00+02:00', 25]);
    expect(hours('2026-10-24T22:30:00Z')).toEqual(['2026-10-25T00:00:00+02:00', 25]);
    // Chile skips midnight: the day starts at the jump, 01:00.
    const santiago = storeDayOf('America/Santiago', Date.parse('2026-09-06T12:00:00Z'));
    expect(localIso('America/Santiago', santiago.start)).toBe('2026-09-06T01:00:00-03:00');
  });
});
