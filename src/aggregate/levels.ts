/**
 * The resolutions aggregates are kept at (ARCHITECTURE §5 "Bins": 1 min → 15 min → 1 h → 1 day) and how
 * each is built from a finer one.
 *
 * - The raw level is `analysis.bin_s` (60 by default, then it is the minute level itself). Levels
 *   coarser than bin_s are roll-ups; levels finer than bin_s do not exist (a query for them is refused).
 * - Minute, 15-minute and hour bins are UTC-aligned. Every stored UTC level must divide the next, so a
 *   coarse bin is exactly a set of finer bins: bin_s must divide 60, 900 or 3600 accordingly
 *   (10, 12, 15, 20, 30, 60, 300, 900, 1800, 3600 … are accepted; 120 is not, 900 / 120 is not whole).
 * - Day bins are store days in `store.timezone` (local midnight to local midnight, 23–25 h around DST
 *   changes), because HQ reads days as the store lives them (§8). A day is rebuilt from the coarsest UTC
 *   level whose bins it holds whole (hours in Berlin, 15 minutes in Kolkata), else from raw bins, each
 *   counted in the day holding its start.
 * - `short` levels (finer than an hour) are kept `storage.minute_retention_days`, the others
 *   `storage.hour_retention_days`.
 */
import { storeDayOf } from './time-zone.js';

export const RESOLUTIONS = ['minute', '15min', 'hour', 'day'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

const UTC_RESOLUTIONS: readonly [Resolution, number][] = [
  ['minute', 60],
  ['15min', 900],
  ['hour', 3600],
];
export const DAY_KEY = 86_400;

export interface Level {
  /** The `res_s` column: the nominal length in seconds (86,400 for days, whatever their real length). */
  readonly key: number;
  /** The API name, or null for a raw level that is none of them (e.g. 30 s bins). */
  readonly name: Resolution | null;
  /** Kept minute_retention_days (finer than an hour), else hour_retention_days. */
  readonly short: boolean;
  readonly day: boolean;
}

export interface Period {
  start: number;
  end: number;
}

/** A coarse bin holding a raw bin, and the finer level it is rebuilt from. */
export interface RollUp {
  level: Level;
  period: Period;
  source: Level;
}

export class BinLevels {
  /** Ascending; the first is the raw level the engines write. */
  readonly levels: readonly Level[];

  constructor(
    readonly binS: number,
    readonly timeZone: string,
  ) {
    if (!Number.isInteger(binS) || binS <= 0 || binS > 3600 || 3600 % binS !== 0) {
      throw new Error(`analysis.bin_s: ${binS} must be a whole number of seconds that divides 3600`);
    }
    const levels: Level[] = [];
    const rawName = UTC_RESOLUTIONS.find(([, s]) => s === binS)?.[0] ?? null;
    levels.push({ key: binS, name: rawName, short: binS < 3600, day: false });
    for (const [name, seconds] of UTC_RESOLUTIONS) {
      if (seconds <= binS) continue;
      if (seconds % binS !== 0) {
        throw new Error(
          `analysis.bin_s: ${binS} does not divide the ${name} bin (${seconds} s); roll-ups need whole bins`,
        );
      }
      levels.push({ key: seconds, name, short: seconds < 3600, day: false });
    }
    levels.push({ key: DAY_KEY, name: 'day', short: false, day: true });
    this.levels = levels;
  }

  get raw(): Level {
    return this.levels[0] as Level;
  }

  /** The stored level for an API resolution, or undefined when it is finer than bin_s. */
  level(resolution: Resolution): Level | undefined {
    return this.levels.find((level) => level.name === resolution);
  }

  /** The bin of `level` holding instant `ms`. */
  periodOf(level: Level, ms: number): Period {
    if (level.day) return storeDayOf(this.timeZone, ms);
    const length = level.key * 1000;
    const start = Math.floor(ms / length) * length;
    return { start, end: start + length };
  }

  /** The finer level a bin of `level` is rebuilt from. */
  sourceOf(level: Level, period: Period): Level {
    const index = this.levels.indexOf(level);
    if (index <= 0) throw new Error('the raw level has no source');
    if (!level.day) return this.levels[index - 1] as Level;
    for (let i = index - 1; i > 0; i--) {
      const candidate = this.levels[i] as Level;
      const length = candidate.key * 1000;
      if (period.start % length === 0 && period.end % length === 0) return candidate;
    }
    return this.raw;
  }

  /** The bins of every coarser level holding the raw bin that starts at `startMs`, finest first. */
  rollUpsOf(startMs: number): RollUp[] {
    return this.levels.slice(1).map((level) => {
      const period = this.periodOf(level, startMs);
      return { level, period, source: this.sourceOf(level, period) };
    });
  }

  /** Every bin of `level` whose start lies in [fromMs, toMs), in order. */
  periods(level: Level, fromMs: number, toMs: number): Period[] {
    const out: Period[] = [];
    let period = this.periodOf(level, fromMs);
    if (period.start < fromMs) period = this.periodOf(level, period.end);
    while (period.start < toMs) {
      out.push(period);
      period = this.periodOf(level, period.end);
    }
    return out;
  }
}
