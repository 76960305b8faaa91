/**
 * `GET /api/v1/occupancy` (hq:read): how many people are in each zone now (issue 3 "Live"), the same
 * figures the gateway publishes retained on `omo/gateway/occupancy/<zone>`. Counts are at the event-time
 * watermark (newest camera reading minus `ingest.watermark_s`), so they trail the floor by a few seconds.
 */
import { type Static, Type as T } from '@sinclair/typebox';
import { bearerSecurity } from '../auth.js';
import { sendTable } from '../respond.js';
import { errorResponses, FormatParam, Query, tableResponse, type WithDefaults } from '../schemas.js';
import type { HttpRoutePlugin } from '../types.js';

export interface OccupancySource {
  currentOccupancy(): { ts: number | null; zones: { zone: string; kind: string; count: number }[] };
}

const ZoneCount = T.Object({
  zone: T.String({ description: 'Zone id.' }),
  kind: T.String({ description: 'Zone kind: area, queue, viewing, shelf_front, staff_only.' }),
  count: T.Integer({
    description:
      'People in the zone. Provisional: a person counts until known to be staff (their track enters a staff_only zone).',
  }),
  at: T.Union([T.String({ format: 'date-time' }), T.Null()], { description: 'Event time the count holds for.' }),
});

const OccupancyQuery = Query({ format: FormatParam });

export function occupancyRoutes(source: OccupancySource): HttpRoutePlugin {
  return {
    name: 'occupancy',
    register(app, { requireScope }) {
      app.get<{ Querystring: WithDefaults<Static<typeof OccupancyQuery>, 'format'> }>(
        '/api/v1/occupancy',
        {
          onRequest: requireScope('hq:read'),
          schema: {
            summary: 'Current occupancy per zone',
            tags: ['hq'],
            security: bearerSecurity,
            querystring: OccupancyQuery,
            response: {
              200: tableResponse(T.Object({ items: T.Array(ZoneCount) }), 'One row per zone, in config order.'),
              ...errorResponses(400, 401, 403, 500),
            },
          },
        },
        async (request, reply) => {
          const snapshot = source.currentOccupancy();
          const at = snapshot.ts === null ? null : new Date(snapshot.ts).toISOString();
          const rows = snapshot.zones.map(({ zone, kind, count }) => ({ zone, kind, count, at }));
          return sendTable(reply, {
            format: request.query.format,
            rows,
            columns: ['zone', 'kind', 'count', 'at'],
            filename: 'occupancy',
          });
        },
      );
    },
  };
}
