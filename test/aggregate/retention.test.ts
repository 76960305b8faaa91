import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PathBinRecord } from '../../src/aggregate/records.js';
import { createRegistry } from '../../src/metrics.js';
import { openStore, type StoreFixture } from './helpers.js';
import { buildScenario, DAY1, DAY2, type Scenario, scenarioConfig } from './scenario.js';

let scenario: Scenario;
let fixture: StoreFixture | undefined;
beforeAll(() => {
  scenario = buildScenario(scenarioConfig({ storage: { minute_retention_days: 2, hour_retention_days: 3 } }));
});
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

const DAY = 86_400_000;
const RESOLUTIONS = { 60: 'minute', 900: '15min', 3600: 'hour', 86400: 'day' } as const;
/** Bin starts of a level as readers see them: stored periods and the open one (open-periods.ts). */
const starts = (s: StoreFixture, res_s: keyof typeof RESOLUTIONS) =>
  s.store.records(RESOLUTIONS[res_s], 0, Number.MAX_SAFE_INTEGER).map((record) => record.bin_start_ms);
const floorTo = (ms: number, length: number) => Math.floor(ms / length) * length;
const unique = (values: number[]) => [...new Set(values)].sort((a, b) => a - b);

describe('retention by resolution', () => {
  it('deletes minute and 15-minute bins after minute_retention_days, hours and days after hour_retention_days', async () => {
    fixture = await openStore(scenario.config, {}, Date.parse('2026-03-29T13:00:00Z'));
    for (const record of scenario.records) expect(fixture.store.writeBin(record).written).toBe(true);
    const minutes = scenario.records.map((r) => r.bin_start_ms);
    const quarters = unique(minutes.map((m) => floorTo(m, 900_000)));
    const hours = unique(minutes.map((m) => floorTo(m, 3_600_000)));

    // 2 days after 10:15Z on the 28th: the 08:00 and 10:00 copies' fine bins go, 10:30 stays.
    fixture.clock.now = Date.parse('2026-03-30T10:15:00Z');
    const first = fixture.store.applyRetention();
    const shortCut = fixture.clock.now - 2 * DAY;
    expect(starts(fixture, 60)).toEqual(minutes.filter((m) => m >= shortCut));
    expect(starts(fixture, 900)).toEqual(quarters.filter((m) => m >= shortCut));
    expect(starts(fixture, 3600)).toEqual(hours);
    expect(starts(fixture, 86_400)).toEqual([DAY1.start, DAY2.start]);
    expect(first['60']).toBe(minutes.filter((m) => m < shortCut).length);
    expect(first['900']).toBe(quarters.filter((m) => m < shortCut).length);
    expect(first['60']).toBeGreaterThan(0);

    // A day later: every fine bin of the 28th is gone; hours before 09:00Z on the 28th and that day too.
    fixture.clock.now = Date.parse('2026-03-31T09:00:00Z');
    fixture.store.applyRetention();
    const longCut = fixture.clock.now - 3 * DAY;
    const shortCut2 = fixture.clock.now - 2 * DAY;
    expect(starts(fixture, 60)).toEqual(minutes.filter((m) => m >= shortCut2));
    expect(starts(fixture, 60).every((m) => m >= DAY2.start)).toBe(true);
    expect(starts(fixture, 3600)).toEqual(hours.filter((h) => h >= longCut));
    expect(starts(fixture, 86_400)).toEqual([DAY2.start]);
    // Zone, line and flow rows went with their bins.
    const orphans = fixture.db
      .prepare(
        `SELECT (SELECT COUNT(*) FROM agg_zone z WHERE NOT EXISTS (SELECT 1 FROM agg_bin b WHERE b.res_s = z.res_s AND b.start_ms = z.start_ms))
              + (SELECT COUNT(*) FROM agg_flow f WHERE NOT EXISTS (SELECT 1 FROM agg_bin b WHERE b.res_s = f.res_s AND b.start_ms = f.start_ms)) AS n`,
      )
      .get() as { n: number };
    expect(orphans.n).toBe(0);
  });

  it('refuses a late bin whose roll-ups would need deleted bins, and leaves the roll-ups as they were', async () => {
    const metrics = createRegistry();
    fixture = await openStore(scenario.config, { metrics }, Date.parse('2026-03-29T13:00:00Z'));
    for (const record of scenario.records) fixture.store.writeBin(record);
    fixture.clock.now = Date.parse('2026-03-30T10:40:00Z');
    fixture.store.applyRetention();
    const hourRow = () =>
      fixture?.store.lineSeries({ resolution: 'hour', fromMs: DAY1.start, toMs: DAY1.end, lines: ['pavement'] });
    const before = hourRow();
    // 10:36Z on the 28th is within 2 days, but its 15-minute bin (10:30) started before the cut-off.
    const late = structuredClone(scenario.records.find((r) => r.bin_start_ms === Date.parse('2026-03-28T10:36:00Z')));
    expect(late).toBeDefined();
    const result = fixture.store.writeBin(late as PathBinRecord);
    expect(result).toEqual({ written: false, reason: 'expired', staged: [] });
    expect(hourRow()).toEqual(before);
    expect(await metrics.getSingleMetricAsString('omo_aggregate_bins_refused_total')).toContain('reason="expired"} 1');
  });
});
