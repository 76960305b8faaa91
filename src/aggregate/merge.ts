/**
 * Merging bin records into the record of a longer period (ARCHITECTURE §5 "Bins": roll-ups sum counts
 * and merge dwell distributions). The same function builds the stored 15-minute, hour and day bins and
 * nothing else, so a roll-up is by construction the merge of its finer bins.
 *
 * - Counts, dwell totals, person-seconds, store visits, flows and heatmap seconds add.
 * - Dwell histograms merge by adding counts (dwell-histogram.ts).
 * - Occupancy: max = the largest max; end = the end of the latest bin in the period (absent zone: 0 —
 *   someone present at a bin's end is present in the next bin too, so that bin would exist);
 *   mean = person-seconds / period length, time-weighted over the whole period (a bin with no record
 *   had nobody inside: the engines emit a bin for every second someone is present).
 * - Zone kind and line `entrance` are taken from the latest bin (the config may have changed).
 * - Heatmap: cells add only between bins on the same grid. If the floor grid changed inside the
 *   period, the grid of the latest bin wins and cells of other grids are left out of the roll-up.
 */
import { mergeHistogramInto, sortedHistogram } from './dwell-histogram.js';
import { gridKeyOf } from './heat-codec.js';
import {
  compareIds,
  type FlowCount,
  flowKey,
  flowZones,
  type HeatmapCells,
  type LineBinFigures,
  type PathBinRecord,
  type ZoneBinFigures,
} from './records.js';

/** Merges records (any order) into the record of [startMs, startMs + lengthS·1000). */
export function mergeRecords(records: readonly PathBinRecord[], startMs: number, lengthS: number): PathBinRecord {
  const ordered = [...records].sort((a, b) => a.bin_start_ms - b.bin_start_ms);
  const last = ordered[ordered.length - 1];
  const lines = new Map<string, LineBinFigures>();
  const zones = new Map<string, ZoneBinFigures>();
  const transitions = new Map<string, number>();
  const paths = new Map<string, number>();
  const storeVisits = { count: 0, total_s: 0, open: 0 };
  for (const record of ordered) {
    for (const [id, figures] of Object.entries(record.lines)) {
      const into = lines.get(id) ?? { entrance: figures.entrance, in: 0, out: 0, groups_in: 0, groups_out: 0 };
      into.entrance = figures.entrance;
      into.in += figures.in;
      into.out += figures.out;
      into.groups_in += figures.groups_in;
      into.groups_out += figures.groups_out;
      lines.set(id, into);
    }
    for (const [id, figures] of Object.entries(record.zones)) zones.set(id, addZone(zones.get(id), figures));
    addFlows(transitions, record.transitions);
    addFlows(paths, record.paths);
    storeVisits.count += record.store_visits.count;
    storeVisits.total_s += record.store_visits.total_s;
    storeVisits.open += record.store_visits.open;
  }
  for (const [id, zone] of zones) {
    zone.occupancy.end = last?.zones[id]?.occupancy.end ?? 0;
    zone.dwell_hist_ds = sortedHistogram(zone.dwell_hist_ds);
  }
  return {
    bin_start_ms: startMs,
    bin_s: lengthS,
    lines: sortedById(lines),
    zones: sortedById(zones),
    transitions: flowList(transitions),
    paths: flowList(paths),
    heatmap: mergeHeatmaps(ordered.map((record) => record.heatmap)),
    store_visits: storeVisits,
  };
}

/**
 * A raw bin continued after a clean stop inside it (README "Partial bins"): `stored` is what the stop
 * flushed (partial), `incoming` what the restarted gateway saw of the same bin afterwards. The two parts
 * come from disjoint journeys (a restart ends every journey) and `incoming` covers the later event time,
 * so the roll-up rule applies as is, with `incoming` as the latest bin: counts, dwells, flows, store
 * visits, person-seconds and heatmap seconds add; histograms merge; occupancy `end` is incoming's,
 * `max` the larger one (exact when the parts do not overlap in time), `mean` = summed person-seconds /
 * bin_s. The result is partial only when `incoming` is (a second stop inside the same bin).
 */
export function mergeBinParts(stored: PathBinRecord, incoming: PathBinRecord): PathBinRecord {
  // Both start at the same instant: mergeRecords' sort is stable, so `incoming` stays the latest.
  const merged = mergeRecords([stored, incoming], incoming.bin_start_ms, incoming.bin_s);
  return incoming.partial === true ? { ...merged, partial: true } : merged;
}

function addZone(into: ZoneBinFigures | undefined, figures: ZoneBinFigures): ZoneBinFigures {
  if (into === undefined) {
    return { ...figures, dwell_hist_ds: { ...figures.dwell_hist_ds }, occupancy: { ...figures.occupancy } };
  }
  into.kind = figures.kind;
  into.visits += figures.visits;
  into.dwells += figures.dwells;
  into.pass_throughs += figures.pass_throughs;
  into.dwell_total_s += figures.dwell_total_s;
  mergeHistogramInto(into.dwell_hist_ds, figures.dwell_hist_ds);
  into.occupancy.max = Math.max(into.occupancy.max, figures.occupancy.max);
  into.occupancy.person_s += figures.occupancy.person_s;
  return into;
}

export function addFlows(into: Map<string, number>, flows: readonly FlowCount[]): void {
  for (const flow of flows) {
    const key = flowKey(flow.zones);
    into.set(key, (into.get(key) ?? 0) + flow.count);
  }
}

/** Most frequent first, then by zone ids (deterministic output). */
export function flowList(counts: ReadonlyMap<string, number>): FlowCount[] {
  return [...counts]
    .filter(([, count]) => count > 0)
    .sort((a, b) => b[1] - a[1] || compareIds(a[0], b[0]))
    .map(([key, count]) => ({ zones: flowZones(key), count }));
}

function sortedById<T>(map: ReadonlyMap<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const id of [...map.keys()].sort(compareIds)) out[id] = map.get(id) as T;
  return out;
}

/** Sums heatmaps on the grid of the latest one (records in time order); null when none has cells. */
export function mergeHeatmaps(heatmaps: readonly (HeatmapCells | null)[]): HeatmapCells | null {
  const present = heatmaps.filter((heat): heat is HeatmapCells => heat !== null);
  const latest = present[present.length - 1];
  if (latest === undefined) return null;
  const key = gridKeyOf(latest);
  const sums = new Map<number, number>();
  for (const heat of present) {
    if (gridKeyOf(heat) !== key) continue;
    for (const [cell, seconds] of Object.entries(heat.cells)) {
      const index = Number(cell);
      sums.set(index, (sums.get(index) ?? 0) + seconds);
    }
  }
  const cells: Record<string, number> = {};
  for (const index of [...sums.keys()].sort((a, b) => a - b)) cells[String(index)] = sums.get(index) as number;
  return {
    cell_m: latest.cell_m,
    origin: [latest.origin[0], latest.origin[1]],
    cols: latest.cols,
    rows: latest.rows,
    cells,
  };
}
