/**
 * What every HQ data route shares (ARCHITECTURE §8): its options, the `from`/`to`/`bin` parameters and
 * their checks, final figures, and row timestamps.
 *
 * - `from` and `to` are ISO-8601 dates or date-times; one without an offset is read in the store's time
 *   zone (`store.timezone`). The range is [from, to): a bin is in it when its START is. Both are
 *   optional (§8 "default: the current store day so far"): `to` defaults to now, `from` to the local
 *   midnight starting the store day that holds the range's last instant (so `to` alone gives that day
 *   up to `to`, and neither gives today so far; at midnight exactly, that is the whole of yesterday).
 * - `bin` is `minute|15min|hour|day`; minute, 15-minute and hour bins are UTC-aligned, day bins are
 *   store days (local midnight to midnight). A resolution finer than `analysis.bin_s` is refused.
 * - A range may span at most MAX_SPAN_DAYS[bin] days, so one request reads a bounded number of bins.
 * - Final figures (§5 "Final figures on time"): bins that START at or after `final_until` are absent,
 *   not zeros; the bin holding `final_until` is listed with what is final so far. `final_until` comes
 *   from the live path analysis (`finalUntil()`), else the end of the newest raw bin stored; with
 *   neither, nothing is final and every list is empty.
 * - Row times (`bin_start`, `bin_end`) are ISO-8601 with the store's UTC offset at that instant.
 */
import { Type as T } from '@sinclair/typebox';
import type { DailySummarySource } from '../../aggregate/daily-summary.js';
import type { Period, Resolution } from '../../aggregate/levels.js';
import type {
  FlowBin,
  FlowKind,
  FlowRanking,
  LineSeriesRow,
  RangeOptions,
  ZoneSeriesRow,
} from '../../aggregate/query.js';
import type { HeatmapCells } from '../../aggregate/records.js';
import { localIso, parseStoreTime, storeDayOf } from '../../aggregate/time-zone.js';
import type { GatewayConfig } from '../../config/schema.js';
import type { Registry } from '../../metrics.js';
import { HttpError } from '../errors.js';
import { StringEnum } from '../schemas.js';

/** What the HQ routes read; src/aggregate/store.ts `AggregateStore` provides it. */
export interface HqAggregateSource extends DailySummarySource {
  resolutions(): Resolution[];
  periods(options: RangeOptions): Period[];
  lineSeries(options: RangeOptions & { lines?: readonly string[] }): LineSeriesRow[];
  zoneSeries(options: RangeOptions & { zones?: readonly string[] }): ZoneSeriesRow[];
  seriesIds(kind: 'line' | 'zone', options: RangeOptions): string[];
  flowSeries(kind: FlowKind, options: RangeOptions): FlowBin[];
  flowBinRows(kind: FlowKind, k: number, options: RangeOptions): { start_ms: number; rows: number }[];
  flowRanking(kind: FlowKind, k: number, options: RangeOptions & { limit: number; offset: number }): FlowRanking;
  heatmap(options: RangeOptions): { heatmap: HeatmapCells | null; bins: number };
  newestBinEnd(): number | undefined;
}

/** What the table declarations read (hq-tables.ts): store time zone, floor plan, k-anonymity, read limits. */
export type HqTableConfig = Pick<GatewayConfig, 'store' | 'floor' | 'analysis' | 'http'>;

/** The options of `hqRoutes()`. */
export interface HqOptions {
  /**
   * The live store (src/aggregate/store.ts `AggregateStore`): this thread asks it only for what final_until
   * and the resolutions need; query workers read the figures from `database` themselves.
   */
  aggregates: Pick<HqAggregateSource, 'resolutions' | 'newestBinEnd'>;
  /** The validated gateway config: the above, cameras (`GET /floor`) and the query workers (`http`). */
  config: HqTableConfig & Pick<GatewayConfig, 'devices'>;
  /** The SQLite file `aggregates` writes (`<data-dir>/omo.db`): query workers open it read-only. */
  database: string;
  /** The gateway's registry: the query workers' load and refusals (`omo_hq_queries…`). */
  metrics?: Registry;
  /** The clock that `from`/`to` default from, epoch ms; default Date.now (tests fix it). */
  now?: () => number;
  /**
   * Up to when figures are final, epoch ms (the live path analysis knows); undefined falls back to the
   * end of the newest raw bin stored.
   */
  finalUntil?: () => number | undefined;
}

/** What reading a range needs: the store's clock, resolutions and up to when its figures are final. */
export interface RangeSource {
  config: Pick<GatewayConfig, 'store' | 'analysis'>;
  /** Epoch ms; default Date.now. */
  now?: (() => number) | undefined;
  resolutions(): readonly Resolution[];
  /** Epoch ms, or null when nothing is final yet. */
  finalUntil(): number | null;
}

/** The path figures' range source: final_until from the live analysis, else the newest raw bin stored. */
export function pathRanges(options: HqOptions): RangeSource {
  const { aggregates, config, now } = options;
  return {
    config,
    now,
    resolutions: () => aggregates.resolutions(),
    finalUntil: () => options.finalUntil?.() ?? aggregates.newestBinEnd() ?? null,
  };
}

export const MAX_SPAN_DAYS: Record<Resolution, number> = { minute: 2, '15min': 31, hour: 366, day: 3660 };

export const BIN_NAMES = ['minute', '15min', 'hour', 'day'] as const;

export const FromParam = T.Optional(
  T.String({
    description:
      'Start of the range, inclusive: ISO-8601 date or date-time; without an offset it is read in the store time zone. Default: local midnight of the store day holding the range end.',
    minLength: 10,
    maxLength: 40,
  }),
);
export const ToParam = T.Optional(
  T.String({
    description:
      'End of the range, exclusive (same forms as from). Bins whose start lies in [from, to) are returned. Default: now.',
    minLength: 10,
    maxLength: 40,
  }),
);
export const BinParam = T.Optional(
  StringEnum(BIN_NAMES, {
    description: `Resolution: minute, 15min, hour (UTC-aligned) or day (store days). Longest range: ${Object.entries(
      MAX_SPAN_DAYS,
    )
      .map(([bin, days]) => `${bin} ${days} d`)
      .join(', ')}.`,
    default: 'hour',
  }),
);

const ID = '[A-Za-z0-9][A-Za-z0-9_.-]{0,63}';
export function IdListParam(what: string) {
  return T.Optional(
    T.String({ description: `Only these ${what} ids, comma separated.`, pattern: `^${ID}(,${ID})*$`, maxLength: 4096 }),
  );
}

export function invalid(parameter: string, message: string): HttpError {
  return new HttpError(400, 'invalid_parameter', message, parameter);
}

/**
 * A request's range: `fromMs`/`toMs` are what the store is asked for — [from, to) cut at final_until —
 * `asked` what the request said (or defaulted to).
 */
export interface HqRange extends RangeOptions {
  timeZone: string;
  asked: { fromMs: number; toMs: number };
  /** Epoch ms, or null when nothing is final yet. */
  finalUntil: number | null;
}

/** Reads and checks from/to/bin, applies the defaults and the final_until cut; throws a 400 naming the parameter. */
export function resolveRange(
  query: { from?: string | undefined; to?: string | undefined; bin: Resolution },
  source: RangeSource,
  maxDays = MAX_SPAN_DAYS[query.bin],
): HqRange {
  const { config } = source;
  const timeZone = config.store.timezone;
  const read = (name: 'from' | 'to', text: string) => {
    const result = parseStoreTime(text, timeZone);
    if ('error' in result) throw invalid(name, `querystring parameter "${name}" ${result.error}`);
    return result.ms;
  };
  const toMs = query.to === undefined ? (source.now ?? Date.now)() : read('to', query.to);
  const fromMs = query.from === undefined ? storeDayOf(timeZone, toMs - 1).start : read('from', query.from);
  if (fromMs >= toMs) {
    const to = query.to ?? `now, ${localIso(timeZone, toMs)}`;
    throw invalid('from', `querystring parameter "from" (${query.from}) must be before "to" (${to})`);
  }
  const resolution = query.bin;
  if (!source.resolutions().includes(resolution)) {
    throw invalid(
      'bin',
      `querystring parameter "bin" is ${resolution}, finer than this store's analysis.bin_s (${config.analysis.bin_s} s)`,
    );
  }
  if (toMs - fromMs > maxDays * 86_400_000) {
    throw invalid(
      'to',
      `querystring parameter "to": the range spans ${((toMs - fromMs) / 86_400_000).toFixed(1)} days; bin=${resolution} allows at most ${maxDays} days (use a coarser bin or a shorter range)`,
    );
  }
  const finalUntil = source.finalUntil();
  const cut = Math.min(toMs, Math.max(fromMs, finalUntil ?? fromMs));
  return { resolution, fromMs, toMs: cut, timeZone, asked: { fromMs, toMs }, finalUntil };
}

/** Splits and checks an id list against the ids the floor plan knows. */
export function resolveIds(
  value: string | undefined,
  known: readonly string[],
  parameter: string,
): string[] | undefined {
  if (value === undefined) return undefined;
  const ids = [...new Set(value.split(','))];
  const unknown = ids.filter((id) => !known.includes(id));
  if (unknown.length > 0) {
    throw invalid(
      parameter,
      `querystring parameter "${parameter}": ${unknown.join(', ')} is not one of ${known.join(', ')}`,
    );
  }
  return ids;
}

/**
 * ISO-8601 with the store's offset, to the millisecond when the instant has one: `from`/`to` read back
 * from a `next` link must be the same instants (a default `to` is "now", rarely a whole second).
 */
export function instantIso(timeZone: string, ms: number): string {
  const iso = localIso(timeZone, ms);
  const millis = ((ms % 1000) + 1000) % 1000;
  return millis === 0 ? iso : `${iso.slice(0, 19)}.${String(millis).padStart(3, '0')}${iso.slice(19)}`;
}

/** What every HQ answer says about its range: as asked, and up to when figures are final. */
export function rangeFields(range: HqRange) {
  return {
    from: instantIso(range.timeZone, range.asked.fromMs),
    to: instantIso(range.timeZone, range.asked.toMs),
    bin: range.resolution,
    final_until: range.finalUntil === null ? null : instantIso(range.timeZone, range.finalUntil),
  };
}

export function binTimes(timeZone: string, startMs: number, lengthS: number) {
  return { bin_start: localIso(timeZone, startMs), bin_end: localIso(timeZone, startMs + lengthS * 1000) };
}

/** A number or null, as OpenAPI 3.0 writes it. */
export function NullableNumber(description: string) {
  return T.Unsafe<number | null>({ type: 'number', nullable: true, description });
}

export function NullableString(description: string) {
  return T.Unsafe<string | null>({ type: 'string', nullable: true, description });
}

export const RangeFields = {
  from: T.String({ description: 'The range start as read (or defaulted), with the store UTC offset.' }),
  to: T.String({ description: 'The range end as read (or defaulted).' }),
  bin: T.String({ description: 'The resolution.' }),
  final_until: NullableString(
    'Figures are final up to this instant; bins starting at or after it are absent (not zeros). Null: nothing is final yet.',
  ),
};

export const BinTimes = {
  bin_start: T.String({ description: 'Bin start, ISO-8601 with the store UTC offset.' }),
  bin_end: T.String({ description: 'Bin end (exclusive).' }),
};
