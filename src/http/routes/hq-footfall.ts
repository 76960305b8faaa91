/**
 * `GET /api/v1/footfall` (hq:read, ARCHITECTURE §8): counting-line figures per bin — people in and out
 * (§5 "Line crossing", net or every per line) and groups (§5 "Groups"). One row per bin and line,
 * every bin of the range and every line of the floor plan (zeros where nobody crossed), so a chart has
 * no holes. Lines marked `entrance` are the store's footfall (`/summary/daily` sums them).
 */
import { type Static, Type as T } from '@sinclair/typebox';
import { bearerSecurity } from '../auth.js';
import { sendTable } from '../respond.js';
import {
  errorResponses,
  FormatParam,
  LimitParam,
  OffsetParam,
  Query,
  tableResponse,
  type WithDefaults,
} from '../schemas.js';
import type { HttpRoutePlugin } from '../types.js';
import {
  BinParam,
  BinTimes,
  FromParam,
  type HqDeps,
  IdListParam,
  PageSchema,
  page,
  periodGrid,
  resolveIds,
  resolveRange,
  ToParam,
} from './hq-params.js';

const FootfallQuery = Query({
  from: FromParam,
  to: ToParam,
  bin: BinParam,
  line: IdListParam('counting line'),
  limit: LimitParam,
  offset: OffsetParam,
  format: FormatParam,
});

const FootfallRow = T.Object({
  ...BinTimes,
  line: T.String({ description: 'Counting line id.' }),
  entrance: T.Boolean({ description: 'The line is a store entrance (its counts are store footfall).' }),
  in: T.Integer({ description: 'People counted in (walking from `from` to `to`, left is in).' }),
  out: T.Integer({ description: 'People counted out.' }),
  groups_in: T.Integer({ description: 'Groups (buying units) in.' }),
  groups_out: T.Integer({ description: 'Groups out.' }),
});

const COLUMNS = ['bin_start', 'bin_end', 'line', 'entrance', 'in', 'out', 'groups_in', 'groups_out'];

type FootfallQueryType = WithDefaults<Static<typeof FootfallQuery>, 'bin' | 'limit' | 'offset' | 'format'>;

export function hqFootfallRoutes(deps: HqDeps): HttpRoutePlugin {
  return {
    name: 'hq-footfall',
    register(app, { requireScope }) {
      app.get<{ Querystring: FootfallQueryType }>(
        '/api/v1/footfall',
        {
          onRequest: requireScope('hq:read'),
          schema: {
            summary: 'People and groups crossing each counting line, per bin',
            description:
              'One row per bin and line, zeros included. Paged with limit/offset; X-Total-Count carries the row count.',
            tags: ['hq'],
            security: bearerSecurity,
            querystring: FootfallQuery,
            response: {
              200: tableResponse(PageSchema(FootfallRow, 'Footfall rows'), 'Footfall per bin and line.'),
              ...errorResponses(400, 401, 403, 500),
            },
          },
        },
        async (request, reply) => {
          const { limit, offset, format } = request.query;
          const range = resolveRange(request.query, deps);
          const configured = deps.config.floor.lines;
          const selected = resolveIds(
            request.query.line,
            configured.map((line) => line.id),
            'line',
          );
          const stored = deps.aggregates.lineSeries({ ...range, lines: selected });
          const ids = { selected, configured: configured.map((line) => line.id) };
          const entrance = new Map(configured.map((line) => [line.id, line.entrance]));
          const rows = periodGrid(
            deps,
            range,
            ids,
            stored,
            (row) => row.line,
            (times, line, row) => ({
              ...times,
              line,
              entrance: row?.entrance ?? entrance.get(line) ?? false,
              in: row?.in ?? 0,
              out: row?.out ?? 0,
              groups_in: row?.groups_in ?? 0,
              groups_out: row?.groups_out ?? 0,
            }),
          );
          const body = page(range, rows, limit, offset);
          reply.header('x-total-count', String(body.total));
          return sendTable(reply, { format, rows: body.items, columns: COLUMNS, filename: 'footfall', json: body });
        },
      );
    },
  };
}
