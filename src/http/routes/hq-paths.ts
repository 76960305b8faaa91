/**
 * `GET /api/v1/paths/transitions` and `GET /api/v1/paths/top` (hq:read, ARCHITECTURE §8): moves between
 * area zones (§5 "Area zones and paths"), k-anonymised as everything that leaves the gateway (§5
 * "Privacy"): a transition or path counted fewer than `analysis.k_anonymity` times in what one row set
 * covers is folded into one `other` row (`from`/`to`/`path` null, `folded_flows` = how many distinct
 * ones went in). Transitions are per bin (folded per bin); top paths are summed over the whole range
 * (folded over the range), most frequent first; a path is its zone ids joined by `>`.
 */
import { type Static, Type as T } from '@sinclair/typebox';
import { foldRareFlows } from '../../aggregate/k-anonymity.js';
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
  binTimes,
  FromParam,
  type HqDeps,
  NullableNumber,
  NullableString,
  PageSchema,
  page,
  resolveRange,
  ToParam,
} from './hq-params.js';

const PathsQuery = Query({
  from: FromParam,
  to: ToParam,
  bin: BinParam,
  limit: LimitParam,
  offset: OffsetParam,
  format: FormatParam,
});
type PathsQueryType = WithDefaults<Static<typeof PathsQuery>, 'bin' | 'limit' | 'offset' | 'format'>;

const TransitionRow = T.Object({
  ...BinTimes,
  from: NullableString('Zone left; null on the "other" row.'),
  to: NullableString('Zone entered; null on the "other" row.'),
  count: T.Integer({ description: 'Transitions (counted in the bin where the zone was entered).' }),
  other: T.Boolean({ description: 'This row folds the transitions counted fewer than k_anonymity times.' }),
  folded_flows: T.Integer({ description: 'Distinct transitions folded into this row (0 on ordinary rows).' }),
});

const TopPathRow = T.Object({
  rank: NullableNumber('1 for the most frequent path; null on the "other" row.'),
  path: NullableString('Zone ids in visiting order joined by ">"; null on the "other" row.'),
  length: T.Integer({ description: 'Zones in the path (0 on the "other" row).' }),
  count: T.Integer({ description: 'Tracks that took this path (counted in the bin of their last sample).' }),
  share: T.Number({ description: 'count / all paths in the range.' }),
  other: T.Boolean({ description: 'This row folds the paths counted fewer than k_anonymity times.' }),
  folded_flows: T.Integer({ description: 'Distinct paths folded into this row (0 on ordinary rows).' }),
});

function schema(summary: string, description: string, row: typeof TransitionRow | typeof TopPathRow) {
  return {
    summary,
    description,
    tags: ['hq'],
    security: bearerSecurity,
    querystring: PathsQuery,
    response: {
      200: tableResponse(PageSchema(row, 'Rows'), summary),
      ...errorResponses(400, 401, 403, 500),
    },
  };
}

export function hqPathRoutes(deps: HqDeps): HttpRoutePlugin {
  const k = deps.config.analysis.k_anonymity;
  return {
    name: 'hq-paths',
    register(app, { requireScope }) {
      app.get<{ Querystring: PathsQueryType }>(
        '/api/v1/paths/transitions',
        {
          onRequest: requireScope('hq:read'),
          schema: schema(
            'Transitions between area zones per bin, k-anonymised',
            'Most frequent first within each bin; the "other" row of a bin comes last. Paged with limit/offset.',
            TransitionRow,
          ),
        },
        async (request, reply) => {
          const { limit, offset, format } = request.query;
          const range = resolveRange(request.query, deps);
          const rows = deps.aggregates.flowSeries('transition', range).flatMap((bin) => {
            const times = binTimes(range.timeZone, bin.start_ms, bin.len_s);
            const folded = foldRareFlows(bin.flows, k);
            const kept = folded.kept.map(({ zones, count }) => ({
              ...times,
              from: zones[0] ?? null,
              to: zones[1] ?? null,
              count,
              other: false,
              folded_flows: 0,
            }));
            if (folded.other_flows === 0) return kept;
            const other = { from: null, to: null, count: folded.other_count, other: true };
            return [...kept, { ...times, ...other, folded_flows: folded.other_flows }];
          });
          const body = page(range, rows, limit, offset);
          reply.header('x-total-count', String(body.total));
          const columns = Object.keys(TransitionRow.properties);
          return sendTable(reply, { format, rows: body.items, columns, filename: 'transitions', json: body });
        },
      );

      app.get<{ Querystring: PathsQueryType }>(
        '/api/v1/paths/top',
        {
          onRequest: requireScope('hq:read'),
          schema: schema(
            'The most frequent paths through area zones over the range, k-anonymised',
            'Summed over the bins of the range at the given resolution; the "other" row comes last.',
            TopPathRow,
          ),
        },
        async (request, reply) => {
          const { limit, offset, format } = request.query;
          const range = resolveRange(request.query, deps);
          const totals = deps.aggregates.flowTotals('path', range);
          let all = 0;
          for (const flow of totals) all += flow.count;
          const folded = foldRareFlows(totals, k);
          const rows: Static<typeof TopPathRow>[] = folded.kept.map(({ zones, count }, i) => ({
            rank: i + 1,
            path: zones.join('>'),
            length: zones.length,
            count,
            share: count / all,
            other: false,
            folded_flows: 0,
          }));
          if (folded.other_flows > 0) {
            const count = folded.other_count;
            const share = count / all;
            rows.push({
              rank: null,
              path: null,
              length: 0,
              count,
              share,
              other: true,
              folded_flows: folded.other_flows,
            });
          }
          const body = page(range, rows, limit, offset);
          reply.header('x-total-count', String(body.total));
          const columns = Object.keys(TopPathRow.properties);
          return sendTable(reply, { format, rows: body.items, columns, filename: 'top-paths', json: body });
        },
      );
    },
  };
}
