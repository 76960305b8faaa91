/**
 * The HQ data routes over path analysis (ARCHITECTURE §8), all `hq:read`: footfall, zone stats,
 * transitions, top paths, the daily summary, heatmap (JSON/CSV/PNG) and the floor plan. A part adds
 * them with `hqRoutes({ aggregates, config, database, now, finalUntil })` (options: hq-params.ts
 * `HqOptions`). The table routes are declarations (hq-tables.ts); their rows and the heatmap are read
 * in query workers (hq-query-pool.ts, issue 8), which the app's close ends. A part exposes a declared
 * aggregate stream of its own with `hqStreamRoute()` (hq-stream.ts).
 */
import type { HttpRoutePlugin } from '../types.js';
import { hqFloorRoutes } from './hq-floor.js';
import { hqHeatmapRoutes } from './hq-heatmap.js';
import { type HqOptions, pathRanges } from './hq-params.js';
import { HqQueryPool } from './hq-query-pool.js';
import { hqTableRoute } from './hq-table.js';
import { hqTables } from './hq-tables.js';

export type { HqAggregateSource, HqOptions } from './hq-params.js';

export function hqRoutes(options: HqOptions): HttpRoutePlugin[] {
  const { config } = options;
  const queries = new HqQueryPool({
    database: options.database,
    // What the workers' declarations read; plain data, copied into each worker.
    config: { store: config.store, floor: config.floor, analysis: config.analysis, http: config.http },
    workers: config.http.query_workers,
    queue: config.http.query_queue,
    ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
  });
  const ranges = pathRanges(options);
  const closing: HttpRoutePlugin = {
    name: 'hq-query-workers',
    register: (app) => void app.addHook('onClose', () => queries.close()),
  };
  return [
    ...hqTables(config).map((table) =>
      hqTableRoute(ranges, table, async (request) => queries.run({ kind: 'table', name: table.name, request })),
    ),
    hqHeatmapRoutes(options, queries),
    hqFloorRoutes(options),
    closing,
  ];
}
