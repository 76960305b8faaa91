/**
 * One declaration per HQ table route (ARCHITECTURE §8): a URL, a scope, extra query parameters, a row
 * schema and a row producer make the whole route — the `from`/`to`/`bin` parameters with their
 * defaults and checks, the final_until cut, paging with `next` links, JSON or CSV (the row schema's keys
 * are the CSV columns) and the OpenAPI entry. A declared aggregate stream (shelves, signage
 * impressions, alerts) is one `hqStreamRoute()` call on top of it (hq-stream.ts).
 *
 * Every list answer is `{from, to, bin, final_until, total, limit, offset, next, items}`. `next` is the
 * URL of the following page, or null on the last one: the same query with the next `offset` (or, for
 * `paging: 'cursor'`, the next `after` cursor, and `total` null when counting would read the range) and
 * with `from`/`to` pinned to the instants this answer covered (`to` cut at final_until), so walking the
 * links returns every row once even while the day goes on. CSV carries the same in headers:
 * X-Total-Count (when known), X-Final-Until and `Link: <…>; rel="next"` (RFC 8288).
 */
import { type Static, Type as T, type TObject, type TProperties, type TSchema } from '@sinclair/typebox';
import type { Resolution } from '../../aggregate/levels.js';
import type { Scope } from '../../registry/tokens.js';
import { bearerSecurity } from '../auth.js';
import type { CsvRow } from '../csv.js';
import { sendTable } from '../respond.js';
import { errorResponses, type Format, FormatParam, LimitParam, OffsetParam, Query, tableResponse } from '../schemas.js';
import type { HttpRoutePlugin } from '../types.js';
import type { Paging, TablePage } from './hq-pages.js';
import {
  BinParam,
  FromParam,
  type HqAggregateSource,
  type HqRange,
  instantIso,
  NullableNumber,
  NullableString,
  RangeFields,
  type RangeSource,
  rangeFields,
  resolveRange,
  ToParam,
} from './hq-params.js';

export interface TableRequest<E> {
  /** The range asked for, cut at final_until: read bins starting in [range.fromMs, range.toMs). */
  range: HqRange;
  /** `offset` is 0 and `after` set (or not) for cursor paging. */
  page: Paging & { after?: string };
  /** The declaration's own query parameters. */
  query: E;
}

/** `S` is what the rows are read from: the HQ aggregate source, or a declared stream (hq-stream.ts). */
export interface HqTable<P extends TProperties, W extends TObject, S = HqAggregateSource> {
  /** Route plugin name (unique in the app). */
  name: string;
  /** Absolute URL, `/api/v1/…`. */
  url: string;
  /** Default hq:read. */
  scope?: Scope;
  summary: string;
  description: string;
  /** Query parameters beyond from, to, bin, limit, offset/after and format (id filters…). */
  params?: P;
  /** Replaces the `bin` parameter (e.g. day only); its default must be a Resolution. */
  bin?: TSchema;
  /** Longest range in days, instead of MAX_SPAN_DAYS[bin]. */
  maxDays?: number;
  /** `offset` (default): rows are numbered, `total` is known. `cursor`: `after` carries the producer's cursor. */
  paging?: 'offset' | 'cursor';
  /** One row; its keys in order are the CSV columns. */
  row: W;
  /** CSV download name, without extension. */
  filename: string;
  rows(request: TableRequest<Static<TObject<P>>>, source: S): TablePage<Static<W>>;
}

/** The shared parameters after validation (Ajv fills the defaults); the declaration's own ride along. */
interface BaseQuery {
  [own: string]: unknown;
  from?: string;
  to?: string;
  bin: Resolution;
  limit: number;
  offset?: number;
  after?: string;
  format: Format;
}

const AfterParam = T.Optional(
  T.String({ description: 'Cursor from the previous page’s `next` (follow `next` rather than building it).' }),
);

export function PageSchema(item: TSchema, description: string, paging: 'offset' | 'cursor' = 'offset') {
  const numbered = paging === 'offset';
  return T.Object(
    {
      ...RangeFields,
      total: numbered
        ? T.Integer({ description: 'Rows in the whole answer before paging.' })
        : NullableNumber('Rows in the whole answer; null: not counted (it would read the whole range).'),
      limit: T.Integer(),
      ...(numbered ? { offset: T.Integer() } : {}),
      next: NullableString(
        'URL of the next page (same query, next offset or cursor, the range pinned); null on the last.',
      ),
      items: T.Array(item),
    },
    { description },
  );
}

/** Types a declaration (infers its parameters and row) without registering it. */
export function defineTable<P extends TProperties, W extends TObject, S = HqAggregateSource>(
  table: HqTable<P, W, S>,
): HqTable<P, W, S> {
  return table;
}

/**
 * The route of a declaration; `produce` gets a page's rows — in a query worker for the path figures
 * (hq-routes.ts), from the stream on this thread for a declared stream (hq-stream.ts).
 */
export function hqTableRoute<P extends TProperties, W extends TObject, S>(
  ranges: RangeSource,
  table: HqTable<P, W, S>,
  produce: (request: TableRequest<Static<TObject<P>>>) => TablePage<Static<W>> | Promise<TablePage<Static<W>>>,
): HttpRoutePlugin {
  const paging = table.paging ?? 'offset';
  const querystring = Query({
    from: FromParam,
    to: ToParam,
    bin: table.bin ?? BinParam,
    ...(table.params ?? {}),
    limit: LimitParam,
    ...(paging === 'offset' ? { offset: OffsetParam } : { after: AfterParam }),
    format: FormatParam,
  });
  const columns = Object.keys(table.row.properties);
  return {
    name: table.name,
    register(app, { requireScope }) {
      app.get<{ Querystring: BaseQuery }>(
        table.url,
        {
          onRequest: requireScope(table.scope ?? 'hq:read'),
          schema: {
            summary: table.summary,
            description: `${table.description} Paged: follow \`next\`; bins from final_until on are absent.`,
            tags: ['hq'],
            security: bearerSecurity,
            querystring,
            response: {
              200: tableResponse(PageSchema(table.row, `${table.summary}: one page`, paging), table.summary),
              ...errorResponses(400, 401, 403, 413, 500, 503),
            },
          },
        },
        async (request, reply) => {
          const { from, to, bin, limit, offset = 0, after, format, ...own } = request.query;
          const range = resolveRange({ from, to, bin }, ranges, table.maxDays);
          const page = { limit, offset, ...(after === undefined ? {} : { after }) };
          const { total, items, cursor } = await produce({ range, page, query: own as Static<TObject<P>> });
          const next = nextOf(request.url, range, paging === 'offset' ? { offset, limit, total } : { cursor });
          const fields = rangeFields(range);
          if (total !== null) reply.header('x-total-count', String(total));
          if (fields.final_until !== null) reply.header('x-final-until', fields.final_until);
          if (next !== null) reply.header('link', `<${next}>; rel="next"`);
          const json = { ...fields, total, limit, ...(paging === 'offset' ? { offset } : {}), next, items };
          return sendTable(reply, { format, rows: items as CsvRow[], columns, filename: table.filename, json });
        },
      );
    },
  };
}

/**
 * The request's own URL for the next page — the next offset or cursor, and the range pinned to the
 * instants it covered — or null when this page ends the answer.
 */
function nextOf(
  url: string,
  range: HqRange,
  at: { offset: number; limit: number; total: number | null } | { cursor?: string | null | undefined },
): string | null {
  const [path = '', search = ''] = url.split('?', 2);
  const query = new URLSearchParams(search);
  if ('offset' in at) {
    if (at.total === null || at.offset + at.limit >= at.total) return null;
    query.set('offset', String(at.offset + at.limit));
  } else {
    if (at.cursor === null || at.cursor === undefined) return null;
    query.set('after', at.cursor);
  }
  query.set('from', instantIso(range.timeZone, range.fromMs));
  query.set('to', instantIso(range.timeZone, range.toMs));
  return `${path}?${query}`;
}
