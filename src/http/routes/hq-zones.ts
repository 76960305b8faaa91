/**
 * `GET /api/v1/zones/stats` (hq:read, ARCHITECTURE §8): per bin and zone, visits, dwells and
 * pass-throughs (§5 "Visit"), dwell total/mean/p50/p90 (nearest-rank from the merged dwell
 * distribution: within 0.05 s of the exact value, see src/aggregate/dwell-histogram.ts) and occupancy
 * end/max/mean (§5 "Occupancy"). For `queue` zones the estimated wait of the bin, both ways of
 * src/paths/queue.ts: the mean dwell of the queue visits that ended in it, and Little's law
 * (person-seconds / visits ended); null when no visit ended. Every bin and zone is listed.
 */
import { type Static, Type as T } from '@sinclair/typebox';
import type { ZoneSeriesRow } from '../../aggregate/query.js';
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
  NullableNumber,
  PageSchema,
  page,
  periodGrid,
  resolveIds,
  resolveRange,
  ToParam,
} from './hq-params.js';

const ZonesQuery = Query({
  from: FromParam,
  to: ToParam,
  bin: BinParam,
  zone: IdListParam('zone'),
  limit: LimitParam,
  offset: OffsetParam,
  format: FormatParam,
});

const ZoneRow = T.Object({
  ...BinTimes,
  zone: T.String({ description: 'Zone id.' }),
  kind: T.String({ description: 'area, queue, viewing, shelf_front or staff_only.' }),
  visits: T.Integer({ description: 'Visits that ended in the bin (dwell ≥ min_dwell_s).' }),
  dwells: T.Integer({ description: 'Visits with dwell ≥ dwell_threshold_s.' }),
  pass_throughs: T.Integer({ description: 'The other visits.' }),
  dwell_total_s: T.Number({ description: 'Sum of the dwells.' }),
  dwell_mean_s: T.Number({ description: 'dwell_total_s / visits; 0 without visits.' }),
  dwell_p50_s: T.Number({ description: 'Nearest-rank median dwell (0.1 s resolution); 0 without visits.' }),
  dwell_p90_s: T.Number({ description: 'Nearest-rank 90th percentile dwell (0.1 s resolution).' }),
  occupancy_end: T.Integer({ description: 'People inside at the bin end.' }),
  occupancy_max: T.Integer({ description: 'Most people inside at any instant of the bin.' }),
  occupancy_mean: T.Number({ description: 'Person-seconds inside / bin length.' }),
  queue_wait_mean_dwell_s: NullableNumber('Queue zones: mean dwell of the queue visits that ended in the bin.'),
  queue_wait_littles_law_s: NullableNumber("Queue zones: Little's law, person-seconds / visits ended."),
});

const COLUMNS = Object.keys(ZoneRow.properties);

type ZonesQueryType = WithDefaults<Static<typeof ZonesQuery>, 'bin' | 'limit' | 'offset' | 'format'>;

export function hqZoneRoutes(deps: HqDeps): HttpRoutePlugin {
  return {
    name: 'hq-zones',
    register(app, { requireScope }) {
      app.get<{ Querystring: ZonesQueryType }>(
        '/api/v1/zones/stats',
        {
          onRequest: requireScope('hq:read'),
          schema: {
            summary: 'Visits, dwell, occupancy and queue waits per zone and bin',
            description: 'One row per bin and zone, zeros included. Paged with limit/offset.',
            tags: ['hq'],
            security: bearerSecurity,
            querystring: ZonesQuery,
            response: {
              200: tableResponse(PageSchema(ZoneRow, 'Zone rows'), 'Zone figures per bin and zone.'),
              ...errorResponses(400, 401, 403, 500),
            },
          },
        },
        async (request, reply) => {
          const { limit, offset, format } = request.query;
          const range = resolveRange(request.query, deps);
          const zones = deps.config.floor.zones;
          const selected = resolveIds(
            request.query.zone,
            zones.map((zone) => zone.id),
            'zone',
          );
          const stored = deps.aggregates.zoneSeries({ ...range, zones: selected });
          const kinds = new Map<string, string>(zones.map((zone) => [zone.id, zone.kind]));
          const ids = { selected, configured: [...kinds.keys()] };
          const rows = periodGrid(
            deps,
            range,
            ids,
            stored,
            (row) => row.zone,
            (times, zone, row) => {
              const kind = row?.kind ?? kinds.get(zone) ?? 'area';
              return { ...times, zone, kind, ...figures(row, kind) };
            },
          );
          const body = page(range, rows, limit, offset);
          reply.header('x-total-count', String(body.total));
          return sendTable(reply, { format, rows: body.items, columns: COLUMNS, filename: 'zone-stats', json: body });
        },
      );
    },
  };
}

function figures(row: ZoneSeriesRow | undefined, kind: string) {
  const visits = row?.visits ?? 0;
  const queue = kind === 'queue' && visits > 0 && row !== undefined;
  return {
    visits,
    dwells: row?.dwells ?? 0,
    pass_throughs: row?.pass_throughs ?? 0,
    dwell_total_s: row?.dwell_total_s ?? 0,
    dwell_mean_s: row?.dwell_mean_s ?? 0,
    dwell_p50_s: row?.dwell_p50_s ?? 0,
    dwell_p90_s: row?.dwell_p90_s ?? 0,
    occupancy_end: row?.occupancy_end ?? 0,
    occupancy_max: row?.occupancy_max ?? 0,
    occupancy_mean: row?.occupancy_mean ?? 0,
    queue_wait_mean_dwell_s: queue ? row.dwell_total_s / visits : null,
    queue_wait_littles_law_s: queue ? row.person_s / visits : null,
  };
}
