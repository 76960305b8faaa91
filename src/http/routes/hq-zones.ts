/**
 * `GET /api/v1/zones/stats` (hq:read, ARCHITECTURE §8): per bin and zone, visits, dwells and
 * pass-throughs (§5 "Visit"), dwell total/mean/p50/p90 (nearest-rank from the merged dwell
 * distribution: within 0.05 s of the exact value, see src/aggregate/dwell-histogram.ts) and occupancy
 * end/max/mean (§5 "Occupancy"). For `queue` zones the estimated wait of the bin, both ways of
 * src/paths/queue.ts: the mean dwell of the queue visits that ended in it, and Little's law
 * (person-seconds / visits ended); null when no visit ended. Every bin and zone is listed.
 */
import { Type as T } from '@sinclair/typebox';
import type { RangeOptions, ZoneSeriesRow } from '../../aggregate/query.js';
import { gridIds, gridPage } from './hq-pages.js';
import { BinTimes, type HqTableConfig, IdListParam, NullableNumber } from './hq-params.js';
import { defineTable } from './hq-table.js';

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

export function zoneStatsTable(config: HqTableConfig) {
  const kinds = new Map<string, string>(config.floor.zones.map((zone) => [zone.id, zone.kind]));
  const configured = [...kinds.keys()];
  return defineTable({
    name: 'hq-zones',
    url: '/api/v1/zones/stats',
    summary: 'Visits, dwell, occupancy and queue waits per zone and bin',
    description: 'One row per bin and zone, zeros included, in time order then by zone.',
    params: { zone: IdListParam('zone') },
    row: ZoneRow,
    filename: 'zone-stats',
    rows: ({ range, page, query }, aggregates) => {
      const ids = gridIds(aggregates, range, 'zone', query.zone, configured);
      const grid = {
        ids,
        read: (window: RangeOptions) => aggregates.zoneSeries({ ...window, zones: ids }),
        idOf: (row: ZoneSeriesRow) => row.zone,
      };
      return gridPage(aggregates, range, page, grid, (times, zone, row) => {
        const kind = row?.kind ?? kinds.get(zone) ?? 'area';
        return { ...times, zone, kind, ...figures(row, kind) };
      });
    },
  });
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
