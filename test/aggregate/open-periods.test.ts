/**
 * Roll-ups stored when their period closes (src/aggregate/open-periods.ts): each coarse bin is written
 * once, the open period is merged from below when read — by the series readers and by the paged HQ
 * statements — a store written before marks existed is adopted, and retention keeps what an open
 * period is merged from.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mergeRecords } from '../../src/aggregate/merge.js';
import type { PathBinRecord } from '../../src/aggregate/records.js';
import { AggregateStatements } from '../../src/aggregate/statements.js';
import { dumpTables, openStore, type StoreFixture } from './helpers.js';
import { buildScenario, DAY1, DAY2, type Scenario, scenarioConfig } from './scenario.js';

let scenario: Scenario;
let fixture: StoreFixture | undefined;
beforeAll(() => {
  scenario = buildScenario(scenarioConfig({ storage: { minute_retention_days: 2, hour_retention_days: 30 } }));
});
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

const COARSE = [900, 3600, 86_400];
const marks = (s: StoreFixture) =>
  new Map(
    (s.db.prepare('SELECT res_s, open_ms FROM agg_mark').all() as { res_s: number; open_ms: number }[]).map((r) => [
      r.res_s,
      r.open_ms,
    ]),
  );
const coarseRows = (s: StoreFixture) =>
  s.db.prepare('SELECT res_s, start_ms FROM agg_bin WHERE res_s > 60 ORDER BY 1, 2').all() as {
    res_s: number;
    start_ms: number;
  }[];

/**
 * Numbers to 6 significant digits: heatmap cells are stored as float32 (heat-codec.ts) and sums taken
 * in another order differ in the last bits, so a stored roll-up and a merge of its parts agree to that.
 */
const approx = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value), (_, v) => (typeof v === 'number' ? Number(v.toPrecision(6)) : v));

describe('roll-up periods', () => {
  it('stores each coarse bin once, when its period closes, and never the open one', async () => {
    fixture = await openStore(scenario.config, {}, Date.parse('2026-03-30T00:00:00Z'));
    fixture.db.exec(`CREATE TEMP TABLE inserted (res_s INTEGER, start_ms INTEGER);
      CREATE TEMP TRIGGER count_inserts AFTER INSERT ON main.agg_bin WHEN new.res_s > 60
      BEGIN INSERT INTO inserted VALUES (new.res_s, new.start_ms); END;`);
    for (const record of scenario.records) {
      fixture.store.writeBin(record);
      const open = marks(fixture);
      // Every stored coarse bin lies before its level's open period; the open period holds the newest bin.
      for (const row of coarseRows(fixture)) expect(row.start_ms).toBeLessThan(open.get(row.res_s) as number);
      for (const res of COARSE) expect(open.get(res)).toBeLessThanOrEqual(record.bin_start_ms);
    }
    const inserts = fixture.db.prepare('SELECT res_s, start_ms, COUNT(*) AS n FROM inserted GROUP BY 1, 2').all() as {
      n: number;
    }[];
    expect(inserts.length).toBe(coarseRows(fixture).length);
    expect(inserts.every((row) => row.n === 1)).toBe(true);
    // What readers see of the open day is the merge of its minutes.
    const minutes = scenario.records.filter((r) => r.bin_start_ms >= DAY2.start);
    const [day] = fixture.store.records('day', DAY2.start, DAY2.end);
    expect(approx(day)).toEqual(approx(mergeRecords(minutes, DAY2.start, (DAY2.end - DAY2.start) / 1000)));
  });

  it('answers the paged HQ statements over the open period as over stored ones', async () => {
    fixture = await openStore(scenario.config, {}, Date.parse('2026-03-30T00:00:00Z'));
    for (const record of scenario.records) fixture.store.writeBin(record);
    const store = fixture.store;
    const day = { resolution: 'day' as const, fromMs: DAY2.start, toMs: DAY2.end };
    const minutes = { resolution: 'minute' as const, fromMs: DAY2.start, toMs: DAY2.end };
    expect(marks(fixture).get(86_400)).toBe(DAY2.start);
    expect(store.seriesIds('zone', day)).toEqual(store.seriesIds('zone', minutes));
    expect(store.seriesIds('line', day)).toEqual(store.seriesIds('line', minutes));
    const k = scenario.config.analysis.k_anonymity;
    const page = { limit: 1000, offset: 0 };
    expect(store.flowRanking('path', k, { ...day, ...page })).toEqual(
      store.flowRanking('path', k, { ...minutes, ...page }),
    );
    const totals = store.flowTotals('transition', minutes);
    const rows = totals.filter((f) => f.count >= k).length + (totals.some((f) => f.count < k) ? 1 : 0);
    expect(totals.length).toBeGreaterThan(0);
    expect(store.flowBinRows('transition', k, day)).toEqual([{ start_ms: DAY2.start, rows }]);
    // Both days, the first stored and the second open, in time order.
    const both = { resolution: 'day' as const, fromMs: DAY1.start, toMs: DAY2.end };
    expect(store.flowBinRows('transition', k, both).map((r) => r.start_ms)).toEqual([DAY1.start, DAY2.start]);
  });

  it('adopts a store that rewrote its roll-ups on every bin: the open periods leave the tables', async () => {
    fixture = await openStore(scenario.config, {}, Date.parse('2026-03-30T00:00:00Z'));
    for (const record of scenario.records) fixture.store.writeBin(record);
    const now = dumpTables(fixture.db);
    const open = marks(fixture);
    // What the earlier version held: the open periods stored too, and no marks.
    const sql = new AggregateStatements(fixture.db);
    const resolutions = { 900: '15min', 3600: 'hour', 86400: 'day' } as const;
    for (const res of COARSE) {
      const name = resolutions[res as keyof typeof resolutions];
      const [record] = fixture.store.records(name, open.get(res) as number, Number.MAX_SAFE_INTEGER);
      sql.write(res, record as PathBinRecord, 0);
    }
    fixture.db.exec('DELETE FROM agg_mark');
    expect(dumpTables(fixture.db)).not.toEqual(now);
    await fixture.reopen();
    expect(marks(fixture)).toEqual(open);
    expect(dumpTables(fixture.db)).toEqual(now);
  });

  it('keeps the bins an open period is merged from past their retention, until it closes', async () => {
    fixture = await openStore(scenario.config, {}, Date.parse('2026-03-30T00:00:00Z'));
    for (const record of scenario.records) fixture.store.writeBin(record);
    const newest = scenario.records[scenario.records.length - 1] as PathBinRecord;
    const quarter = Math.floor(newest.bin_start_ms / 900_000) * 900_000;
    const inQuarter = scenario.records.filter((r) => r.bin_start_ms >= quarter).length;
    fixture.clock.now = newest.bin_start_ms + 3 * 86_400_000;
    fixture.store.applyRetention();
    // Minutes are past minute_retention_days, but the open quarter is merged from its minutes.
    expect(fixture.store.records('minute', 0, Number.MAX_SAFE_INTEGER)).toHaveLength(inQuarter);
    const before = fixture.store.records('day', DAY2.start, DAY2.end);
    // The next bin closes the quarter, hour and day: stored, its minutes may go.
    const next = { ...structuredClone(newest), bin_start_ms: fixture.clock.now - 60_000 };
    next.bin_start_ms -= next.bin_start_ms % 60_000;
    expect(fixture.store.writeBin(next).written).toBe(true);
    fixture.store.applyRetention();
    expect(fixture.store.records('minute', 0, Number.MAX_SAFE_INTEGER)).toEqual([next]);
    expect(approx(fixture.store.records('day', DAY2.start, DAY2.end))).toEqual(approx(before));
  });
});
