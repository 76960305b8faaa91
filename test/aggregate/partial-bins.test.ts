/**
 * A clean stop inside a bin flushes it partial; the restarted gateway's write of the same bin is merged
 * into it, not replacing it (README "Partial bins", ARCHITECTURE §11 "no acknowledged aggregate is
 * lost"). Figures from the real engines over zara01 (bin-parts.ts); the reference is one run over the
 * same samples with tracks split at the stops, written to a second store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Resolution } from '../../src/aggregate/levels.js';
import { mergeBinParts } from '../../src/aggregate/merge.js';
import type { RangeOptions } from '../../src/aggregate/query.js';
import type { PathBinRecord } from '../../src/aggregate/records.js';
import { aggregateMigrations } from '../../src/aggregate/schema.js';
import { AggregateStore } from '../../src/aggregate/store.js';
import { createRegistry } from '../../src/metrics.js';
import { compileFloor } from '../../src/paths/floor-model.js';
import { applyMigrations, openDatabase } from '../../src/store/database.js';
import { binParts, expectSameRecords } from './bin-parts.js';
import { dumpTables, openStore, type StoreFixture } from './helpers.js';
import { COPY_STARTS, DAY1, scenarioConfig, scenarioTracks } from './scenario.js';

const config = scenarioConfig();
const model = compileFloor(config.floor, config.analysis);
const COPY = COPY_STARTS[0] as number;
/** The first copy of zara01 only (08:00Z–08:10Z on 28 March): fast, and busy in every minute. */
const rows = scenarioTracks().filter((row) => row.t < COPY + 600);
/** The bin the gateway stops in: 08:02–08:03. */
const BIN = (COPY + 120) * 1000;
const GAP_S = 3;
const LEVELS: (Resolution | 'raw')[] = ['raw', '15min', 'hour', 'day'];

const open: StoreFixture[] = [];
afterEach(async () => {
  for (const fixture of open.splice(0)) await fixture.close();
});
async function store(): Promise<StoreFixture> {
  const fixture = await openStore(config);
  open.push(fixture);
  return fixture;
}
async function referenceStore(records: readonly PathBinRecord[]): Promise<StoreFixture> {
  const fixture = await store();
  for (const record of records) fixture.store.writeBin(record);
  return fixture;
}

const binOf = (records: readonly PathBinRecord[]) => records.find((r) => r.bin_start_ms === BIN) as PathBinRecord;
const visits = (record: PathBinRecord) => Object.values(record.zones).reduce((n, z) => n + z.visits, 0);
const stored = (fixture: StoreFixture) => fixture.store.records('raw', BIN, BIN + 1)[0] as PathBinRecord;

function nearestRank(values: number[], percent: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil((percent / 100) * sorted.length) - 1] as number;
}

describe('partial bins across a clean stop and restart', () => {
  it('merges the continuation of a partial bin: both parts at every level, nothing twice', async () => {
    const { parts, reference } = binParts(model, rows, [COPY + 150], GAP_S);
    const [before, after] = parts as [PathBinRecord[], PathBinRecord[]];
    // Visits ended on both sides of the stop, so replacing the bin would lose some of them.
    expect(binOf(before).partial).toBe(true);
    expect(visits(binOf(before))).toBeGreaterThan(3);
    expect(binOf(after).partial).toBeUndefined();
    expect(visits(binOf(after))).toBeGreaterThan(3);
    expect(before.filter((r) => r.partial).map((r) => r.bin_start_ms)).toEqual([BIN]);

    const fixture = await store();
    for (const record of before) expect(fixture.store.writeBin(record)).toMatchObject({ written: true, merged: false });
    expect(stored(fixture).partial).toBe(true);
    const merged = after.filter((record) => fixture.store.writeBin(record).merged).map((r) => r.bin_start_ms);
    expect(merged).toEqual([BIN]);
    expect(stored(fixture).partial).toBeUndefined();
    expect(visits(stored(fixture))).toBe(visits(binOf(before)) + visits(binOf(after)));

    const ref = await referenceStore(reference);
    for (const level of LEVELS) {
      expectSameRecords(
        fixture.store.records(level, DAY1.start, DAY1.end),
        ref.store.records(level, DAY1.start, DAY1.end),
      );
    }
  });

  it('partial, partial, then final: each part adds, the bin stays partial until a final part comes', async () => {
    const { parts, reference } = binParts(model, rows, [COPY + 135, COPY + 160], GAP_S);
    const [first, second, last] = parts as [PathBinRecord[], PathBinRecord[], PathBinRecord[]];
    expect(second.map((r) => [r.bin_start_ms, r.partial])).toEqual([[BIN, true]]);
    expect([first, second, last].map((part) => visits(binOf(part)) > 0)).toEqual([true, true, true]);

    const fixture = await store();
    for (const record of first) fixture.store.writeBin(record);
    expect(fixture.store.writeBin(binOf(second)).merged).toBe(true);
    const twoParts = stored(fixture);
    expect(twoParts.partial).toBe(true);
    expect(visits(twoParts)).toBe(visits(binOf(first)) + visits(binOf(second)));
    const door = (r: PathBinRecord) => (r.lines.pavement?.in ?? 0) + (r.lines.pavement?.out ?? 0);
    expect(door(twoParts)).toBe(door(binOf(first)) + door(binOf(second)));
    for (const record of last) fixture.store.writeBin(record);
    expect(stored(fixture).partial).toBeUndefined();

    const ref = await referenceStore(reference);
    for (const level of LEVELS) {
      expectSameRecords(
        fixture.store.records(level, DAY1.start, DAY1.end),
        ref.store.records(level, DAY1.start, DAY1.end),
      );
    }
  });

  it('a bin stored final is replaced by the next write of it, partial or not (idempotent re-close)', async () => {
    const { parts, reference } = binParts(model, rows, [COPY + 150], GAP_S);
    const fixture = await referenceStore(reference);
    const tables = dumpTables(fixture.db);
    const continuation = binOf(parts[1] as PathBinRecord[]);
    expect(fixture.store.writeBin(continuation)).toMatchObject({ written: true, merged: false });
    expect(visits(stored(fixture))).toBe(visits(continuation));
    fixture.store.writeBin(binOf(reference));
    expect(dumpTables(fixture.db)).toEqual(tables);
    // Merging happens only over a stored PARTIAL bin: a partial write over a final one replaces it.
    const flushed = binOf(parts[0] as PathBinRecord[]);
    expect(fixture.store.writeBin(flushed)).toMatchObject({ written: true, merged: false });
    expect(visits(stored(fixture))).toBe(visits(flushed));
    expect(stored(fixture).partial).toBe(true);
  });

  it('rolls up and reports nearest-rank p50/p90 of both parts right after the merge', async () => {
    const { parts, referenceBins } = binParts(model, rows, [COPY + 150], GAP_S);
    const fixture = await store();
    for (const record of parts[0] as PathBinRecord[]) fixture.store.writeBin(record);
    const hour: RangeOptions = { resolution: 'hour', fromMs: COPY * 1000, toMs: COPY * 1000 + 3_600_000 };
    const visitsIn = (part: PathBinRecord[]) => part.reduce((n, r) => n + visits(r), 0);
    const hourVisits = () => fixture.store.zoneSeries(hour).reduce((n, row) => n + row.visits, 0);
    expect(hourVisits()).toBe(visitsIn(parts[0] as PathBinRecord[]));
    fixture.store.writeBin(binOf(parts[1] as PathBinRecord[]));
    expect(hourVisits()).toBe(visitsIn(parts[0] as PathBinRecord[]) + visits(binOf(parts[1] as PathBinRecord[])));
    for (const record of parts[1] as PathBinRecord[]) if (record.bin_start_ms !== BIN) fixture.store.writeBin(record);

    const minute: RangeOptions = { resolution: 'minute', fromMs: BIN, toMs: BIN + 60_000 };
    let checked = 0;
    for (const range of [hour, minute]) {
      for (const row of fixture.store.zoneSeries(range)) {
        const zone = model.zones.find((z) => z.id === row.zone)?.index ?? -1;
        const raw = referenceBins
          .filter((b) => b.index * 60_000 >= range.fromMs && b.index * 60_000 < range.toMs)
          .flatMap((b) => b.dwells[zone] ?? []);
        expect(row.visits, row.zone).toBe(raw.length);
        if (raw.length === 0) continue;
        expect(row.dwell_p50_s).toBe(Math.round(nearestRank(raw, 50) * 10) / 10);
        expect(row.dwell_p90_s).toBe(Math.round(nearestRank(raw, 90) * 10) / 10);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(4);
  });

  it('upgrades a database from before partial bins: its bins read as final', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omo-aggregate-v1-'));
    const db = openDatabase(join(dir, 'omo.db'), []);
    try {
      applyMigrations(db, aggregateMigrations.slice(0, 1));
      db.prepare(
        `INSERT INTO agg_bin (res_s, start_ms, len_s, store_visits, store_visit_s, store_open, heat_grid, heat,
         written_at) VALUES (60, ?, 60, 2, 30.5, 1, NULL, NULL, 0)`,
      ).run(BIN);
      const upgraded = new AggregateStore({ db, config, metrics: createRegistry(), now: () => BIN });
      await upgraded.start();
      const [bin] = upgraded.records('raw', BIN, BIN + 1);
      expect(bin?.store_visits).toEqual({ count: 2, total_s: 30.5, open: 1 });
      expect(bin?.partial).toBeUndefined();
      const continuation = binOf(binParts(model, rows, [COPY + 150], GAP_S).parts[1] as PathBinRecord[]);
      expect(upgraded.writeBin(continuation).merged).toBe(false);
      await upgraded.stop();
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a record whose partial flag is not a boolean, naming it', async () => {
    const fixture = await store();
    const bad = { ...binOf(binParts(model, rows, [COPY + 150], GAP_S).reference), partial: 1 as unknown as boolean };
    expect(() => fixture.store.writeBin(bad)).toThrow(/bin record partial must be true or false/);
  });

  it('merges the same way whatever the stored part holds: mergeBinParts is the roll-up rule', () => {
    const { parts } = binParts(model, rows, [COPY + 150], GAP_S);
    const earlier = binOf(parts[0] as PathBinRecord[]);
    const later = binOf(parts[1] as PathBinRecord[]);
    const merged = mergeBinParts(earlier, later);
    for (const [id, zone] of Object.entries(merged.zones)) {
      const a = earlier.zones[id];
      const b = later.zones[id];
      // end: the later part's (nobody of the earlier part is still inside at the bin's end).
      expect(zone.occupancy.end, id).toBe(b?.occupancy.end ?? 0);
      expect(zone.occupancy.max, id).toBe(Math.max(a?.occupancy.max ?? 0, b?.occupancy.max ?? 0));
      expect(zone.occupancy.person_s, id).toBeCloseTo((a?.occupancy.person_s ?? 0) + (b?.occupancy.person_s ?? 0), 9);
    }
    expect(merged.partial).toBeUndefined();
    expect(mergeBinParts(earlier, { ...later, partial: true }).partial).toBe(true);
  });
});
