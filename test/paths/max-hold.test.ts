/**
 * §5 "Final figures on time" in the engines (src/paths/bin-release.ts): one person standing still for two
 * hours in a shop that others walk in and out of. Fed live, second by second of event time, the
 * analyzer must hand every bin on at most max_hold_s after its end — with what the motionless track had
 * added by then — and once everything has ended, the last figures of every bin must be exactly those of
 * the offline analysis of the same samples. If the motionless track turns out to be staff, exactly the
 * bins it touched go out again, once each, without it.
 */
import { describe, expect, it } from 'vitest';
import { BinData } from '../../src/paths/aggregator.js';
import { FloorAnalyzer } from '../../src/paths/analyzer.js';
import type { FloorModel } from '../../src/paths/floor-model.js';
import { heatGrid } from '../../src/paths/heatmap-engine.js';
import { summarizeBin } from '../../src/paths/results.js';
import type { TrackRow } from '../../src/paths/tracks-file.js';
import { modelOf, rect } from './helpers.js';

const BIN_S = 60;
const HOLD_S = 600;
/** The motionless person stands from here to here (event seconds). */
const STILL_FROM = 10;
const STILL_UNTIL = 7200;

// A shop (x < 10) behind a door line, the street (x > 10), a staff room at the back of the shop.
const floor = {
  zones: [
    { id: 'shop', kind: 'area' as const, polygon: rect(0, 0, 10, 10) },
    { id: 'street', kind: 'area' as const, polygon: rect(10, 0, 20, 10) },
    { id: 'back', kind: 'staff_only' as const, polygon: rect(0, 12, 5, 20) },
  ],
  lines: [{ id: 'door', from: [10, 0] as [number, number], to: [10, 10] as [number, number], entrance: true }],
};

/** Straight from a to b, one sample a second from t0 to t0 + seconds (inclusive). */
function leg(id: string, t0: number, seconds: number, a: [number, number], b: [number, number]): TrackRow[] {
  return Array.from({ length: seconds + 1 }, (_, i) => ({
    t: t0 + i,
    id,
    x: a[0] + ((b[0] - a[0]) * i) / seconds,
    y: a[1] + ((b[1] - a[1]) * i) / seconds,
  }));
}

/**
 * The scene: "still" walks in through the door and stands at (5, 2) from STILL_FROM to STILL_UNTIL, then
 * either walks out again (a customer) or into the staff room (staff). Every minute a shopper walks in,
 * looks for 5 s and walks out, 25 s in all.
 */
function scene(ending: 'leaves' | 'staff'): TrackRow[] {
  const still: TrackRow[] = [
    ...leg('still', 0, STILL_FROM, [15, 2], [5, 2]),
    ...leg('still', STILL_FROM + 1, STILL_UNTIL - STILL_FROM - 1, [5, 2], [5, 2]),
    ...(ending === 'leaves'
      ? leg('still', STILL_UNTIL + 1, 10, [5, 2], [15, 2])
      : leg('still', STILL_UNTIL + 1, 10, [5, 2], [2, 15])),
  ];
  const shoppers: TrackRow[] = [];
  for (let n = 0; n * 60 < STILL_UNTIL + 900; n++) {
    const id = `shopper-${n}`;
    const t0 = 20 + n * 60;
    shoppers.push(...leg(id, t0, 10, [15, 6], [5, 6]), ...leg(id, t0 + 11, 4, [5, 6.1], [5, 6.1]));
    shoppers.push(...leg(id, t0 + 16, 9, [5, 6], [15, 6]));
  }
  return [...still, ...shoppers].sort((a, b) => a.t - b.t);
}

interface LiveRun {
  model: FloorModel;
  analyzer: FloorAnalyzer;
  /** Every bin handed on, in order. */
  handedOn: BinData[];
  /** Watermark at which each bin index first went out (finish(): Infinity). */
  firstOut: Map<number, number>;
  /** releasedUntil just before the staff sample reached the engines. */
  releasedAtReveal: number;
  /** Most bins kept for revision at any time. */
  mostRevisable: number;
}

function live(rows: readonly TrackRow[], options: { maxHoldS: number; revisionWindowS?: number }): LiveRun {
  const model = modelOf(floor, { max_hold_s: Math.min(options.maxHoldS, 86_400) }, BIN_S);
  const analyzer = new FloorAnalyzer(model, { trackTimeoutS: 5, ...options });
  const run: LiveRun = { model, analyzer, handedOn: [], firstOut: new Map(), releasedAtReveal: 0, mostRevisable: 0 };
  const handOn = (bins: BinData[], watermark: number) => {
    for (const bin of bins) {
      run.handedOn.push(bin);
      if (!run.firstOut.has(bin.index)) run.firstOut.set(bin.index, watermark);
    }
    run.mostRevisable = Math.max(run.mostRevisable, analyzer.release.revisableBins);
  };
  let revealed = false;
  rows.forEach((row, i) => {
    if (!revealed && row.id === 'still' && row.y >= 12) {
      revealed = true;
      run.releasedAtReveal = analyzer.release.releasedUntil;
    }
    analyzer.push('cam', row.id, row.t, row.x, row.y);
    if (rows[i + 1]?.t !== row.t) handOn(analyzer.advance(row.t), row.t);
  });
  handOn(analyzer.finish(), Number.POSITIVE_INFINITY);
  return run;
}

/** The same samples offline, track by track: the exact §5 bins. */
function offline(model: FloorModel, rows: readonly TrackRow[]): Map<number, BinData> {
  const analyzer = new FloorAnalyzer(model);
  for (const id of new Set(rows.map((row) => row.id))) {
    const samples = rows.filter((row) => row.id === id);
    const track = analyzer.track('file', id, (samples[0] as TrackRow).t);
    for (const s of samples) analyzer.pushTo(track, s.t, s.x, s.y);
    analyzer.closeTrack(track);
  }
  return new Map(analyzer.finish().map((bin) => [bin.index, bin]));
}

/** The last figures handed on for each bin equal the offline ones (an absent bin = an empty one). */
function expectExact(run: LiveRun, rows: readonly TrackRow[]): void {
  const { model } = run;
  const exact = offline(model, rows);
  const last = new Map(run.handedOn.map((bin) => [bin.index, bin]));
  const grid = heatGrid(model);
  const summary = (bins: ReadonlyMap<number, BinData>, index: number) =>
    summarizeBin(model, bins.get(index) ?? new BinData(index, model.lines.length, grid.cols * grid.rows));
  for (const index of new Set([...exact.keys(), ...last.keys()])) {
    const got = summary(last, index);
    const want = summary(exact, index);
    const { heatmap: gotHeat, ...gotRest } = got;
    const { heatmap: wantHeat, ...wantRest } = want;
    expect(gotRest, `bin ${index}`).toEqual({ ...wantRest });
    const cells = Math.max(gotHeat?.length ?? 0, wantHeat?.length ?? 0);
    for (let c = 0; c < cells; c++)
      expect(gotHeat?.[c] ?? 0, `bin ${index} cell ${c}`).toBeCloseTo(wantHeat?.[c] ?? 0, 9);
  }
}

const revisedIndexes = (run: LiveRun) => run.handedOn.filter((bin) => bin.revised).map((bin) => bin.index);

describe('§5 Final figures on time: a motionless track among shoppers', () => {
  it('holds no bin beyond max_hold_s; a customer who stood for two hours then left revises nothing', () => {
    const rows = scene('leaves');
    const run = live(rows, { maxHoldS: HOLD_S });
    // Every bin the motionless track was open across went out exactly max_hold_s after its end.
    const lastWatermark = (rows.at(-1) as TrackRow).t;
    for (const [index, watermark] of run.firstOut) {
      const end = (index + 1) * BIN_S;
      if (end + HOLD_S <= STILL_UNTIL) expect(watermark, `bin ${index}`).toBe(end + HOLD_S);
      else if (end + HOLD_S <= lastWatermark) expect(watermark, `bin ${index}`).toBeLessThanOrEqual(end + HOLD_S);
    }
    expect(run.firstOut.size).toBeGreaterThan((STILL_UNTIL - HOLD_S) / BIN_S);
    // What it added by then was counted: it stood in the shop at every bin end, with the shopper.
    const early = run.handedOn.find((bin) => bin.index === 30) as BinData;
    expect(summarizeBin(run.model, early).occupancy.shop?.end).toBe(1);
    expect(summarizeBin(run.model, early).occupancy.shop?.person_seconds).toBeCloseTo(60 + 16, 9);
    // Its figures in those bins were final already (no end-only figure: it walked out the way it came).
    expect(revisedIndexes(run)).toEqual([]);
    expect(run.analyzer.release.counts).toMatchObject({ heldTracks: 1, revisedBins: 0, frozenParts: 0 });
    expect(run.handedOn.length).toBe(new Set(run.handedOn.map((bin) => bin.index)).size);
    expectExact(run, rows);
  });

  it('a staff reveal after release re-emits exactly the bins the track touched, once each, with exact figures', () => {
    const rows = scene('staff');
    const run = live(rows, { maxHoldS: HOLD_S });
    const touched = Array.from({ length: run.releasedAtReveal / BIN_S }, (_, k) => k);
    expect(touched.length).toBe((STILL_UNTIL - HOLD_S) / BIN_S); // 110 bins: 2 h less the hold
    expect(revisedIndexes(run)).toEqual(touched);
    expect(run.analyzer.counts.staffTracks).toBe(1);
    expect(run.analyzer.release.counts).toMatchObject({ revisedBins: touched.length, frozenParts: 0 });
    // Without it, the shop had nobody at the end of bin 30 and one shopper's 16 s in it.
    const revised = run.handedOn.filter((bin) => bin.index === 30);
    expect(revised.map((bin) => summarizeBin(run.model, bin).occupancy.shop?.end)).toEqual([1, 0]);
    expectExact(run, rows);
  });

  it('a track open longer than the revision window revises only the bins inside it; memory stays bounded', () => {
    const rows = scene('staff');
    const run = live(rows, { maxHoldS: HOLD_S, revisionWindowS: 1800 });
    const settledAtReveal = STILL_UNTIL - 1800; // the reveal's watermark less the window, on a bin edge
    const revised = revisedIndexes(run);
    expect(revised).toEqual(
      Array.from({ length: (run.releasedAtReveal - settledAtReveal) / BIN_S }, (_, k) => settledAtReveal / BIN_S + k),
    );
    expect(revised.length).toBe((1800 - HOLD_S) / BIN_S);
    // The bins older than the window kept the track's figures; it was counted frozen in each of them.
    expect(run.analyzer.release.counts.frozenParts).toBe(settledAtReveal / BIN_S);
    expect(run.mostRevisable).toBeLessThanOrEqual((1800 - HOLD_S) / BIN_S + 1);
  });

  it('with max_hold_s longer than every track nothing changes: bins wait for the track and go out once, final', () => {
    const rows = scene('staff');
    const run = live(rows, { maxHoldS: Number.POSITIVE_INFINITY });
    for (const [index, watermark] of run.firstOut) expect(watermark, `bin ${index}`).toBeGreaterThan(STILL_UNTIL);
    expect(revisedIndexes(run)).toEqual([]);
    expect(run.analyzer.release.counts).toEqual({ heldTracks: 0, revisedBins: 0, frozenParts: 0 });
    expectExact(run, rows);
  });
});
