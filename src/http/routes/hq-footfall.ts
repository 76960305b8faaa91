/**
 * `GET /api/v1/footfall` (hq:read, ARCHITECTURE §8): counting-line figures per bin — people in and out
 * (§5 "Line crossing", net or every per line) and groups (§5 "Groups"). One row per bin and line,
 * every bin of the range and every line of the floor plan (zeros where nobody crossed), so a chart has
 * no holes. Lines marked `entrance` are the store's footfall (`/summary/daily` sums them).
 */
import { Type as T } from '@sinclair/typebox';
import type { LineSeriesRow, RangeOptions } from '../../aggregate/query.js';
import { gridIds, gridPage } from './hq-pages.js';
import { BinTimes, type HqTableConfig, IdListParam } from './hq-params.js';
import { defineTable } from './hq-table.js';

const FootfallRow = T.Object({
  ...BinTimes,
  line: T.String({ description: 'Counting line id.' }),
  entrance: T.Boolean({ description: 'The line is a store entrance (its counts are store footfall).' }),
  in: T.Integer({ description: 'People counted in (walking from `from` to `to`, left is in).' }),
  out: T.Integer({ description: 'People counted out.' }),
  groups_in: T.Integer({ description: 'Groups (buying units) in.' }),
  groups_out: T.Integer({ description: 'Groups out.' }),
});

export function footfallTable(config: HqTableConfig) {
  const configured = config.floor.lines.map((line) => line.id);
  const entrance = new Map(config.floor.lines.map((line) => [line.id, line.entrance]));
  return defineTable({
    name: 'hq-footfall',
    url: '/api/v1/footfall',
    summary: 'People and groups crossing each counting line, per bin',
    description: 'One row per bin and line, zeros included, in time order then by line.',
    params: { line: IdListParam('counting line') },
    row: FootfallRow,
    filename: 'footfall',
    rows: ({ range, page, query }, aggregates) => {
      const ids = gridIds(aggregates, range, 'line', query.line, configured);
      const grid = {
        ids,
        read: (window: RangeOptions) => aggregates.lineSeries({ ...window, lines: ids }),
        idOf: (row: LineSeriesRow) => row.line,
      };
      return gridPage(aggregates, range, page, grid, (times, line, row) => ({
        ...times,
        line,
        entrance: row?.entrance ?? entrance.get(line) ?? false,
        in: row?.in ?? 0,
        out: row?.out ?? 0,
        groups_in: row?.groups_in ?? 0,
        groups_out: row?.groups_out ?? 0,
      }));
    },
  });
}
