/**
 * A declared aggregate stream (src/aggregate/streams/, issue 7 item 3) as an HQ table route, in one call:
 *
 *   addRoutes(hqStreamRoute({ config, now }, shelf, { url: '/api/v1/shelves', summary: 'Shelf lanes per bin' }));
 *
 * One row per bin and dimension key that has figures (the stream keeps no empty rows, so there is no
 * grid of zeros), in (bin, dimensions) order: `bin_start`, `bin_end`, each dimension, then each measure
 * — a distribution as `<m>_count`, `<m>_p50`, `<m>_p90` (nearest-rank) and `<m>_hist` ([value, count]
 * pairs, enough for HQ to merge stores). Each dimension is a filter parameter (comma-separated values).
 * Paging is the stream query's keyset cursor, so a page costs its rows wherever it lies in the range;
 * `total` is null (counting would read the range). `final_until` is the part's own `finalUntil()`
 * when it holds bins back, else the start of the raw bin holding now: a stream stores closed bins only.
 */
import { Type as T, type TObject, type TProperties } from '@sinclair/typebox';
import { BinLevels } from '../../aggregate/levels.js';
import type { CompiledStream } from '../../aggregate/streams/declaration.js';
import type { StreamPage, StreamQuery } from '../../aggregate/streams/query.js';
import { StreamInputError } from '../../aggregate/streams/records.js';
import { localIso } from '../../aggregate/time-zone.js';
import type { Scope } from '../../registry/tokens.js';
import type { HttpRoutePlugin } from '../types.js';
import { BinTimes, type HqOptions, invalid, type RangeSource } from './hq-params.js';
import { defineTable, hqTableRoute } from './hq-table.js';

/** What the route reads: src/aggregate/streams/stream.ts `DeclaredStream` provides it. */
export interface HqStreamSource {
  readonly declaration: CompiledStream;
  query(query: StreamQuery): StreamPage;
}

export interface HqStreamRoute {
  /** Absolute URL, `/api/v1/…`. */
  url: string;
  summary: string;
  description?: string;
  /** Default hq:read. */
  scope?: Scope;
  /** Up to when the part's figures are final, epoch ms (a part that releases bins late knows). */
  finalUntil?: () => number | undefined;
}

/** Query parameters and row names a stream's dimensions and measures must leave free. */
const TAKEN = ['from', 'to', 'bin', 'limit', 'after', 'offset', 'format', 'bin_start', 'bin_end'];

export function hqStreamRoute(
  options: Pick<HqOptions, 'config' | 'now'>,
  stream: HqStreamSource,
  route: HqStreamRoute,
): HttpRoutePlugin {
  const { name, dimensions, measures } = stream.declaration;
  const { config } = options;
  const binMs = config.analysis.bin_s * 1000;
  const levels = new BinLevels(config.analysis.bin_s, config.store.timezone);
  const resolutions = levels.levels.flatMap((level) => (level.name === null ? [] : [level.name]));
  const now = options.now ?? Date.now;
  const ranges: RangeSource = {
    config,
    now,
    resolutions: () => resolutions,
    finalUntil: () => route.finalUntil?.() ?? Math.floor(now() / binMs) * binMs,
  };
  const columns: TProperties = { ...BinTimes };
  const params: TProperties = {};
  const claim = (column: string, schema: TProperties[string]) => {
    if (TAKEN.includes(column) || column in columns) {
      throw new Error(`hqStreamRoute(${name}): "${column}" is taken; rename that dimension or measure`);
    }
    columns[column] = schema;
  };
  for (const dimension of dimensions) {
    claim(dimension, T.String({ description: `Dimension ${dimension}.` }));
    params[dimension] = T.Optional(
      T.String({ description: `Only these ${dimension} values, comma separated.`, minLength: 1, maxLength: 4096 }),
    );
  }
  for (const { name: measure, kind } of measures) {
    if (kind !== 'distribution') {
      claim(measure, T.Number({ description: `${measure} (${kind} over the bin).` }));
      continue;
    }
    claim(`${measure}_count`, T.Integer({ description: `${measure}: samples.` }));
    claim(`${measure}_p50`, T.Number({ description: `${measure}: nearest-rank median.` }));
    claim(`${measure}_p90`, T.Number({ description: `${measure}: nearest-rank 90th percentile.` }));
    claim(`${measure}_hist`, T.Array(T.Array(T.Number()), { description: `${measure}: [value, samples] pairs.` }));
  }
  const table = defineTable<TProperties, TObject, HqStreamSource>({
    name: `hq-stream-${name}`,
    url: route.url,
    ...(route.scope === undefined ? {} : { scope: route.scope }),
    summary: route.summary,
    description: route.description ?? `Declared stream ${name}: one row per bin and ${dimensions.join(', ')}.`,
    params,
    paging: 'cursor',
    row: T.Object(columns),
    filename: name.replaceAll('_', '-'),
    rows: ({ range, page, query }, source) => {
      const where: Record<string, string[]> = {};
      for (const dimension of dimensions) {
        const values = query[dimension];
        if (typeof values === 'string') where[dimension] = values.split(',');
      }
      const { timeZone, resolution, fromMs, toMs } = range;
      const after = page.after === undefined ? {} : { after: page.after };
      let result: StreamPage;
      try {
        result = source.query({ resolution, fromMs, toMs, where, limit: page.limit, ...after });
      } catch (error) {
        // Everything else the query checks, this route has checked already; a cursor is the client's.
        if (!(error instanceof StreamInputError && error.field.endsWith(' after'))) throw error;
        throw invalid('after', `querystring parameter "after" ${error.message.slice(error.field.length + 1)}`);
      }
      const items = result.rows.map((row) => {
        const out: Record<string, unknown> = {
          bin_start: localIso(timeZone, row.bin_start_ms),
          bin_end: localIso(timeZone, row.bin_end_ms),
          ...row.dims,
        };
        for (const [measure, value] of Object.entries(row.values)) {
          if (typeof value === 'number') out[measure] = value;
          else {
            out[`${measure}_count`] = value.count;
            out[`${measure}_p50`] = value.p50;
            out[`${measure}_p90`] = value.p90;
            out[`${measure}_hist`] = value.hist;
          }
        }
        return out;
      });
      return { total: null, items, cursor: result.next };
    },
  });
  // Keyset pages cost what they hold (src/aggregate/streams/query.ts): read on this thread.
  return hqTableRoute(ranges, table, (request) => table.rows(request, stream));
}
