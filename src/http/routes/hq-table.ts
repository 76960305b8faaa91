/**
 * One declaration per HQ table route (ARCHITECTURE §8): a URL, a scope, extra query parameters, a row
 * schema and a row producer make the whole route — the `from`/`to`/`bin` parameters with their
 * defaults and checks, the final_until cut, paging with `next` links, JSON or CSV (the row schema's keys
 * are the CSV columns) and the OpenAPI entry. A feature's aggregate stream (shelves, signage
 * impressions, alerts) is exposed to HQ by one `hqTableRoute()` call whose producer reads its page.
 *
 * Every list answer is `{from, to, bin, final_until, total, limit, offset, next, items}`. `next` is the
 * URL of the following page, or null on the last one: the same query with the next offset and with
 * `from`/`to` pinned to the instants this answer covered (`to` cut at final_until), so walking the links
 * returns every row once even while the day goes on. CSV carries the same in headers: X-Total-Count,
 * X-Final-Until and `Link: <…>; rel="next"` (RFC 8288).
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
  type HqOptions,
  type HqRange,
  instantIso,
  NullableString,
  RangeFields,
  rangeFields,
  resolveRange,
  ToParam,
} from './hq-params.js';

export interface TableRequest<E> {
  /** The range asked for, cut at final_until: read bins starting in [range.fromMs, range.toMs). */
  range: HqRange;
  page: Paging;
  /** The declaration's own query parameters. */
  query: E;
}

export interface HqTable<P extends TProperties, W extends TObject> {
  /** Route plugin name (unique in the app). */
  name: string;
  /** Absolute URL, `/api/v1/…`. */
  url: string;
  /** Default hq:read. */
  scope?: Scope;
  summary: string;
  description: string;
  /** Query parameters beyond from, to, bin, limit, offset and format (id filters…). */
  params?: P;
  /** Replaces the `bin` parameter (e.g. day only); its default must be a Resolution. */
  bin?: TSchema;
  /** Longest range in days, instead of MAX_SPAN_DAYS[bin]. */
  maxDays?: number;
  /** One row; its keys in order are the CSV columns. */
  row: W;
  /** CSV download name, without extension. */
  filename: string;
  rows(request: TableRequest<Static<TObject<P>>>): TablePage<Static<W>>;
}

/** The shared parameters after validation (Ajv fills the defaults); the declaration's own ride along. */
interface BaseQuery {
  [own: string]: unknown;
  from?: string;
  to?: string;
  bin: Resolution;
  limit: number;
  offset: number;
  format: Format;
}

export function PageSchema(item: TSchema, description: string) {
  return T.Object(
    {
      ...RangeFields,
      total: T.Integer({ description: 'Rows in the whole answer before paging.' }),
      limit: T.Integer(),
      offset: T.Integer(),
      next: NullableString('URL of the next page (same query, next offset, the range pinned); null on the last.'),
      items: T.Array(item),
    },
    { description },
  );
}

export function hqTableRoute<P extends TProperties, W extends TObject>(
  options: HqOptions,
  table: HqTable<P, W>,
): HttpRoutePlugin {
  const querystring = Query({
    from: FromParam,
    to: ToParam,
    bin: table.bin ?? BinParam,
    ...(table.params ?? {}),
    limit: LimitParam,
    offset: OffsetParam,
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
              200: tableResponse(PageSchema(table.row, `${table.summary}: one page`), table.summary),
              ...errorResponses(400, 401, 403, 500),
            },
          },
        },
        async (request, reply) => {
          const { from, to, bin, limit, offset, format, ...own } = request.query;
          const range = resolveRange({ from, to, bin }, options, table.maxDays);
          const { total, items } = table.rows({ range, page: { limit, offset }, query: own as Static<TObject<P>> });
          const next = offset + limit < total ? nextLink(request.url, range, offset + limit) : null;
          const fields = rangeFields(range);
          reply.header('x-total-count', String(total));
          if (fields.final_until !== null) reply.header('x-final-until', fields.final_until);
          if (next !== null) reply.header('link', `<${next}>; rel="next"`);
          const json = { ...fields, total, limit, offset, next, items };
          return sendTable(reply, { format, rows: items as CsvRow[], columns, filename: table.filename, json });
        },
      );
    },
  };
}

/** The request's own URL with the next offset and the range pinned to the instants it covered. */
function nextLink(url: string, range: HqRange, offset: number): string {
  const [path = '', search = ''] = url.split('?', 2);
  const query = new URLSearchParams(search);
  query.set('from', instantIso(range.timeZone, range.fromMs));
  query.set('to', instantIso(range.timeZone, range.toMs));
  query.set('offset', String(offset));
  return `${path}?${query}`;
}
