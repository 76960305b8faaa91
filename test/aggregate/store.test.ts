import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PathBinRecord } from '../../src/aggregate/records.js';
import { dumpTables, openStore, type StoreFixture } from './helpers.js';
import { buildScenario, DAY1, DAY2, type Scenario } from './scenario.js';

let scenario: Scenario;
let fixture: StoreFixture | undefined;
beforeAll(() => {
  scenario = buildScenario();
});
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

const MIN = 60_000;

/** The roll-up of `minutes`, computed here field by field (independently of src/aggregate/merge.ts). */
function expectedRollUp(minutes: PathBinRecord[]) {
  const lines: Record<string, number[]> = {};
  const zones: Record<string, { counts: number[]; max: number; hist: Record<string, number> }> = {};
  const flows: Record<string, number> = {};
  const heat: Record<string, number> = {};
  const visits = [0, 0, 0];
  for (const m of minutes) {
    for (const [id, l] of Object.entries(m.lines)) {
      const sum = lines[id] ?? [0, 0, 0, 0];
      lines[id] = sum;
      [l.in, l.out, l.groups_in, l.groups_out].forEach((v, i) => {
        sum[i] = (sum[i] as number) + v;
      });
    }
    for (const [id, z] of Object.entries(m.zones)) {
      const sum = zones[id] ?? { counts: [0, 0, 0, 0, 0], max: 0, hist: {} };
      zones[id] = sum;
      [z.visits, z.dwells, z.pass_throughs, z.dwell_total_s, z.occupancy.person_s].forEach((v, i) => {
        sum.counts[i] = (sum.counts[i] as number) + v;
      });
      sum.max = Math.max(sum.max, z.occupancy.max);
      for (const [ds, n] of Object.entries(z.dwell_hist_ds)) sum.hist[ds] = (sum.hist[ds] ?? 0) + n;
    }
    for (const f of [...m.transitions.map((t) => ['t', t] as const), ...m.paths.map((p) => ['p', p] as const)]) {
      const key = `${f[0]}:${f[1].zones.join('>')}`;
      flows[key] = (flows[key] ?? 0) + f[1].count;
    }
    for (const [cell, s] of Object.entries(m.heatmap?.cells ?? {})) heat[cell] = (heat[cell] ?? 0) + s;
    visits[0] = (visits[0] as number) + m.store_visits.count;
    visits[1] = (visits[1] as number) + m.store_visits.total_s;
    visits[2] = (visits[2] as number) + m.store_visits.open;
  }
  const last = minutes[minutes.length - 1];
  return { lines, zones, flows, heat, visits, last };
}

function expectRollUpEquals(stored: PathBinRecord, minutes: PathBinRecord[]) {
  const want = expectedRollUp(minutes);
  expect(
    Object.fromEntries(Object.entries(stored.lines).map(([id, l]) => [id, [l.in, l.out, l.groups_in, l.groups_out]])),
  ).toEqual(want.lines);
  expect(Object.keys(stored.zones).sort()).toEqual(Object.keys(want.zones).sort());
  for (const [id, z] of Object.entries(stored.zones)) {
    const w = want.zones[id] as { counts: number[]; max: number; hist: Record<string, number> };
    expect([z.visits, z.dwells, z.pass_throughs]).toEqual(w.counts.slice(0, 3));
    expect(z.dwell_total_s).toBeCloseTo(w.counts[3] as number, 9);
    expect(z.occupancy.person_s).toBeCloseTo(w.counts[4] as number, 9);
    expect(z.occupancy.max).toBe(w.max);
    expect(z.occupancy.end).toBe(want.last?.zones[id]?.occupancy.end ?? 0);
    expect(z.dwell_hist_ds).toEqual(w.hist);
  }
  const flows: Record<string, number> = {};
  for (const t of stored.transitions) flows[`t:${t.zones.join('>')}`] = t.count;
  for (const p of stored.paths) flows[`p:${p.zones.join('>')}`] = p.count;
  expect(flows).toEqual(want.flows);
  const heat = stored.heatmap?.cells ?? {};
  expect(Object.keys(heat).sort()).toEqual(Object.keys(want.heat).sort());
  // Cells are stored as float32 (src/aggregate/heat-codec.ts): relative error below 6e-8 per value.
  for (const [cell, s] of Object.entries(heat)) {
    const w = want.heat[cell] as number;
    expect(Math.abs(s - w)).toBeLessThanOrEqual(1.2e-7 * w);
  }
  expect(stored.store_visits.count).toBe(want.visits[0]);
  expect(stored.store_visits.total_s).toBeCloseTo(want.visits[1] as number, 9);
  expect(stored.store_visits.open).toBe(want.visits[2]);
}

function nearestRank(values: number[], percent: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil((percent / 100) * sorted.length) - 1] as number;
}

describe('AggregateStore roll-ups', () => {
  it('stores every 15-minute, hour and store-day bin as the sum of its minute bins', async () => {
    fixture = await openStore(scenario.config);
    for (const record of scenario.records) expect(fixture.store.writeBin(record).written).toBe(true);
    const all = [0, Date.parse('2100-01-01')] as const;
    const minutes = fixture.store.records('minute', ...all);
    expect(minutes).toHaveLength(scenario.records.length);
    const checks = { '15min': 15 * MIN, hour: 60 * MIN } as const;
    for (const [resolution, length] of Object.entries(checks)) {
      const stored = fixture.store.records(resolution as '15min' | 'hour', ...all);
      const starts = new Set(scenario.records.map((r) => Math.floor(r.bin_start_ms / length) * length));
      expect(stored.map((r) => r.bin_start_ms)).toEqual([...starts].sort((a, b) => a - b));
      for (const bin of stored) {
        expect(bin.bin_s * 1000).toBe(length);
        expectRollUpEquals(
          bin,
          minutes.filter((m) => m.bin_start_ms >= bin.bin_start_ms && m.bin_start_ms < bin.bin_start_ms + length),
        );
      }
    }
    const days = fixture.store.records('day', ...all);
    // Local days in Berlin: 24 h on the 28th, 23 h on the 29th (clocks go forward).
    expect(days.map((d) => [d.bin_start_ms, d.bin_s])).toEqual([
      [DAY1.start, 86_400],
      [DAY2.start, 82_800],
    ]);
    for (const day of days) {
      const inDay = minutes.filter(
        (m) => m.bin_start_ms >= day.bin_start_ms && m.bin_start_ms < day.bin_start_ms + day.bin_s * 1000,
      );
      expect(inDay.length).toBeGreaterThan(0);
      expectRollUpEquals(day, inDay);
    }
    // The copy that straddles local midnight is split between the two days.
    const around = minutes.filter((m) => Math.abs(m.bin_start_ms - DAY2.start) < 10 * MIN);
    expect(around.filter((m) => m.bin_start_ms < DAY2.start)).toHaveLength(3);
    expect(around.filter((m) => m.bin_start_ms >= DAY2.start)).toHaveLength(4);
  });

  it('reports day p50/p90 as the nearest-rank percentile of the raw dwells, rounded to 0.1 s', async () => {
    fixture = await openStore(scenario.config);
    for (const record of scenario.records) fixture.store.writeBin(record);
    for (const day of [DAY1, DAY2]) {
      const rows = fixture.store.zoneSeries({ resolution: 'day', fromMs: day.start, toMs: day.end });
      expect(rows.length).toBeGreaterThan(5);
      for (const row of rows) {
        const zone = scenario.model.zones.find((z) => z.id === row.zone);
        const raw = scenario.bins
          .filter((b) => b.index * 60_000 >= day.start && b.index * 60_000 < day.end)
          .flatMap((b) => b.dwells[zone?.index ?? -1] ?? []);
        expect(row.visits).toBe(raw.length);
        if (raw.length === 0) continue;
        for (const [percent, got] of [
          [50, row.dwell_p50_s],
          [90, row.dwell_p90_s],
        ] as const) {
          const exact = nearestRank(raw, percent);
          expect(got).toBe(Math.round(exact * 10) / 10);
          expect(Math.abs(got - exact)).toBeLessThanOrEqual(0.05 + 1e-9);
        }
        expect(row.dwell_mean_s).toBeCloseTo(raw.reduce((a, b) => a + b, 0) / raw.length, 9);
      }
    }
  });
});

describe('AggregateStore rewrites', () => {
  it('gives the same tables when every bin is written again, in any order', async () => {
    fixture = await openStore(scenario.config);
    for (const record of scenario.records) fixture.store.writeBin(record);
    const once = dumpTables(fixture.db);
    for (const record of [...scenario.records].reverse()) fixture.store.writeBin(record);
    expect(dumpTables(fixture.db)).toEqual(once);
  });

  it('replaces a re-closed bin and recomputes its roll-ups', async () => {
    fixture = await openStore(scenario.config);
    for (const record of scenario.records) fixture.store.writeBin(record);
    const original = dumpTables(fixture.db);
    const target = scenario.records[2] as PathBinRecord;
    const changed = structuredClone(target);
    const door = changed.lines.door ?? { entrance: true, in: 0, out: 0, groups_in: 0, groups_out: 0 };
    changed.lines.door = { ...door, in: door.in + 3, groups_in: door.groups_in + 1 };
    const hourOf = (s: StoreFixture) =>
      s.store.lineSeries({ resolution: 'hour', fromMs: DAY1.start, toMs: DAY1.end, lines: ['door'] });
    const before = hourOf(fixture).find((r) => r.start_ms === Date.parse('2026-03-28T08:00:00Z'));
    fixture.store.writeBin(changed);
    const after = hourOf(fixture).find((r) => r.start_ms === Date.parse('2026-03-28T08:00:00Z'));
    expect(after?.in).toBe((before?.in ?? 0) + 3);
    const day = fixture.store.lineSeries({ resolution: 'day', fromMs: DAY1.start, toMs: DAY1.end, lines: ['door'] });
    const minuteSum = scenario.records
      .filter((r) => r.bin_start_ms < DAY1.end)
      .reduce((sum, r) => sum + (r.lines.door?.in ?? 0), 0);
    expect(day[0]?.in).toBe(minuteSum + 3);
    fixture.store.writeBin(target);
    expect(dumpTables(fixture.db)).toEqual(original);
  });

  it('keeps everything across a restart on the same file', async () => {
    fixture = await openStore(scenario.config);
    for (const record of scenario.records) fixture.store.writeBin(record);
    const before = dumpTables(fixture.db);
    await fixture.reopen();
    expect(dumpTables(fixture.db)).toEqual(before);
    expect(fixture.store.writeBin(scenario.records[0] as PathBinRecord).written).toBe(true);
    expect(dumpTables(fixture.db)).toEqual(before);
  });

  it('refuses a record with a bad field, naming it, and writes nothing', async () => {
    fixture = await openStore(scenario.config);
    const bad = structuredClone(scenario.records[0] as PathBinRecord);
    (bad.zones.pavement_west as { dwell_total_s: number }).dwell_total_s = Number.NaN;
    expect(() => fixture?.store.writeBin(bad)).toThrow(/zones\.pavement_west\.dwell_total_s must be a finite number/);
    const misaligned = { ...(scenario.records[0] as PathBinRecord), bin_start_ms: DAY1.start + 1000 };
    expect(() => fixture?.store.writeBin(misaligned)).toThrow(/bin_start_ms .* 60 s boundary/);
    expect(dumpTables(fixture.db).bins).toEqual([]);
  });
});
