/**
 * Open and closed roll-up periods of the path bins: why a 15-minute, hour or day bin is written once,
 * when its period closes, and not on every minute (ARCHITECTURE §10 "Disk"; the declared streams do the
 * same, streams/periods.ts).
 *
 * Rewriting every roll-up holding a bin on every bin write rewrote the growing 15-minute, hour and day
 * rows — their heatmap BLOBs, dwell histograms and flows — each minute: ≈ 600 MB a day of WAL for the
 * demo store, twelve times the budget of the whole gateway. So per coarse level one period is OPEN:
 * the one holding the newest bin written (`agg_mark.open_ms`). Every period before it is CLOSED and
 * stored; the open one is not stored at all.
 *
 * - A bin inside the open period stores only the raw bin. Readers merge the open period from the level
 *   below when they read it (`record`, series-rows.ts), which is exact: a roll-up is by construction the
 *   merge of its finer bins (merge.ts), and every raw bin at or after a level's mark lies in its open period.
 * - A bin past the open period closes it: its record is merged from the level below and stored in that
 *   bin's transaction (`close`), finest level first, so the level below is whole when a coarser closes.
 * - A late bin in a closed period rebuilds that period in its transaction (`rebuildHolding`).
 * - Retention keeps the bins an open period is merged from (`keepFrom`), so nothing is lost while a
 *   store is idle; the store closes periods ended by the wall clock when no bin came for an hour.
 */
import type { SqliteDatabase } from '../store/database.js';
import type { BinLevels, Level, Period } from './levels.js';
import { mergeRecords } from './merge.js';
import type { PathBinRecord } from './records.js';
import type { AggregateStatements } from './statements.js';

/** Told of every period stored, with its merged record (the uplink stages records per period). */
export type PeriodSink = (level: Level, record: PathBinRecord) => void;

export class OpenPeriods {
  private readonly readMarks;
  private readonly writeMark;
  private readonly newestStart;

  constructor(
    private readonly sql: AggregateStatements,
    private readonly levels: BinLevels,
  ) {
    const db: SqliteDatabase = sql.db;
    this.readMarks = db.prepare('SELECT res_s, open_ms FROM agg_mark');
    this.writeMark = db.prepare(
      'INSERT INTO agg_mark (res_s, open_ms) VALUES (?, ?) ON CONFLICT (res_s) DO UPDATE SET open_ms = excluded.open_ms',
    );
    this.newestStart = db.prepare('SELECT MAX(start_ms) FROM agg_bin WHERE res_s = ?').pluck();
  }

  /** Per coarse level key, the start of its open period. */
  marks(): Map<number, number> {
    const rows = this.readMarks.all() as { res_s: number; open_ms: number }[];
    return new Map(rows.map((row) => [row.res_s, row.open_ms]));
  }

  /**
   * A store written before open periods existed holds the roll-ups of the periods holding its newest
   * bin: they become the open periods (their rows go, readers merge them from below). Call at start.
   */
  adoptStoredRollUps(): void {
    const marks = this.marks();
    const newest = this.newestStart.get(this.levels.raw.key) as number | null;
    if (newest === null) return;
    this.sql.db.transaction(() => {
      for (const level of this.levels.levels.slice(1)) {
        if (marks.has(level.key)) continue;
        const open = this.levels.periodOf(level, newest).start;
        this.sql.deleteFrom(level.key, open);
        this.writeMark.run(level.key, open);
      }
    })();
  }

  /**
   * Closes, at every coarse level (finest first), the periods that end by the start of the period
   * holding `untilMs`: each holding raw bins is merged and stored. Call inside a transaction.
   */
  close(untilMs: number, now: number, stored?: PeriodSink): void {
    const marks = this.marks();
    for (const level of this.levels.levels.slice(1)) {
      const open = this.levels.periodOf(level, untilMs).start;
      const mark = marks.get(level.key);
      if (mark !== undefined && mark >= open) continue;
      const periods = new Map<number, Period>();
      for (const start of this.sql.binStarts(this.levels.raw.key, mark ?? 0, open)) {
        const period = this.levels.periodOf(level, start);
        periods.set(period.start, period);
      }
      for (const period of periods.values()) this.rebuild(level, period, now, stored);
      this.writeMark.run(level.key, open);
    }
  }

  /** Rebuilds the closed periods holding the raw bin at `startMs` (a late bin). Inside a transaction. */
  rebuildHolding(startMs: number, now: number, stored?: PeriodSink): void {
    const marks = this.marks();
    for (const { level, period } of this.levels.rollUpsOf(startMs)) {
      const mark = marks.get(level.key);
      if (mark === undefined || period.start < mark) this.rebuild(level, period, now, stored);
    }
  }

  /**
   * The open period of `level` merged from the finer levels — stored closed periods plus, recursively,
   * the finer level's own open period — or undefined when it has no bin.
   */
  record(level: Level, marks: ReadonlyMap<number, number> = this.marks()): PathBinRecord | undefined {
    const mark = marks.get(level.key);
    if (mark === undefined || level === this.levels.raw) return undefined;
    const period = this.levels.periodOf(level, mark);
    const source = this.levels.sourceOf(level, period);
    const sourceMark = marks.get(source.key);
    const storedUntil = sourceMark === undefined ? period.end : Math.min(sourceMark, period.end);
    const parts = this.sql.records({ res: source.key, from: period.start, to: storedUntil });
    const open = storedUntil < period.end ? this.record(source, marks) : undefined;
    if (open !== undefined && open.bin_start_ms >= period.start) parts.push(open);
    if (parts.length === 0) return undefined;
    return mergeRecords(parts, period.start, (period.end - period.start) / 1000);
  }

  /**
   * Per level key, the start from which its bins are what an open period is merged from: retention
   * must keep them (an idle store's open periods stay open until the next bin).
   */
  keepFrom(): Map<number, number> {
    const keep = new Map<number, number>();
    for (const [key, mark] of this.marks()) {
      // A mark of a level that is now raw or gone (analysis.bin_s changed) opens nothing.
      const level = this.levels.levels.find((l) => l.key === key);
      if (level === undefined || level === this.levels.raw) continue;
      const source = this.levels.sourceOf(level, this.levels.periodOf(level, mark));
      keep.set(source.key, Math.min(keep.get(source.key) ?? mark, mark));
    }
    return keep;
  }

  private rebuild(level: Level, period: Period, now: number, stored?: PeriodSink): void {
    const source = this.levels.sourceOf(level, period);
    const records = this.sql.records({ res: source.key, from: period.start, to: period.end });
    const merged = mergeRecords(records, period.start, (period.end - period.start) / 1000);
    this.sql.write(level.key, merged, now);
    stored?.(level, merged);
  }
}
