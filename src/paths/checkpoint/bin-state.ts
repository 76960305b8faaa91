/**
 * A bin not out yet (BinData in the BinAggregator: figures of tracks that ended) as a checkpoint keeps
 * it, and back: line and group counts, dwells, occupancy intervals, transitions, paths, store visits, in
 * integers (scale.ts). Not its heatmap seconds (a decision, for the disk budget: they were 40 % of the
 * state; README "Checkpoint"): a crash loses the heatmap of the bins not out yet, not their counts.
 */
import type { BinData } from '../aggregator.js';
import { deltas, fromMilli, milli, type Scale, undeltas } from './scale.js';

/** Values whose order does not matter (a bin's dwells, store visits: sums and percentiles), sorted, as deltas. */
const sortedDeltas = (values: number[]) =>
  deltas(
    values.sort((a, b) => a - b),
    1,
    0,
  );

export interface BinState {
  index: number;
  /** Per zone with visits: zone, then each dwell (ms, ascending, as deltas). */
  dwells: number[][];
  /** Per zone with occupancy: zone, end count, then start (as a delta), duration, closed per clipped interval. */
  occupancy: number[][];
  /** lineIn, lineOut, groupsIn, groupsOut, one after the other. */
  lines: number[];
  transitions: [string, number][];
  paths: [string, number][];
  storeVisits: number[];
  storeOpen: number;
}

export function binState(bin: BinData, scale: Scale): BinState {
  const dwells: number[][] = [];
  bin.dwells.forEach((list, zone) => {
    if (list !== undefined && list.length > 0) dwells.push([zone, ...sortedDeltas(list.map(milli))]);
  });
  const occupancy: number[][] = [];
  bin.occupancy.forEach((occ, zone) => {
    if (occ === undefined) return;
    const s = occ.segments;
    const rows: [number, number, number][] = [];
    for (let i = 0; i < s.length; i += 3) {
      const start = scale.time(s[i] as number);
      rows.push([start, scale.time(s[i + 1] as number) - start, s[i + 2] as number]);
    }
    rows.sort((a, b) => a[0] - b[0]);
    occupancy.push([zone, occ.end, ...deltas(rows.flat(), 3, 0)]);
  });
  return {
    index: bin.index,
    dwells,
    occupancy,
    lines: [...bin.lineIn, ...bin.lineOut, ...bin.groupsIn, ...bin.groupsOut],
    transitions: [...bin.transitions],
    paths: [...bin.paths],
    storeVisits: sortedDeltas(bin.storeVisits.map(milli)),
    storeOpen: bin.storeOpen,
  };
}

/** Adds a kept bin's figures to `bin` (an empty bin of the same index and floor). */
export function restoreBin(bin: BinData, state: BinState, scale: Scale): void {
  for (const [zone, ...list] of state.dwells)
    for (const ms of undeltas(list, 1, 0)) bin.addDwell(zone as number, fromMilli(ms));
  for (const [zone, end, ...s] of state.occupancy) {
    const occ = bin.occupancyOf(zone as number);
    occ.end += end as number;
    undeltas(s, 3, 0);
    for (let i = 0; i < s.length; i += 3) {
      const start = s[i] as number;
      occ.segments.push(scale.fromTime(start), scale.fromTime(start + (s[i + 1] as number)), s[i + 2] as number);
    }
  }
  const n = bin.lineIn.length;
  [bin.lineIn, bin.lineOut, bin.groupsIn, bin.groupsOut].forEach((counts, k) => {
    counts.set(state.lines.slice(k * n, (k + 1) * n));
  });
  for (const [key, count] of state.transitions) bin.transitions.set(key, count);
  for (const [key, count] of state.paths) bin.paths.set(key, count);
  bin.storeVisits.push(...undeltas([...state.storeVisits], 1, 0).map(fromMilli));
  bin.storeOpen += state.storeOpen;
}
