/**
 * Issue 9 must-show "Tracking on TUD-Campus": detections made from the sequence's ground truth with
 * seeded jitter, misses (single and in runs) and false positives (test/helpers/synthetic-detections.ts),
 * tracked at the sequence's 25 fps, scored by CLEAR MOT and IDF1 at IoU 0.5 (src/vision/mot/evaluate.ts),
 * beside SORT with its published defaults on the same detections (test/helpers/sort-baseline.ts).
 *
 * The floors are what was measured, rounded down by about two points: per set, MOTA 60.2–83.3 and IDF1
 * 66.3–89.9 over the eight sets; means MOTA 70.4 and IDF1 77.6 against SORT's 54.8 and 56.0. On the SORT
 * authors' own public detections for TUD-Campus (not in the repository) the same code gives SORT exactly
 * its published MOTA 62.7 and ours 66.3 (IDF1 77.5 against 60.6) — see src/vision/tracker/README.md.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateMot, type MotScores } from '../../../src/vision/mot/evaluate.js';
import { parseMot } from '../../../src/vision/mot/mot-file.js';
import { trackSequence } from '../../../src/vision/mot/track-mot.js';
import { trackerSettings } from '../../../src/vision/tracker/settings.js';
import { sortSequence } from '../../helpers/sort-baseline.js';
import { MODERATE_NOISE, syntheticDetections } from '../../helpers/synthetic-detections.js';

const groundTruth = parseMot(
  readFileSync(new URL('../../fixtures/tud-campus/gt.txt', import.meta.url), 'utf8'),
  'gt.txt',
);
const IMAGE = { width: 640, height: 480 };
const FPS = 25;

/** Five seeds with every score, three cut at 0.5 as published detection sets often are. */
const SETS = [
  ...[1, 2, 3, 4, 5].map((seed) => ({ name: `seed ${seed}`, noise: MODERATE_NOISE, seed })),
  ...[1, 2, 3].map((seed) => ({ name: `seed ${seed} cut at 0.5`, noise: { ...MODERATE_NOISE, cut: 0.5 }, seed })),
];

function score(): { name: string; ours: MotScores; sort: MotScores }[] {
  return SETS.map(({ name, noise, seed }) => {
    const frames = syntheticDetections(groundTruth, IMAGE, noise, seed);
    return {
      name,
      ours: evaluateMot(groundTruth, trackSequence(frames, FPS, trackerSettings())),
      sort: evaluateMot(groundTruth, sortSequence(frames)),
    };
  });
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

describe('tracking TUD-Campus (71 frames, 8 people, 359 boxes)', () => {
  const results = score();

  it.each(results.map((r) => [r.name, r] as const))('%s: MOTA and IDF1 above their floors', (_, { ours }) => {
    expect(ours.groundTruth).toBe(359);
    expect(ours.mota).toBeGreaterThanOrEqual(0.58);
    expect(ours.idf1).toBeGreaterThanOrEqual(0.64);
  });

  it('beats SORT on the same detections by a clear margin on average', () => {
    const ours = { mota: mean(results.map((r) => r.ours.mota)), idf1: mean(results.map((r) => r.ours.idf1)) };
    const sort = { mota: mean(results.map((r) => r.sort.mota)), idf1: mean(results.map((r) => r.sort.idf1)) };
    expect(ours.mota).toBeGreaterThanOrEqual(0.68);
    expect(ours.idf1).toBeGreaterThanOrEqual(0.76);
    expect(ours.mota - sort.mota).toBeGreaterThanOrEqual(0.1);
    expect(ours.idf1 - sort.idf1).toBeGreaterThanOrEqual(0.15);
    for (const r of results) expect(r.ours.idSwitches, r.name).toBeLessThanOrEqual(r.sort.idSwitches + 3);
  });

  it('the detections are noisy enough to matter: every box found, as a track of each, scores far lower', () => {
    // Each detection as its own one-frame hypothesis: the misses and false positives stay, ids switch always.
    const frames = syntheticDetections(groundTruth, IMAGE, MODERATE_NOISE, 1);
    const rows = frames.flatMap((detections, f) =>
      detections.map((d, k) => ({ frame: f + 1, id: 1000 * (f + 1) + k, box: d.box, conf: 1 })),
    );
    const raw = evaluateMot(groundTruth, rows);
    expect(raw.misses).toBeGreaterThan(30);
    expect(raw.falsePositives).toBeGreaterThan(30);
    expect(raw.mota).toBeLessThan(0.2);
  });
});
