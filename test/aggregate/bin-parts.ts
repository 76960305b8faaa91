/**
 * A gateway stopped cleanly and restarted inside a bin, as the aggregate store sees it (README "Partial
 * bins"), built from the real path engines over the zara01 scenario (scenario.ts): the samples are cut
 * at `cuts` (event seconds) with `gapS` of downtime after each cut (no samples: the gateway is down).
 * Each part runs through its own FloorAnalyzer ended by finish(), as LivePaths.stop() ends a run: bins
 * whose end lies beyond the cut are marked partial (the watermark is taken at the cut).
 *
 * The reference is what the engines compute over the same samples in ONE run, with each track split at
 * the cuts (a restart ends every journey; a person still in view continues as a new one). A gap longer
 * than the group window keeps crossings on either side of a cut from forming one group.
 */
import { expect } from 'vitest';
import { type PathBinRecord, pathBinRecordFromBinData } from '../../src/aggregate/records.js';
import type { BinData } from '../../src/paths/aggregator.js';
import { groupTracks } from '../../src/paths/analyze.js';
import { FloorAnalyzer } from '../../src/paths/analyzer.js';
import type { FloorModel } from '../../src/paths/floor-model.js';
import type { TrackRow } from '../../src/paths/tracks-file.js';

export interface BinParts {
  /** Per part, its bins as the store gets them (partial ones flagged), oldest first. */
  parts: PathBinRecord[][];
  /** The one-run reference, records and the engines' bins (raw dwell values for percentiles). */
  reference: PathBinRecord[];
  referenceBins: BinData[];
}

function run(model: FloorModel, rows: readonly TrackRow[]): BinData[] {
  const analyzer = new FloorAnalyzer(model);
  for (const [id, samples] of groupTracks(rows)) {
    const track = analyzer.track('cam', id, (samples[0] as TrackRow).t);
    for (const s of samples) analyzer.pushTo(track, s.t, s.x, s.y);
    analyzer.closeTrack(track);
  }
  return analyzer.finish();
}

export function binParts(
  model: FloorModel,
  rows: readonly TrackRow[],
  cuts: readonly number[],
  gapS: number,
): BinParts {
  const partOf = (t: number): number | null => {
    for (let i = 0; i < cuts.length; i++) {
      const cut = cuts[i] as number;
      if (t < cut) return i;
      if (t < cut + gapS) return null;
    }
    return cuts.length;
  };
  const split: TrackRow[][] = cuts.map(() => []).concat([[]]);
  for (const row of rows) {
    const part = partOf(row.t);
    if (part !== null) split[part]?.push(row);
  }
  const parts = split.map((partRows, i) => {
    const bins = run(model, partRows);
    const stopAt = cuts[i];
    // As LivePaths.stop(): a bin ending beyond the watermark at the stop is partial; the last part ends
    // the way analyze ends a file (nothing partial).
    if (stopAt !== undefined) for (const bin of bins) bin.partial = (bin.index + 1) * model.binS > stopAt;
    return bins.map((bin) => pathBinRecordFromBinData(model, bin));
  });
  const renamed = split.flatMap((partRows, i) => partRows.map((row) => ({ ...row, id: `${row.id}@${i}` })));
  const referenceBins = run(model, renamed);
  return { parts, reference: referenceBins.map((bin) => pathBinRecordFromBinData(model, bin)), referenceBins };
}

/** Equal figures; float sums to 1e-9, heatmap cells to two float32 steps (heat-codec.ts; sums in another order). */
export function expectSameRecords(actual: readonly PathBinRecord[], expected: readonly PathBinRecord[]): void {
  expect(actual.map((r) => r.bin_start_ms)).toEqual(expected.map((r) => r.bin_start_ms));
  actual.forEach((got, i) => {
    const want = expected[i] as PathBinRecord;
    const at = new Date(got.bin_start_ms).toISOString();
    expect([got.bin_s, got.partial], at).toEqual([want.bin_s, want.partial]);
    expect(got.lines, at).toEqual(want.lines);
    expect(Object.keys(got.zones), at).toEqual(Object.keys(want.zones));
    for (const [id, z] of Object.entries(got.zones)) {
      const w = want.zones[id] as PathBinRecord['zones'][string];
      const { dwell_total_s, occupancy, ...counts } = z;
      const { dwell_total_s: wantTotal, occupancy: wantOccupancy, ...wantCounts } = w;
      expect(counts, `${at} ${id}`).toEqual(wantCounts);
      expect(dwell_total_s, `${at} ${id} dwell_total_s`).toBeCloseTo(wantTotal, 9);
      expect([occupancy.end, occupancy.max], `${at} ${id} occupancy`).toEqual([wantOccupancy.end, wantOccupancy.max]);
      expect(occupancy.person_s, `${at} ${id} person_s`).toBeCloseTo(wantOccupancy.person_s, 9);
    }
    expect(got.transitions, at).toEqual(want.transitions);
    expect(got.paths, at).toEqual(want.paths);
    expect(got.store_visits.count, at).toBe(want.store_visits.count);
    expect(got.store_visits.open, at).toBe(want.store_visits.open);
    expect(got.store_visits.total_s, at).toBeCloseTo(want.store_visits.total_s, 9);
    const none = { cells: {} as Record<string, number> };
    const { cells, ...grid } = got.heatmap ?? none;
    const { cells: wantCells, ...wantGrid } = want.heatmap ?? none;
    expect(grid, at).toEqual(wantGrid);
    expect(Object.keys(cells), at).toEqual(Object.keys(wantCells));
    for (const [cell, s] of Object.entries(cells)) {
      const w = wantCells[cell] as number;
      expect(Math.abs(s - w), `${at} cell ${cell}`).toBeLessThanOrEqual(2.4e-7 * w);
    }
  });
}
