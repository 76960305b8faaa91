/**
 * `GET /api/v1/heatmap` (hq:read, ARCHITECTURE §8 "JSON or PNG"): person-seconds per floor cell (§5
 * "Heatmap") summed over the bins of [from, to) at the chosen resolution. JSON gives the grid and the
 * row-major `seconds` (row 0 at the grid's minimum y, as `omo-edge analyze` prints it); CSV one row per
 * cell with its corner in floor metres; PNG the floor plan with the cells coloured (hq-heatmap-png.ts).
 * With no data in the range the grid of the current floor plan is returned, all zeros. Only bins
 * starting before `final_until` are summed (hq-params.ts); the JSON states it, the other formats carry
 * it in X-Final-Until.
 */
import { type Static, Type as T } from '@sinclair/typebox';
import type { HeatmapCells } from '../../aggregate/records.js';
import { compileFloor } from '../../paths/floor-model.js';
import { heatGrid } from '../../paths/heatmap-engine.js';
import { bearerSecurity } from '../auth.js';
import { sendTable } from '../respond.js';
import { errorResponses, Query, StringEnum, type WithDefaults } from '../schemas.js';
import type { HttpRoutePlugin } from '../types.js';
import { renderHeatmapPng } from './hq-heatmap-png.js';
import {
  BinParam,
  FromParam,
  type HqOptions,
  invalid,
  pathRanges,
  RangeFields,
  rangeFields,
  resolveRange,
  ToParam,
} from './hq-params.js';
import type { HqQueryPool } from './hq-query-pool.js';

/** Largest PNG side: a 4096² RGBA buffer is 64 MiB, the most one request may make the gateway allocate. */
const MAX_SIDE_PX = 4096;

const HeatmapQuery = Query({
  from: FromParam,
  to: ToParam,
  bin: BinParam,
  format: T.Optional(
    StringEnum(['json', 'csv', 'png'], {
      description: 'JSON grid, CSV with one row per cell, or a PNG of the floor plan.',
      default: 'json',
    }),
  ),
  scale: T.Optional(
    T.Number({ description: 'PNG only: pixels per floor metre.', minimum: 1, maximum: 200, default: 20 }),
  ),
});
type HeatmapQueryType = WithDefaults<Static<typeof HeatmapQuery>, 'bin' | 'format' | 'scale'>;

const HeatmapJson = T.Object({
  ...RangeFields,
  bins: T.Integer({ description: 'Bins in the range (up to final_until) that had heatmap seconds.' }),
  cell_m: T.Number({ description: 'Cell side in metres.' }),
  origin: T.Array(T.Number(), { description: '[x, y] of the grid minimum corner, floor metres.' }),
  cols: T.Integer(),
  rows: T.Integer(),
  total_seconds: T.Number({ description: 'Sum of all cells.' }),
  max_seconds: T.Number({ description: 'The hottest cell.' }),
  seconds: T.Array(T.Number(), { description: 'Person-seconds per cell, row-major, row 0 at origin y.' }),
});

const COLUMNS = ['cell', 'row', 'col', 'x_m', 'y_m', 'seconds'];

export function hqHeatmapRoutes(deps: HqOptions, queries: HqQueryPool): HttpRoutePlugin {
  const model = compileFloor(deps.config.floor, deps.config.analysis);
  const current = heatGrid(model);
  const ranges = pathRanges(deps);
  return {
    name: 'hq-heatmap',
    register(app, { requireScope }) {
      app.get<{ Querystring: HeatmapQueryType }>(
        '/api/v1/heatmap',
        {
          onRequest: requireScope('hq:read'),
          schema: {
            summary: 'Floor heatmap (person-seconds per cell) as JSON, CSV or PNG',
            tags: ['hq'],
            security: bearerSecurity,
            querystring: HeatmapQuery,
            response: {
              200: {
                description: 'The heatmap over the range.',
                content: {
                  'application/json': { schema: HeatmapJson },
                  'text/csv': { schema: { type: 'string', description: 'RFC 4180 CSV: one row per cell.' } },
                  'image/png': {
                    schema: { type: 'string', format: 'binary', description: 'The floor plan, coloured.' },
                  },
                },
              },
              ...errorResponses(400, 401, 403, 413, 500, 503),
            },
          },
        },
        async (request, reply) => {
          const { format, scale } = request.query;
          const range = resolveRange(request.query, ranges);
          const { heatmap, bins } = await queries.run({ kind: 'heatmap', range });
          const fields = rangeFields(range);
          if (fields.final_until !== null) reply.header('x-final-until', fields.final_until);
          const grid = gridOf(heatmap, current);
          const seconds = new Array<number>(grid.cols * grid.rows).fill(0);
          for (const [cell, s] of Object.entries(heatmap?.cells ?? {})) seconds[Number(cell)] = s;
          let total = 0;
          let max = 0;
          for (const s of seconds) {
            total += s;
            max = Math.max(max, s);
          }
          reply.header('x-heatmap-max-seconds', String(max));
          if (format === 'png') {
            const side = Math.max(grid.cols, grid.rows) * grid.cellM * scale;
            if (side > MAX_SIDE_PX) {
              throw invalid(
                'scale',
                `querystring parameter "scale": ${scale} px/m makes a ${Math.round(side)} px image; the limit is ${MAX_SIDE_PX}`,
              );
            }
            const { png } = await renderHeatmapPng({
              grid,
              bounds: model.bounds,
              seconds,
              zones: deps.config.floor.zones,
              fixtures: deps.config.floor.fixtures ?? [],
              lines: deps.config.floor.lines,
              pxPerM: scale,
            });
            return reply.type('image/png').send(png);
          }
          const rows = seconds.map((s, cell) => {
            const row = Math.floor(cell / grid.cols);
            const col = cell % grid.cols;
            return {
              cell,
              row,
              col,
              x_m: grid.originX + col * grid.cellM,
              y_m: grid.originY + row * grid.cellM,
              seconds: s,
            };
          });
          return sendTable(reply, {
            format,
            rows,
            columns: COLUMNS,
            filename: 'heatmap',
            json: {
              ...fields,
              bins,
              cell_m: grid.cellM,
              origin: [grid.originX, grid.originY],
              cols: grid.cols,
              rows: grid.rows,
              total_seconds: total,
              max_seconds: max,
              seconds,
            },
          });
        },
      );
    },
  };
}

/** The stored grid when there is data (the floor plan may have changed since), else the current one. */
function gridOf(heatmap: HeatmapCells | null, current: ReturnType<typeof heatGrid>) {
  if (heatmap === null) return current;
  return {
    cellM: heatmap.cell_m,
    originX: heatmap.origin[0],
    originY: heatmap.origin[1],
    cols: heatmap.cols,
    rows: heatmap.rows,
  };
}
