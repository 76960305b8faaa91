/**
 * `GET /api/v1/paths/transitions` and `GET /api/v1/paths/top` (hq:read, ARCHITECTURE §8): moves between
 * area zones (§5 "Area zones and paths"), k-anonymised as everything that leaves the gateway (§5
 * "Privacy"): a transition or path counted fewer than `analysis.k_anonymity` times in what one row set
 * covers is folded into one `other` row (`from`/`to`/`path` null, `folded_flows` = how many distinct
 * ones went in). Transitions are per bin (folded per bin); top paths are summed over the whole range
 * (folded over the range), most frequent first; a path is its zone ids joined by `>`.
 */
import { type Static, Type as T } from '@sinclair/typebox';
import { foldRareFlows } from '../../aggregate/k-anonymity.js';
import { binnedPage } from './hq-pages.js';
import { BinTimes, binTimes, type HqTableConfig, NullableNumber, NullableString } from './hq-params.js';
import { defineTable } from './hq-table.js';

const TransitionRow = T.Object({
  ...BinTimes,
  from: NullableString('Zone left; null on the "other" row.'),
  to: NullableString('Zone entered; null on the "other" row.'),
  count: T.Integer({ description: 'Transitions (counted in the bin where the zone was entered).' }),
  other: T.Boolean({ description: 'This row folds the transitions counted fewer than k_anonymity times.' }),
  folded_flows: T.Integer({ description: 'Distinct transitions folded into this row (0 on ordinary rows).' }),
});

const TopPathRow = T.Object({
  rank: NullableNumber('1 for the most frequent path; null on the "other" row.'),
  path: NullableString('Zone ids in visiting order joined by ">"; null on the "other" row.'),
  length: T.Integer({ description: 'Zones in the path (0 on the "other" row).' }),
  count: T.Integer({ description: 'Tracks that took this path (counted in the bin of their last sample).' }),
  share: T.Number({ description: 'count / all paths in the range.' }),
  other: T.Boolean({ description: 'This row folds the paths counted fewer than k_anonymity times.' }),
  folded_flows: T.Integer({ description: 'Distinct paths folded into this row (0 on ordinary rows).' }),
});

export function transitionsTable(config: HqTableConfig) {
  const k = config.analysis.k_anonymity;
  return defineTable({
    name: 'hq-transitions',
    url: '/api/v1/paths/transitions',
    summary: 'Transitions between area zones per bin, k-anonymised',
    description: 'Most frequent first within each bin; the "other" row of a bin comes last.',
    row: TransitionRow,
    filename: 'transitions',
    rows: ({ range, page }, aggregates) =>
      binnedPage(range, aggregates.flowBinRows('transition', k, range), page, (window) =>
        aggregates.flowSeries('transition', window).flatMap((bin) => {
          const times = binTimes(range.timeZone, bin.start_ms, bin.len_s);
          const folded = foldRareFlows(bin.flows, k);
          const kept = folded.kept.map(({ zones, count }) => ({
            ...times,
            from: zones[0] ?? null,
            to: zones[1] ?? null,
            count,
            other: false,
            folded_flows: 0,
          }));
          if (folded.other_flows === 0) return kept;
          const other = { from: null, to: null, count: folded.other_count, other: true };
          return [...kept, { ...times, ...other, folded_flows: folded.other_flows }];
        }),
      ),
  });
}

export function topPathsTable(config: HqTableConfig) {
  const k = config.analysis.k_anonymity;
  return defineTable({
    name: 'hq-top-paths',
    url: '/api/v1/paths/top',
    summary: 'The most frequent paths through area zones over the range, k-anonymised',
    description: 'Summed over the bins of the range at the given resolution; the "other" row comes last.',
    row: TopPathRow,
    filename: 'top-paths',
    rows: ({ range, page }, aggregates) => {
      const ranking = aggregates.flowRanking('path', k, { ...range, ...page });
      const items: Static<typeof TopPathRow>[] = ranking.page.map(({ zones, count }, i) => ({
        rank: page.offset + i + 1,
        path: zones.join('>'),
        length: zones.length,
        count,
        share: count / ranking.all,
        other: false,
        folded_flows: 0,
      }));
      const hasOther = ranking.other_flows > 0;
      // The "other" row is the last row of the answer, right after the kept ones.
      if (hasOther && page.offset + items.length === ranking.kept && items.length < page.limit) {
        const count = ranking.other_count;
        const other = { rank: null, path: null, length: 0, count, share: count / ranking.all, other: true };
        items.push({ ...other, folded_flows: ranking.other_flows });
      }
      return { total: ranking.kept + (hasOther ? 1 : 0), items };
    },
  });
}
