/**
 * The HQ data routes over path analysis (ARCHITECTURE §8), all `hq:read`: footfall, zone stats,
 * transitions, top paths, heatmap (JSON/CSV/PNG), the daily summary and the floor plan. A part adds
 * them with `hqRoutes({ aggregates, config, now, finalUntil })` (options: hq-params.ts `HqOptions`).
 * The table routes are declarations (hq-table.ts); a part exposes a declared aggregate stream of its
 * own with `hqStreamRoute()` (hq-stream.ts).
 */
import type { HttpRoutePlugin } from '../types.js';
import { hqFloorRoutes } from './hq-floor.js';
import { hqFootfallRoutes } from './hq-footfall.js';
import { hqHeatmapRoutes } from './hq-heatmap.js';
import type { HqOptions } from './hq-params.js';
import { hqPathRoutes } from './hq-paths.js';
import { hqSummaryRoutes } from './hq-summary.js';
import { hqZoneRoutes } from './hq-zones.js';

export type { HqAggregateSource, HqOptions } from './hq-params.js';

export function hqRoutes(options: HqOptions): HttpRoutePlugin[] {
  return [
    hqFootfallRoutes(options),
    hqZoneRoutes(options),
    ...hqPathRoutes(options),
    hqHeatmapRoutes(options),
    hqSummaryRoutes(options),
    hqFloorRoutes(options),
  ];
}
