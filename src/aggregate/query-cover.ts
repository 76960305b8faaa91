/**
 * The bins a read touches, computed without I/O, for the HQ queries (query.ts).
 *
 * - Roll-ups read instead of the bins they hold (issue 8: "paging and roll-up in SQL"): a sum over a
 *   range — the heatmap, top paths, the ids a range holds — is the same sum over the coarsest stored bins
 *   that lie whole inside it, because every coarser bin is the merge of the finer ones it holds
 *   (levels.ts, merge.ts). A year of hour bins is read as 365 days plus the hours at both ends: 388 bins,
 *   not 8,784. A coarser bin stands in only when it is exactly a set of bins of the asked level: its
 *   start and end fall on that level's boundaries (store days in Kolkata do not fall on UTC hours, so an
 *   hour range there is covered by 15-minute bins inside days, never by the days).
 * - Store days cost several Intl look-ups each (time-zone.ts); a year of them took 0.2 s per request.
 *   They are remembered by start: one entry per day ever queried (3,660 in ten years).
 */
import type { BinLevels, Level, Period } from './levels.js';
import type { RowRange } from './statements.js';

export interface CoverSegment extends RowRange {
  /** How many stored bins of level `res` the segment holds. */
  bins: number;
}

export class Calendar {
  private readonly days = new Map<number, Period>();

  constructor(readonly levels: BinLevels) {}

  /** The bin of `level` holding instant `ms`. */
  periodOf(level: Level, ms: number): Period {
    if (!level.day) return this.levels.periodOf(level, ms);
    const known = this.days.get(ms);
    if (known !== undefined) return known;
    const period = this.levels.periodOf(level, ms);
    this.days.set(period.start, period);
    return period;
  }

  /** Every bin of `level` whose start lies in [fromMs, toMs), in order (BinLevels.periods, remembered). */
  periods(level: Level, fromMs: number, toMs: number): Period[] {
    const out: Period[] = [];
    for (let p = this.periodOf(level, fromMs); p.start < toMs; p = this.periodOf(level, p.end)) {
      if (p.start >= fromMs) out.push(p);
    }
    return out;
  }

  /** How many bins of `level` start in [fromMs, toMs). */
  count(level: Level, fromMs: number, toMs: number): number {
    if (level.day) return this.periods(level, fromMs, toMs).length;
    const length = level.key * 1000;
    return Math.max(0, Math.ceil(toMs / length) - Math.ceil(fromMs / length));
  }

  /**
   * Segments, in time order, whose STORED bins together are the bins of `level` starting in [fromMs,
   * toMs). `marks` (open-periods.ts): per roll-up level, the start of its open period, which is not
   * stored — a coarser bin stands in only before it; the asked level's own open period is the caller's.
   */
  cover(level: Level, fromMs: number, toMs: number, marks: ReadonlyMap<number, number>): CoverSegment[] {
    const first = this.periodOf(level, fromMs);
    const start = first.start < fromMs ? first.end : first.start;
    const last = this.periodOf(level, toMs - 1);
    const end = last.start < toMs ? last.end : last.start;
    return this.coverSpan(level, start, end, marks);
  }

  private coverSpan(level: Level, start: number, end: number, marks: ReadonlyMap<number, number>): CoverSegment[] {
    if (start >= end) return [];
    const coarser = this.levels.levels.slice(this.levels.levels.indexOf(level) + 1).reverse();
    for (const coarse of coarser) {
      const run = this.alignedRun(coarse, level, start, Math.min(end, marks.get(coarse.key) ?? end));
      if (run === undefined) continue;
      const middle = { res: coarse.key, from: run.start, to: run.end, bins: run.bins };
      const before = this.coverSpan(level, start, run.start, marks);
      return [...before, middle, ...this.coverSpan(level, run.end, end, marks)];
    }
    return [{ res: level.key, from: start, to: end, bins: this.count(level, start, end) }];
  }

  /** The first run of consecutive `coarse` bins inside [start, end) that are whole sets of `fine` bins. */
  private alignedRun(coarse: Level, fine: Level, start: number, end: number) {
    const fineMs = fine.key * 1000;
    const fits = (p: Period) => !fine.day && p.end <= end && p.start % fineMs === 0 && p.end % fineMs === 0;
    let run: { start: number; end: number; bins: number } | undefined;
    for (const period of this.periods(coarse, start, end)) {
      if (fits(period) && (run === undefined || run.end === period.start)) {
        run = { start: run?.start ?? period.start, end: period.end, bins: (run?.bins ?? 0) + 1 };
      } else if (run !== undefined) break;
    }
    return run;
  }
}
