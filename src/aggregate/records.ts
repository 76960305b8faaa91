/**
 * The aggregate record of one bin (ARCHITECTURE §5 "Bins", §6): plain JSON, the unit the live pipeline
 * hands over for each CLOSED bin, the unit SQLite stores at every resolution (a roll-up is a record
 * of the coarser bin) and the source of the uplink records. Keys are snake_case (they leave the process).
 *
 * Every counting line of the floor is listed, zeros included (there are few, and whether the floor has
 * an entrance line decides what counts as store footfall). Zones are sparse: a zone with no visit and
 * nobody present is left out — absent means 0. Store-level only: no track ids, no per-track data
 * (§5 "Privacy").
 */
import type { BinData } from '../paths/aggregator.js';
import type { FloorModel, ZoneKind } from '../paths/floor-model.js';
import { heatGrid } from '../paths/heatmap-engine.js';
import { summarizeBin } from '../paths/results.js';
import { type DwellHistogram, histogramOf } from './dwell-histogram.js';

export interface LineBinFigures {
  /** The line is a store entrance (config `entrance`): its counts are the store footfall. */
  entrance: boolean;
  in: number;
  out: number;
  groups_in: number;
  groups_out: number;
}

export interface ZoneOccupancy {
  /** Occupancy at the bin's end instant. */
  end: number;
  /** Largest occupancy at any instant of the bin. */
  max: number;
  /** Person-seconds inside during the bin; mean occupancy = person_s / bin_s. */
  person_s: number;
}

export interface ZoneBinFigures {
  kind: ZoneKind;
  visits: number;
  dwells: number;
  pass_throughs: number;
  /** Sum of the visits' dwells, exact (not from the histogram). */
  dwell_total_s: number;
  /** Dwell distribution (see dwell-histogram.ts): deciseconds → visits. */
  dwell_hist_ds: DwellHistogram;
  occupancy: ZoneOccupancy;
}

export interface FlowCount {
  /** Zone ids in order: two for a transition (from, to), the whole path for a path. */
  zones: string[];
  count: number;
}

export interface HeatmapCells {
  cell_m: number;
  /** The grid's minimum corner [x, y] in floor metres; row 0 is at y. */
  origin: [number, number];
  cols: number;
  rows: number;
  /** Row-major cell index → person-seconds; cells with 0 left out. */
  cells: Record<string, number>;
}

export interface StoreVisitFigures {
  /** Entrance-in → entrance-out visits that ended in the bin. */
  count: number;
  total_s: number;
  /** Tracks that ended inside the store after crossing in (no duration). */
  open: number;
}

export interface PathBinRecord {
  /** Bin start, epoch ms (UTC-aligned; a day bin starts at the store's local midnight). */
  bin_start_ms: number;
  /** Bin length in seconds (a day bin is 23–25 h around DST changes). */
  bin_s: number;
  lines: Record<string, LineBinFigures>;
  zones: Record<string, ZoneBinFigures>;
  transitions: FlowCount[];
  paths: FlowCount[];
  heatmap: HeatmapCells | null;
  store_visits: StoreVisitFigures;
  /**
   * Raw bins only, present and true only for a bin a clean stop flushed before it was final (BinData
   * `partial`): the store merges the next write of the bin into it instead of replacing it (README
   * "Partial bins"). Absent means final.
   */
  partial?: boolean;
}

/**
 * The record of one closed bin from the path engines. `binS` must be the model's bin length (the
 * engines cut bins with it); it is a parameter so a caller holding bins of another model fails loudly.
 */
export function pathBinRecordFromBinData(model: FloorModel, bin: BinData, binS: number = model.binS): PathBinRecord {
  if (binS !== model.binS) throw new Error(`bin length ${binS} s differs from the floor model's bin_s ${model.binS}`);
  const summary = summarizeBin(model, bin);
  const lines: Record<string, LineBinFigures> = {};
  for (const line of [...model.lines].sort((a, b) => compareIds(a.id, b.id))) {
    const figures = summary.lines[line.id];
    if (figures === undefined) continue;
    lines[line.id] = { entrance: line.entrance, ...figures };
  }
  const zones: Record<string, ZoneBinFigures> = {};
  for (const zone of [...model.zones].sort((a, b) => compareIds(a.id, b.id))) {
    const figures = summary.zones[zone.id];
    const occupancy = summary.occupancy[zone.id];
    if (figures === undefined || occupancy === undefined) continue;
    if (figures.visits === 0 && occupancy.max === 0 && occupancy.person_seconds === 0) continue;
    zones[zone.id] = {
      kind: zone.kind,
      visits: figures.visits,
      dwells: figures.dwells,
      pass_throughs: figures.pass_throughs,
      dwell_total_s: figures.dwell_s.total,
      dwell_hist_ds: histogramOf(figures.dwell_values),
      occupancy: { end: occupancy.end, max: occupancy.max, person_s: occupancy.person_seconds },
    };
  }
  const durations = summary.store_visits.durations_s;
  let totalS = 0;
  for (const d of durations) totalS += d; // ascending order: the same bits live and offline
  return {
    bin_start_ms: bin.index * binS * 1000,
    bin_s: binS,
    lines,
    zones,
    transitions: summary.transitions.map((t) => ({ zones: [t.from, t.to], count: t.count })),
    paths: summary.paths.map((p) => ({ zones: p.zones, count: p.count })),
    heatmap: heatmapOf(model, summary.heatmap),
    store_visits: { count: durations.length, total_s: totalS, open: summary.store_visits.open },
    ...(bin.partial ? { partial: true } : {}),
  };
}

function heatmapOf(model: FloorModel, seconds: readonly number[] | null): HeatmapCells | null {
  if (seconds === null) return null;
  const grid = heatGrid(model);
  const cells: Record<string, number> = {};
  seconds.forEach((s, index) => {
    if (s > 0) cells[String(index)] = s;
  });
  if (Object.keys(cells).length === 0) return null;
  return { cell_m: grid.cellM, origin: [grid.originX, grid.originY], cols: grid.cols, rows: grid.rows, cells };
}

export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Flows keyed for maps: zone ids are [A-Za-z0-9_.-] (config), so '>' cannot occur inside one. */
export function flowKey(zones: readonly string[]): string {
  return zones.join('>');
}

export function flowZones(key: string): string[] {
  return key.split('>');
}

export interface Footfall {
  in: number;
  out: number;
  groups_in: number;
  groups_out: number;
}

/**
 * Store footfall from line counts: the sum over entrance lines (config `entrance: true`); a floor with
 * no entrance line counts every line (a decision: a one-line demo store still reports visitors).
 */
export function footfallOf(lines: Iterable<LineBinFigures>): Footfall {
  const all = [...lines];
  const counted = all.some((line) => line.entrance) ? all.filter((line) => line.entrance) : all;
  const total: Footfall = { in: 0, out: 0, groups_in: 0, groups_out: 0 };
  for (const line of counted) {
    total.in += line.in;
    total.out += line.out;
    total.groups_in += line.groups_in;
    total.groups_out += line.groups_out;
  }
  return total;
}
