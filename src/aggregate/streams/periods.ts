/**
 * Open and closed roll-up periods: why a 15-minute, hour or day row is written once, not on every bin.
 *
 * Rewriting every roll-up holding a bin on every bin write — as the path-bin store does — rewrites the
 * whole current day row of every key each minute, distributions included: measured 718 KiB written per
 * bin (1 GB/day) for a stream of 100 keys, twenty times the budget of a whole store (ARCHITECTURE §10).
 * So, per stream and coarse level, one period is OPEN: the one holding the newest bin written (or, after
 * housekeeping, the current wall-clock period). Every period before it is CLOSED and stored.
 *
 * - A write into an open period stores only the raw bin. Its roll-up rows are merged from the level
 *   below when read (`periodRows`), which is exact by construction.
 * - A write past the open period closes it: its rows are merged from the level below and stored, in the
 *   same transaction as the bin (`closePeriods`); levels close finest first, so the level below is
 *   complete when a coarser period closes.
 * - A late write into a closed period recomputes the keys it touched there, in its transaction, as the
 *   path-bin store does for every bin (writer.ts).
 * - Housekeeping closes periods that ended by the wall clock (store.ts), so an idle stream's open periods
 *   are stored before retention deletes the bins they are merged from.
 * A query therefore always reads the merge of the raw bins, stored or not; only when it is written moves.
 */
import type { BinLevels, Level, Period } from '../levels.js';
import type { Measure } from './declaration.js';
import { decodeValues, encodeValues, mergeValues, type StoredValues } from './measures.js';
import type { StreamStatements } from './statements.js';

export interface PeriodScope {
  sql: StreamStatements;
  levels: BinLevels;
  measures: readonly Measure[];
  id: number;
  /** Told of every period stored (uplink.ts stages the records of a stream uplinked per period). */
  stored?: (level: Level, start: number, rows: () => ReadonlyMap<string, StoredValues>) => void;
}

/** Closes, at every coarse level, the periods that end by the start of the period holding `untilMs`. */
export function closePeriods(scope: PeriodScope, untilMs: number): number {
  const { sql, levels, id } = scope;
  const marks = sql.marks(id);
  let changed = 0;
  for (const level of levels.levels.slice(1)) {
    const open = levels.periodOf(level, untilMs).start;
    const mark = marks.get(level.key);
    if (mark !== undefined && mark >= open) continue;
    // The periods holding bins between the old mark and the new one (a stream's first write: all).
    const periods = new Map<number, Period>();
    for (const start of sql.binStarts(id, levels.raw.key, mark ?? 0, open)) {
      const period = levels.periodOf(level, start);
      periods.set(period.start, period);
    }
    for (const period of periods.values()) changed += rebuild(scope, level, period, null);
    sql.setMark.run(id, level.key, open);
  }
  return changed;
}

/**
 * Rebuilds the stored rows of `keys` (null: all) in one period of a coarse level from its source level;
 * returns rows changed. Rows are merged by key in time order, so `last` takes the latest bin's value.
 */
export function rebuild(scope: PeriodScope, level: Level, period: Period, keys: readonly string[] | null): number {
  const { sql, levels, measures, id } = scope;
  const source = levels.sourceOf(level, period);
  const merged = new Map<string, StoredValues>();
  for (const row of sql.sources(id, source.key, period.start, period.end, keys)) {
    merged.set(row.dims, mergeValues(measures, merged.get(row.dims), decodeValues(row.measures)));
  }
  const gone = (keys ?? sql.keys(id, level.key, period.start)).filter((key) => !merged.has(key));
  let changed = sql.remove(id, level.key, period.start, gone);
  for (const [key, values] of merged) {
    changed += sql.upsert(id, level.key, period.start, key, encodeValues(measures, values));
  }
  scope.stored?.(level, period.start, () => storedRows(scope, level, period.start));
  return changed;
}

/** Whether `period` of `level` is closed (stored); the raw level always is. */
export function isClosed(marks: ReadonlyMap<number, number>, level: Level, period: Period, raw: Level): boolean {
  const mark = marks.get(level.key);
  return level === raw || mark === undefined || period.start < mark;
}

/** The rows of `level` in `period` as they are now: stored when closed, else merged from below. */
export function periodRows(
  scope: PeriodScope,
  marks: ReadonlyMap<number, number>,
  level: Level,
  period: Period,
): Map<string, StoredValues> {
  const { sql, levels, measures, id } = scope;
  const merged = new Map<string, StoredValues>();
  const add = (key: string, values: StoredValues) => merged.set(key, mergeValues(measures, merged.get(key), values));
  if (isClosed(marks, level, period, levels.raw)) return storedRows(scope, level, period.start);
  const source = levels.sourceOf(level, period);
  const sourceMark = source === levels.raw ? period.end : Math.min(marks.get(source.key) ?? period.end, period.end);
  for (const row of sql.sources(id, source.key, period.start, sourceMark, null))
    add(row.dims, decodeValues(row.measures));
  if (sourceMark < period.end) {
    // The source level's own open period lies inside this one and is the latest part of it.
    for (const [key, values] of periodRows(scope, marks, source, levels.periodOf(source, sourceMark))) add(key, values);
  }
  return merged;
}

/** The stored rows of the bin of `level` at `start`, by key. */
function storedRows(scope: PeriodScope, level: Level, start: number): Map<string, StoredValues> {
  const rows = scope.sql.sources(scope.id, level.key, start, start + 1, null);
  return new Map(rows.map((row) => [row.dims, decodeValues(row.measures)]));
}
