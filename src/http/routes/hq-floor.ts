/**
 * `GET /api/v1/floor` (hq:read, ARCHITECTURE §8 "zones, lines, fixtures with names"): the floor plan as
 * configured, so HQ and the dashboard can put names on the ids every figure carries and draw the
 * store: zones, counting lines, fixtures and cameras with their names and geometry, the floor bounds
 * and the heatmap grid. JSON only. `name` is optional in the config (a zone, line, fixture or device
 * may have none): it is null then, and a client shows the id.
 */
import { Type as T } from '@sinclair/typebox';
import { compileFloor } from '../../paths/floor-model.js';
import { heatGrid } from '../../paths/heatmap-engine.js';
import { bearerSecurity } from '../auth.js';
import { errorResponses, Query } from '../schemas.js';
import type { HttpRoutePlugin } from '../types.js';
import { type HqOptions, NullableString } from './hq-params.js';

const Point = T.Array(T.Number(), { description: '[x, y] in floor metres (x to the right, y up).' });
const Polygon = T.Array(Point, { description: 'Corners in floor metres, in order.' });
const Name = NullableString('Human name from the config; null when it gives none.');

const FloorJson = T.Object({
  store: T.Object({ id: T.String(), name: T.String(), timezone: T.String({ description: 'IANA time zone.' }) }),
  units: T.Object({
    length: T.String({ description: 'Unit of every coordinate: "m" (floor metres).' }),
    time: T.String({ description: 'How figures give time: "ISO-8601 with the store UTC offset".' }),
  }),
  bounds: T.Object({ min: Point, max: Point }, { description: 'Rectangle holding the floor.' }),
  heatmap: T.Object(
    { cell_m: T.Number(), origin: Point, cols: T.Integer(), rows: T.Integer() },
    { description: 'The grid /heatmap reports on (for the current floor plan).' },
  ),
  zones: T.Array(
    T.Object({
      id: T.String(),
      name: Name,
      kind: T.String({ description: 'area, queue, viewing, shelf_front or staff_only.' }),
      polygon: Polygon,
    }),
  ),
  lines: T.Array(
    T.Object({
      id: T.String(),
      name: Name,
      from: Point,
      to: Point,
      entrance: T.Boolean({ description: 'Its counts are store footfall.' }),
      mode: T.String({ description: 'net or every (ARCHITECTURE §5 "Line crossing"); in = walking from → to, left.' }),
    }),
  ),
  fixtures: T.Array(T.Object({ id: T.String(), name: Name, polygon: Polygon })),
  cameras: T.Array(
    T.Object({
      id: T.String(),
      name: Name,
      type: T.String({ description: 'smart (publishes tracks) or plain (frames).' }),
      coverage: T.Unsafe<number[][] | null>({
        type: 'array',
        items: Point,
        nullable: true,
        description: 'Floor polygon the camera sees; null when not configured.',
      }),
    }),
  ),
});

export function hqFloorRoutes(options: HqOptions): HttpRoutePlugin {
  const { store, floor, analysis, devices } = options.config;
  const grid = heatGrid(compileFloor(floor, analysis));
  // Built once: the config does not change while the gateway runs.
  const body = {
    store: { id: store.id, name: store.name, timezone: store.timezone },
    units: { length: 'm', time: 'ISO-8601 with the store UTC offset' },
    bounds: floor.bounds,
    heatmap: { cell_m: grid.cellM, origin: [grid.originX, grid.originY], cols: grid.cols, rows: grid.rows },
    zones: floor.zones.map(({ id, name, kind, polygon }) => ({ id, name: name ?? null, kind, polygon })),
    lines: floor.lines.map(({ id, name, from, to, entrance, mode }) => ({
      id,
      name: name ?? null,
      from,
      to,
      entrance,
      mode,
    })),
    fixtures: floor.fixtures.map(({ id, name, polygon }) => ({ id, name: name ?? null, polygon })),
    // Config checks require a `camera` section exactly on devices of kind camera (checks-devices.ts).
    cameras: devices.flatMap(({ id, name, camera }) =>
      camera === undefined ? [] : [{ id, name: name ?? null, type: camera.type, coverage: camera.coverage ?? null }],
    ),
  };
  return {
    name: 'hq-floor',
    register(app, { requireScope }) {
      app.get(
        '/api/v1/floor',
        {
          onRequest: requireScope('hq:read'),
          schema: {
            summary: 'The floor plan: zones, counting lines, fixtures and cameras with names and geometry',
            description: 'From the config; names are null where the config gives none.',
            tags: ['hq'],
            security: bearerSecurity,
            // No parameters: any one (`format=csv` too) is refused naming it, not silently ignored.
            querystring: Query({}),
            response: { 200: FloorJson, ...errorResponses(400, 401, 403, 500) },
          },
        },
        async () => body,
      );
    },
  };
}
