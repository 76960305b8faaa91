/**
 * What every HQ data route shares (ARCHITECTURE §8): its dependencies, the `from`/`to`/`bin` parameters
 * and their checks, page envelopes and row timestamps.
 *
 * - `from` and `to` are ISO-8601 dates or date-times; one without an offset is read in the store's time
 *   zone (`store.timezone`). The range is [from, to): a bin is in it when its START is.
 * - `bin` is `minute|15min|hour|day`; minute, 15-minute and hour bins are UTC-aligned, day bins are
 *   store days (local midnight to midnight). A resolution finer than `analysis.bin_s` is refused.
 * - A range may span at most MAX_SPAN_DAYS[bin] days, so one request reads a bounded number of bins.
 * - Row times (`bin_start`, `bin_end`) are ISO-8601 with the store's UTC offset at that instant.
 */
import { Type as T, type TSchema } from '@sinclair/typebox';
import type { Period, Resolution } from '../../aggregate/levels.js';
import type { FlowBin, LineSeriesRow, RangeOptions, StoreVisitRow, ZoneSeriesRow } from '../../aggregate/query.js';
import type { FlowCount, HeatmapCells } from '../../aggregate/records.js';
import { localIso, parseStoreTime } from '../../aggregate/time-zone.js';
import type { GatewayConfig } from '../../config/schema.js';
import { HttpError } from '../errors.js';
import { StringEnum } from '../schemas.js';

/** What the HQ routes read; src/aggregate/store.ts `AggregateStore` provides it. */
export interface HqAggregateSource {
  resolutions(): Resolution[];
  periods(options: RangeOptions): Period[];
  lineSeries(options: RangeOptions & { lines?: readonly string[] }): LineSeriesRow[];
  zoneSeries(options: RangeOptions & { zones?: readonly string[] }): ZoneSeriesRow[];
  storeVisitSeries(options: RangeOptions): StoreVisitRow[];
  flowSeries(kind: 'transition' | 'path', options: RangeOptions): FlowBin[];
  flowTotals(kind: 'transition' | 'path', options: RangeOptions): FlowCount[];
  heatmap(options: RangeOptions): { heatmap: HeatmapCells | null; bins: number };
}

export interface HqDeps {
  aggregates: HqAggregateSource;
  /** The validated gateway config: store time zone, floor plan (ids, names, kinds), k-anonymity. */
  config: Pick<GatewayConfig, 'store' | 'floor' | 'analysis'>;
}

export const MAX_SPAN_DAYS: Record<Resolution, number> = { minute: 2, '15min': 31, hour: 366, day: 3660 };

export const BIN_NAMES = ['minute', '15min', 'hour', 'day'] as const;

export const FromParam = T.String({
  description:
    'Start of the range, inclusive: ISO-8601 date or date-time; without an offset it is read in the store time zone.',
  minLength: 10,
  maxLength: 40,
});
export const ToParam = T.String({
  description: 'End of the range, exclusive (same forms as from). Bins whose start lies in [from, to) are returned.',
  minLength: 10,
  maxLength: 40,
});
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

export interface ResolvedRange extends RangeOptions {
  timeZone: string;
}

/** Reads and checks from/to/bin; throws a 400 naming the parameter at fault. */
export function resolveRange(query: { from: string; to: string; bin: Resolution }, deps: HqDeps): ResolvedRange {
  const timeZone = deps.config.store.timezone;
  const read = (name: 'from' | 'to') => {
    const result = parseStoreTime(query[name], timeZone);
    if ('error' in result) throw invalid(name, `querystring parameter "${name}" ${result.error}`);
    return result.ms;
  };
  const fromMs = read('from');
  const toMs = read('to');
  if (fromMs >= toMs) {
    throw invalid('from', `querystring parameter "from" (${query.from}) must be before "to" (${query.to})`);
  }
  const resolution = query.bin;
  if (!deps.aggregates.resolutions().includes(resolution)) {
    throw invalid(
      'bin',
      `querystring parameter "bin" is ${resolution}, finer than this store's analysis.bin_s (${deps.config.analysis.bin_s} s)`,
    );
  }
  const maxDays = MAX_SPAN_DAYS[resolution];
  if (toMs - fromMs > maxDays * 86_400_000) {
    throw invalid(
      'to',
      `querystring parameter "to": the range spans ${((toMs - fromMs) / 86_400_000).toFixed(1)} days; bin=${resolution} allows at most ${maxDays} days (use a coarser bin or a shorter range)`,
    );
  }
  return { resolution, fromMs, toMs, timeZone };
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

export function binTimes(timeZone: string, startMs: number, lengthS: number) {
  return { bin_start: localIso(timeZone, startMs), bin_end: localIso(timeZone, startMs + lengthS * 1000) };
}

/**
 * One row per period of the range and per id, zeros where the store holds nothing (it keeps no empty
 * bins): `build` gets the bin times, the id and the stored row, if any. Ids are the selected ones, else
 * every configured id plus any the store still holds for a zone or line since removed from the config.
 */
export function periodGrid<S extends { start_ms: number }, R>(
  deps: HqDeps,
  range: ResolvedRange,
  ids: { selected: string[] | undefined; configured: readonly string[] },
  stored: readonly S[],
  idOf: (row: S) => string,
  build: (times: ReturnType<typeof binTimes>, id: string, row: S | undefined) => R,
): R[] {
  const byKey = new Map(stored.map((row) => [`${row.start_ms}|${idOf(row)}`, row]));
  const all = ids.selected ?? [...new Set([...ids.configured, ...stored.map(idOf)])].sort();
  return deps.aggregates.periods(range).flatMap((period) => {
    const times = binTimes(range.timeZone, period.start, (period.end - period.start) / 1000);
    return all.map((id) => build(times, id, byKey.get(`${period.start}|${id}`)));
  });
}

/** The JSON body of a paged list, with the range it answers. */
export function page<R>(range: ResolvedRange, rows: readonly R[], limit: number, offset: number) {
  return {
    from: localIso(range.timeZone, range.fromMs),
    to: localIso(range.timeZone, range.toMs),
    bin: range.resolution,
    total: rows.length,
    limit,
    offset,
    items: rows.slice(offset, offset + limit),
  };
}

export function PageSchema(item: TSchema, description: string) {
  return T.Object(
    {
      from: T.String({ description: 'The range start as read, with the store UTC offset.' }),
      to: T.String({ description: 'The range end as read.' }),
      bin: T.String({ description: 'The resolution.' }),
      total: T.Integer({ description: 'Rows in the whole answer before paging.' }),
      limit: T.Integer(),
      offset: T.Integer(),
      items: T.Array(item),
    },
    { description },
  );
}

/** A number or null, as OpenAPI 3.0 writes it. */
export function NullableNumber(description: string) {
  return T.Unsafe<number | null>({ type: 'number', nullable: true, description });
}

export function NullableString(description: string) {
  return T.Unsafe<string | null>({ type: 'string', nullable: true, description });
}

export const BinTimes = {
  bin_start: T.String({ description: 'Bin start, ISO-8601 with the store UTC offset.' }),
  bin_end: T.String({ description: 'Bin end (exclusive).' }),
};
