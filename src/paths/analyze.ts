/**
 * Offline analysis (issue 3 "Offline", ARCHITECTURE §9 `omo-edge analyze`): the same engines as the live
 * gateway over a whole track file, printing raw (not k-anonymised) customer figures deterministically.
 * Samples are grouped per track id and sorted by time (stable: samples with equal times keep their file
 * order and all of them are used; the later one is the newest), then fed track by track.
 * `analysis.max_hold_s` does not apply (a decision): the file is whole, every track ends in it, so every
 * bin is final and the figures are the exact §5 ones — those the live bins reach once their revisions
 * are in (bin-release.ts).
 */

import type { FloorConfig } from '../config/schema.js';
import type { BinData } from './aggregator.js';
import { FloorAnalyzer } from './analyzer.js';
import { type AnalysisConfig, compileFloor, type FloorModel, type Zone } from './floor-model.js';
import { estimateQueue, type QueueEstimate, queueWindowBins } from './queue.js';
import {
  addCounts,
  byId,
  type LineFigures,
  type OccupancyFigures,
  occupancyFigures,
  type PathCount,
  pathsOf,
  type Transition,
  transitionsOf,
  type ZoneFigures,
  zoneFigures,
} from './results.js';
import { binStartIso, type DurationSummary, summarize } from './stats.js';
import type { TrackRow } from './tracks-file.js';

/** The validated config sections (loaded through the config loader, so every default is filled) and the tracks. */
export interface AnalyzeInput {
  floor: FloorConfig;
  analysis: AnalysisConfig;
  tracks: readonly TrackRow[];
}

export interface AnalyzeResult {
  zones: Record<string, ZoneFigures>;
  lines: Record<string, LineFigures & { mode: 'net' | 'every' }>;
  transitions: Transition[];
  paths: PathCount[];
  heatmap: { cell_m: number; origin: [number, number]; cols: number; rows: number; seconds: number[] };
  occupancy: Record<string, OccupancyFigures[]>;
  queues: Record<string, (QueueEstimate & { bin_start: string })[]>;
  store_visits: { visits: number; open: number; duration_s: DurationSummary };
  bin_s: number;
  tracks: number;
  samples: number;
  staff_tracks: number;
}

/** Groups rows by id and sorts each track by time, keeping file order for equal times. */
export function groupTracks(rows: readonly TrackRow[]): Map<string, TrackRow[]> {
  const tracks = new Map<string, TrackRow[]>();
  for (const row of rows) {
    const list = tracks.get(row.id);
    if (list === undefined) tracks.set(row.id, [row]);
    else list.push(row);
  }
  for (const list of tracks.values()) list.sort((a, b) => a.t - b.t);
  return tracks;
}

export function analyze(input: AnalyzeInput, options: { binS?: number } = {}): AnalyzeResult {
  const model = compileFloor(input.floor, input.analysis, options.binS);
  const analyzer = new FloorAnalyzer(model);
  for (const [id, samples] of groupTracks(input.tracks)) {
    const first = samples[0] as TrackRow;
    const track = analyzer.track('file', id, first.t);
    for (const s of samples) analyzer.pushTo(track, s.t, s.x, s.y);
    analyzer.closeTrack(track);
  }
  return summarizeRun(model, analyzer, analyzer.finish());
}

/**
 * The `analyze` figures from the bins of a run: offline all bins from finish(); live, every bin that
 * advance() and finish() handed on, a revised bin replacing the one handed on before it — the same
 * figures, since a bin goes out when final or is revised until it is.
 */
export function summarizeRun(model: FloorModel, analyzer: FloorAnalyzer, handedOn: readonly BinData[]): AnalyzeResult {
  const bins = [...new Map(handedOn.map((bin) => [bin.index, bin])).values()];
  const { zones, lines, binS } = model;
  const grid = analyzer.grid;
  const dwells: number[][] = zones.map(() => []);
  const lineTotals = lines.map(() => ({ in: 0, out: 0, groups_in: 0, groups_out: 0 }));
  const seconds = new Array<number>(grid.cols * grid.rows).fill(0);
  const transitions = new Map<string, number>();
  const paths = new Map<string, number>();
  const storeVisits: number[] = [];
  let storeOpen = 0;
  for (const bin of bins) {
    bin.dwells.forEach((list, z) => {
      if (list !== undefined) dwells[z]?.push(...list);
    });
    lineTotals.forEach((total, l) => {
      total.in += bin.lineIn[l] as number;
      total.out += bin.lineOut[l] as number;
      total.groups_in += bin.groupsIn[l] as number;
      total.groups_out += bin.groupsOut[l] as number;
    });
    const heat = bin.heat;
    if (heat !== null)
      for (let cell = 0; cell < heat.length; cell++) seconds[cell] = (seconds[cell] as number) + (heat[cell] as number);
    addCounts(transitions, bin.transitions);
    addCounts(paths, bin.paths);
    storeVisits.push(...bin.storeVisits);
    storeOpen += bin.storeOpen;
  }
  const byIndex = new Map(bins.map((bin) => [bin.index, bin]));
  const { counts } = analyzer;
  return {
    zones: byId(zones, (z) => zoneFigures(zones[z] as Zone, dwells[z] as number[])),
    lines: byId(lines, (l) => ({ ...(lineTotals[l] as LineFigures), mode: lines[l]?.mode ?? 'net' })),
    transitions: transitionsOf(transitions),
    paths: pathsOf(paths),
    heatmap: { cell_m: grid.cellM, origin: [grid.originX, grid.originY], cols: grid.cols, rows: grid.rows, seconds },
    occupancy: byId(zones, (z) =>
      binRange(counts, zones[z] as Zone, binS).map((k) => occupancyFigures(byIndex.get(k), z, binS, k)),
    ),
    queues: queueFigures(model, counts, byIndex),
    store_visits: { visits: storeVisits.length, open: storeOpen, duration_s: summarize(storeVisits) },
    bin_s: binS,
    tracks: counts.tracks,
    samples: counts.samples,
    staff_tracks: counts.staffTracks,
  };
}

/**
 * Occupancy bins reported for a zone (a decision): every bin from the one holding the first sample of
 * the file to the one holding the last sample + the zone's stale_s, with zeros where nobody was inside,
 * so the series is contiguous over the time the cameras were running. No samples: no bins.
 */
function binRange(counts: { samples: number; firstT: number; lastT: number }, zone: Zone, binS: number): number[] {
  if (counts.samples === 0) return [];
  const first = Math.floor(counts.firstT / binS);
  const last = Math.floor((counts.lastT + zone.staleS) / binS);
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

function queueFigures(
  model: FloorModel,
  counts: { samples: number; firstT: number; lastT: number },
  byIndex: ReadonlyMap<number, BinData>,
): Record<string, (QueueEstimate & { bin_start: string })[]> {
  const binS = model.binS;
  const windowBins = queueWindowBins(binS);
  const queues = model.zones.filter((zone) => zone.kind === 'queue');
  return byId(queues, (q) => {
    const zone = queues[q] as Zone;
    return binRange(counts, zone, binS).map((k) => {
      const window = [];
      for (let j = k - windowBins + 1; j <= k; j++) {
        const bin = byIndex.get(j);
        const dwells = [...(bin?.dwells[zone.index] ?? [])].sort((a, b) => a - b);
        let dwellSum = 0;
        for (const d of dwells) dwellSum += d;
        const occ = bin?.occupancy[zone.index];
        window.push({
          personSeconds: occ?.personSeconds() ?? 0,
          finishedVisits: dwells.length,
          dwellSum,
          end: occ?.end ?? 0,
        });
      }
      return { bin_start: binStartIso(k, binS), ...estimateQueue(window, windowBins * binS) };
    });
  });
}
