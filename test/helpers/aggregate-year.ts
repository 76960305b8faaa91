/**
 * A store with a year of aggregates, generated straight into the SQLite tables (issue 8: "from a store
 * with a year of aggregates (generated)"): every level a real store keeps, for the floor of a config,
 * written through the store's own row writer (`AggregateStatements.write`) so the rows are laid out as
 * the live store lays them out. Figures are pseudo-random but deterministic (a seeded generator):
 * every zone of the floor visited in every bin, every line crossed, a dozen transitions and paths, a
 * heatmap of a few hundred cells — a busy store, the worst case for the HQ queries.
 */
import { BinLevels, type Level } from '../../src/aggregate/levels.js';
import { mergeRecords } from '../../src/aggregate/merge.js';
import type { FlowCount, PathBinRecord, ZoneBinFigures } from '../../src/aggregate/records.js';
import { aggregateMigrations } from '../../src/aggregate/schema.js';
import { AggregateStatements } from '../../src/aggregate/statements.js';
import type { GatewayConfig } from '../../src/config/schema.js';
import { compileFloor } from '../../src/paths/floor-model.js';
import { heatGrid } from '../../src/paths/heatmap-engine.js';
import { applyMigrations, type SqliteDatabase } from '../../src/store/database.js';

export interface YearOptions {
  /** The generated data ends here (exclusive), at a raw-bin boundary: the newest raw bin ends at it. */
  endMs: number;
  /** Days of hour and day bins before endMs. */
  days: number;
  /** Days of bins finer than an hour (minute_retention_days keeps them shorter than hours). */
  fineDays: number;
}

type Config = Pick<GatewayConfig, 'floor' | 'analysis' | 'store'>;

/** Writes the bins; returns how many bins each level got (by level key in seconds). */
export function fillAggregates(db: SqliteDatabase, config: Config, options: YearOptions): Record<number, number> {
  applyMigrations(db, aggregateMigrations);
  const sql = new AggregateStatements(db);
  const levels = new BinLevels(config.analysis.bin_s, config.store.timezone);
  const make = recordMaker(config);
  const written: Record<number, number> = {};
  const hourLevel = levels.level('hour') as Level;
  db.transaction(() => {
    for (const level of levels.levels) {
      if (level.day) continue;
      const days = level.key < 3600 ? options.fineDays : options.days;
      const periods = levels.periods(level, options.endMs - days * 86_400_000, options.endMs);
      for (const period of periods) sql.write(level.key, make(period.start, level.key), 0);
      written[level.key] = periods.length;
    }
    // Day bins are the roll-up of their hours (store days: 23-25 h around DST changes).
    const day = levels.levels.find((level) => level.day) as Level;
    const days = levels.periods(day, options.endMs - options.days * 86_400_000, options.endMs);
    for (const period of days) {
      const hours = sql.records({ res: hourLevel.key, from: period.start, to: period.end });
      sql.write(day.key, mergeRecords(hours, period.start, (period.end - period.start) / 1000), 0);
    }
    written[day.key] = days.length;
  })();
  return written;
}

/** Record of one bin of `lengthS` seconds starting at `startMs`, the same every time for the same bin. */
function recordMaker(config: Config): (startMs: number, lengthS: number) => PathBinRecord {
  const grid = heatGrid(compileFloor(config.floor, config.analysis));
  const areas = config.floor.zones.filter((zone) => zone.kind === 'area').map((zone) => zone.id);
  return (startMs, lengthS) => {
    const random = seeded(startMs / 1000 + lengthS);
    const scale = lengthS / 60;
    const count = (mean: number) => Math.floor(random() * 2 * mean * scale);
    const zones: Record<string, ZoneBinFigures> = {};
    for (const zone of config.floor.zones) {
      const visits = 1 + count(3);
      const dwells = Math.floor(visits * random());
      const hist: Record<string, number> = {};
      for (let i = 0; i < Math.min(visits, 40); i++) {
        const ds = String(10 + Math.floor(random() * 1200));
        hist[ds] = (hist[ds] ?? 0) + 1;
      }
      zones[zone.id] = {
        kind: zone.kind,
        visits,
        dwells,
        pass_throughs: visits - dwells,
        dwell_total_s: visits * 30 * random(),
        dwell_hist_ds: hist,
        occupancy: { end: count(1), max: 1 + count(2), person_s: lengthS * random() * 3 },
      };
    }
    const lines = Object.fromEntries(
      config.floor.lines.map((line) => {
        const n = count(4);
        return [line.id, { entrance: line.entrance, in: n, out: n, groups_in: n >> 1, groups_out: n >> 1 }];
      }),
    );
    const flows = (length: number, n: number): FlowCount[] => {
      const seen = new Map<string, FlowCount>();
      for (let i = 0; i < n; i++) {
        const zonesOf = Array.from({ length }, () => areas[Math.floor(random() * areas.length)] as string);
        seen.set(zonesOf.join('>'), { zones: zonesOf, count: 1 + count(2) });
      }
      return [...seen.values()];
    };
    const cells: Record<string, number> = {};
    for (let i = 0; i < 300; i++) cells[String(Math.floor(random() * grid.cols * grid.rows))] = random() * 5 * scale;
    return {
      bin_start_ms: startMs,
      bin_s: lengthS,
      lines,
      zones,
      transitions: flows(2, 12),
      paths: flows(4, 8),
      heatmap: { cell_m: grid.cellM, origin: [grid.originX, grid.originY], cols: grid.cols, rows: grid.rows, cells },
      store_visits: { count: count(3), total_s: count(3) * 600, open: count(1) },
    };
  };
}

/** mulberry32: a small deterministic generator, so a bin's figures do not depend on generation order. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
