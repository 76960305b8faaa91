/**
 * The uplink records made from each written bin (ARCHITECTURE §7), one per stream. The outbox adds
 * `id` (`<gateway>:<stream>:<seq>`) and `produced_at`; the envelope adds schema, gateway, store and seq.
 * Store-level figures only: no track ids (§5 "Privacy"), and paths and transitions below
 * `analysis.k_anonymity` folded into `*_other`. `revision` starts at 1 and grows when a bin is written
 * again with different figures (a restart re-closing a bin, or continuing a partial one: README); the cloud keeps the highest revision of
 * each (stream, bin_start) — see uplink-log.ts.
 *
 * footfall  { bin_start, bin_s, revision, visitors_in, visitors_out, groups_in, groups_out,
 *             lines: [{ line, entrance, in, out, groups_in, groups_out }],
 *             store_visits: { count, total_s, open } }
 * zones     { bin_start, bin_s, revision, zones: [{ zone, kind, visits, dwells, pass_throughs,
 *             dwell_total_s, dwell_p50_s, dwell_p90_s, dwell_hist_ds: [[deciseconds, visits], …],
 *             occupancy_end, occupancy_max, occupancy_mean }] }
 * paths     { bin_start, bin_s, revision, k_anonymity, transitions: [{ from, to, count }],
 *             transitions_other: { count, flows }, paths: [{ zones: [...], count }],
 *             paths_other: { count, flows } }
 * heatmap   { bin_start, bin_s, revision, cell_m, origin: [x, y], cols, rows,
 *             cells: [[row-major index, person-seconds to 7 significant digits], …] }
 *             (only for bins with heatmap seconds)
 */
import { histogramEntries, histogramPercentile } from './dwell-histogram.js';
import { foldRareFlows } from './k-anonymity.js';
import { footfallOf, type PathBinRecord } from './records.js';

export type AggregateStream = 'footfall' | 'zones' | 'paths' | 'heatmap';

/** How often the path streams send a record (config `uplink.path_records_every`). */
export type PathRecordsEvery = 'bin' | '15min' | 'hour';
export const AGGREGATE_STREAMS: readonly AggregateStream[] = ['footfall', 'zones', 'paths', 'heatmap'];

/**
 * The outbox source key of a bin's record (outbox/keys.ts): bin start, bin length and revision name it
 * within its stream for ever. Computable from the uplinked record itself, so a consumer can check that
 * no (stream, key) pair ever arrived under two ids.
 */
export function uplinkSourceKey(record: { bin_start: string; bin_s: number; revision: number }): string {
  return `${record.bin_start}/${record.bin_s}/r${record.revision}`;
}

/**
 * Heatmap seconds to the 7 significant digits their float32 storage keeps (heat-codec.ts): the digits
 * after those are noise, and printed they doubled a 15-minute heatmap record (33 → 15 KB in the demo),
 * which is staged, appended and checkpointed — written four times (ARCHITECTURE §10).
 */
function asStored(seconds: number): number {
  return Number(seconds.toPrecision(7));
}

/** The records of one bin without `revision`; a stream with nothing to say is absent. */
export function uplinkBodies(record: PathBinRecord, k: number): Partial<Record<AggregateStream, object>> {
  const head = { bin_start: new Date(record.bin_start_ms).toISOString(), bin_s: record.bin_s };
  const lines = Object.entries(record.lines).map(([line, f]) => ({ line, ...f }));
  const visitors = footfallOf(Object.values(record.lines));
  const bodies: Partial<Record<AggregateStream, object>> = {
    footfall: {
      ...head,
      visitors_in: visitors.in,
      visitors_out: visitors.out,
      groups_in: visitors.groups_in,
      groups_out: visitors.groups_out,
      lines,
      store_visits: { ...record.store_visits },
    },
    zones: {
      ...head,
      zones: Object.entries(record.zones).map(([zone, z]) => ({
        zone,
        kind: z.kind,
        visits: z.visits,
        dwells: z.dwells,
        pass_throughs: z.pass_throughs,
        dwell_total_s: z.dwell_total_s,
        dwell_p50_s: histogramPercentile(z.dwell_hist_ds, 50),
        dwell_p90_s: histogramPercentile(z.dwell_hist_ds, 90),
        dwell_hist_ds: histogramEntries(z.dwell_hist_ds),
        occupancy_end: z.occupancy.end,
        occupancy_max: z.occupancy.max,
        occupancy_mean: z.occupancy.person_s / record.bin_s,
      })),
    },
  };
  if (record.transitions.length > 0 || record.paths.length > 0) {
    const transitions = foldRareFlows(record.transitions, k);
    const paths = foldRareFlows(record.paths, k);
    bodies.paths = {
      ...head,
      k_anonymity: k,
      transitions: transitions.kept.map(({ zones, count }) => ({ from: zones[0], to: zones[1], count })),
      transitions_other: { count: transitions.other_count, flows: transitions.other_flows },
      paths: paths.kept,
      paths_other: { count: paths.other_count, flows: paths.other_flows },
    };
  }
  const heat = record.heatmap;
  if (heat !== null) {
    bodies.heatmap = {
      ...head,
      cell_m: heat.cell_m,
      origin: heat.origin,
      cols: heat.cols,
      rows: heat.rows,
      cells: Object.entries(heat.cells).map(([cell, seconds]) => [Number(cell), asStored(seconds)]),
    };
  }
  return bodies;
}
