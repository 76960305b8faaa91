/**
 * The HQ table declarations over path analysis (hq-table.ts), in route order. The routes serve them
 * (hq-routes.ts) and the query workers produce their rows (hq-query-worker.ts): both build them here
 * from the same config, so a page computed in a worker is the page the route declares.
 */
import type { TObject, TProperties } from '@sinclair/typebox';
import { footfallTable } from './hq-footfall.js';
import type { HqTableConfig } from './hq-params.js';
import { topPathsTable, transitionsTable } from './hq-paths.js';
import { dailySummaryTable } from './hq-summary.js';
import type { HqTable } from './hq-table.js';
import { zoneStatsTable } from './hq-zones.js';

export function hqTables(config: HqTableConfig): HqTable<TProperties, TObject>[] {
  return [
    footfallTable(config),
    zoneStatsTable(config),
    transitionsTable(config),
    topPathsTable(config),
    dailySummaryTable(config),
  ] as HqTable<TProperties, TObject>[];
}
