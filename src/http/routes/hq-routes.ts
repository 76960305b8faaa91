/**
 * The HQ data routes over path analysis (ARCHITECTURE §8), all `hq:read`: footfall, zone stats,
 * transitions, top paths, heatmap (JSON/CSV/PNG) and the daily summary. The gateway passes them to
 * `buildHttpApp({ routes: hqRoutes({ aggregates, config }) })`.
 */
import type { HttpRoutePlugin } from '../types.js';
import { hqFootfallRoutes } from './hq-footfall.js';
import { hqHeatmapRoutes } from './hq-heatmap.js';
import type { HqDeps } from './hq-params.js';
import { hqPathRoutes } from './hq-paths.js';
import { hqSummaryRoutes } from './hq-summary.js';
import { hqZoneRoutes } from './hq-zones.js';

export type { HqAggregateSource, HqDeps } from './hq-params.js';

export function hqRoutes(deps: HqDeps): HttpRoutePlugin[] {
  return [hqFootfallRoutes(deps), hqZoneRoutes(deps), hqPathRoutes(deps), hqHeatmapRoutes(deps), hqSummaryRoutes(deps)];
}
