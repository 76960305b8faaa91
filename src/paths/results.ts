/**
 * JSON figures from bins: one bin for the live aggregator and the uplink, or many bins merged into the
 * totals `analyze` prints (issue 3 output shape). Keys are snake_case (they leave the process as JSON);
 * objects are keyed by id in sorted order and arrays sorted, so the same input prints the same bytes.
 */
import type { BinData } from './aggregator.js';
import type { FloorModel, Zone } from './floor-model.js';
import { compareByCountThenZones, splitPathKey } from './paths.js';
import { binStartIso, type DurationSummary, summarize } from './stats.js';

export interface ZoneFigures {
  visits: number;
  dwells: number;
  pass_throughs: number;
  dwell_s: DurationSummary;
}

export interface LineFigures {
  in: number;
  out: number;
  groups_in: number;
  groups_out: number;
}

export interface OccupancyFigures {
  bin_start: string;
  end: number;
  max: number;
  mean: number;
}

export interface Transition {
  from: string;
  to: string;
  count: number;
}

export interface PathCount {
  zones: string[];
  count: number;
}

export function zoneFigures(zone: Zone, dwells: readonly number[]): ZoneFigures {
  let long = 0;
  for (const d of dwells) if (d >= zone.dwellThresholdS) long += 1;
  return { visits: dwells.length, dwells: long, pass_throughs: dwells.length - long, dwell_s: summarize(dwells) };
}

export function byId<T>(items: readonly { id: string }[], value: (index: number) => T): Record<string, T> {
  const order = items
    .map((item, index) => ({ id: item.id, index }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const out: Record<string, T> = {};
  for (const { id, index } of order) out[id] = value(index);
  return out;
}

export function transitionsOf(counts: ReadonlyMap<string, number>): Transition[] {
  return [...counts]
    .map(([key, count]) => {
      const [from, to] = splitPathKey(key) as [string, string];
      return { from, to, count };
    })
    .sort(
      (a, b) =>
        b.count - a.count || (a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : a.to > b.to ? 1 : 0),
    );
}

export function pathsOf(counts: ReadonlyMap<string, number>): PathCount[] {
  return [...counts].map(([key, count]) => ({ zones: splitPathKey(key), count })).sort(compareByCountThenZones);
}

export function addCounts(into: Map<string, number>, from: ReadonlyMap<string, number>): void {
  for (const [key, count] of from) into.set(key, (into.get(key) ?? 0) + count);
}

export function occupancyFigures(
  data: BinData | undefined,
  zone: number,
  binS: number,
  index: number,
): OccupancyFigures {
  const occ = data?.occupancy[zone];
  return {
    bin_start: binStartIso(index, binS),
    end: occ?.end ?? 0,
    max: occ === undefined ? 0 : occ.max(),
    mean: occ === undefined ? 0 : occ.personSeconds() / binS,
  };
}

/** One bin's customer figures, for the live aggregator (SQLite rows, uplink records, dashboard). */
export interface BinSummary {
  bin_start: string;
  bin_s: number;
  zones: Record<string, ZoneFigures & { dwell_values: number[] }>;
  occupancy: Record<string, Omit<OccupancyFigures, 'bin_start'> & { person_seconds: number }>;
  lines: Record<string, LineFigures>;
  /** Row-major person-seconds per cell, row 0 at the bounds' minimum y; null when nobody was inside. */
  heatmap: number[] | null;
  transitions: Transition[];
  paths: PathCount[];
  store_visits: { durations_s: number[]; open: number };
}

export function summarizeBin(model: FloorModel, data: BinData): BinSummary {
  const binS = model.binS;
  return {
    bin_start: binStartIso(data.index, binS),
    bin_s: binS,
    zones: byId(model.zones, (z) => {
      const dwells = [...(data.dwells[z] ?? [])].sort((a, b) => a - b);
      return { ...zoneFigures(model.zones[z] as Zone, dwells), dwell_values: dwells };
    }),
    occupancy: byId(model.zones, (z) => {
      const { end, max, mean } = occupancyFigures(data, z, binS, data.index);
      return { end, max, mean, person_seconds: data.occupancy[z]?.personSeconds() ?? 0 };
    }),
    lines: byId(model.lines, (l) => ({
      in: data.lineIn[l] as number,
      out: data.lineOut[l] as number,
      groups_in: data.groupsIn[l] as number,
      groups_out: data.groupsOut[l] as number,
    })),
    heatmap: data.heat === null ? null : Array.from(data.heat),
    transitions: transitionsOf(data.transitions),
    paths: pathsOf(data.paths),
    store_visits: { durations_s: [...data.storeVisits].sort((a, b) => a - b), open: data.storeOpen },
  };
}
