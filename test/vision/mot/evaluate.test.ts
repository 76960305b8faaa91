/**
 * The CLEAR-MOT and IDF1 evaluator on a case small enough to score by hand (the figures below are worked
 * out in the comments), including a frame where greedy matching by best IoU would find one pair and the
 * optimal matching the standard asks for finds two.
 */
import { describe, expect, it } from 'vitest';
import { evaluateMot } from '../../../src/vision/mot/evaluate.js';
import type { MotRow } from '../../../src/vision/mot/mot-file.js';
import type { Box } from '../../../src/vision/tracker/box.js';

const row = (frame: number, id: number, box: Box, conf = 1): MotRow => ({ frame, id, box, conf });
const o1: Box = [0, 0, 10, 10];
const o2: Box = [5, 0, 10, 10];

// Ground truth: o1 in frames 1–4, o2 in frames 1–3 → 7 boxes.
const groundTruth = [
  row(1, 1, o1),
  row(1, 2, o2),
  row(2, 1, o1),
  row(2, 2, o2),
  row(3, 1, o1),
  row(3, 2, o2),
  row(4, 1, o1),
];

const hypotheses = [
  // Frame 1: h1 = [3,0] overlaps o1 by 70/130 = 0.538 and o2 by 80/120 = 0.667; h2 = [8,0] overlaps o2 by
  // 70/130 = 0.538 and o1 by 20/180 = 0.11. Greedy takes o2–h1 first and strands o1; optimal is o1–h1, o2–h2.
  row(1, 1, [3, 0, 10, 10]),
  row(1, 2, [8, 0, 10, 10]),
  // Frame 2: h1 exactly on o1 (o2 overlaps it by 50/150 = 0.33, no match) → o2 missed; h3 far away → FP.
  row(2, 1, o1),
  row(2, 3, [50, 50, 10, 10]),
  // Frame 3: the hypotheses swap: h2 on o1, h1 on o2 → two identity switches.
  row(3, 2, o1),
  row(3, 1, o2),
  // Frame 4: h2 stays on o1, no switch.
  row(4, 2, o1),
];

describe('evaluateMot', () => {
  it('scores the hand-made case as worked out by hand', () => {
    const scores = evaluateMot(groundTruth, hypotheses);
    // Matches: 2 + 1 + 2 + 1 = 6 of 7 → 1 miss; 7 hypotheses − 6 matched = 1 FP; 2 switches.
    expect(scores).toMatchObject({
      groundTruth: 7,
      hypotheses: 7,
      matches: 6,
      misses: 1,
      falsePositives: 1,
      idSwitches: 2,
    });
    expect(scores.mota).toBeCloseTo(1 - (1 + 1 + 2) / 7, 12); // 3/7
    expect(scores.motp).toBeCloseTo((2 * (70 / 130) + 4) / 6, 12);
    // Frames together at IoU ≥ 0.5: (o1,h1) f1 f2 = 2; (o1,h2) f3 f4 = 2; (o2,h1) f1 f3 = 2; (o2,h2) f1 = 1.
    // Best one-to-one pairing: o1–h2 + o2–h1 = 4 (o1–h1 + o2–h2 = 3). IDF1 = 2·4 / (7 + 7).
    expect(scores.idtp).toBe(4);
    expect(scores.idf1).toBeCloseTo(8 / 14, 12);
    expect(scores.idp).toBeCloseTo(4 / 7, 12);
    expect(scores.idr).toBeCloseTo(4 / 7, 12);
  });

  it('keeps a correspondence that still overlaps even when another pairing would be closer', () => {
    // Frame 1 pairs o1–h1; in frame 2 h2 sits exactly on o1 while h1 still overlaps it by 0.667: the
    // standard keeps o1–h1 (no switch) and h2 is a false positive.
    const scores = evaluateMot(
      [row(1, 1, o1), row(2, 1, o1)],
      [row(1, 1, o1), row(2, 1, [2, 0, 10, 10]), row(2, 2, o1)],
    );
    expect(scores).toMatchObject({ matches: 2, idSwitches: 0, falsePositives: 1, misses: 0 });
  });

  it('counts a switch against the last match even across a gap', () => {
    const scores = evaluateMot([row(1, 1, o1), row(2, 1, o1), row(3, 1, o1)], [row(1, 7, o1), row(3, 8, o1)]);
    expect(scores).toMatchObject({ matches: 2, misses: 1, idSwitches: 1 });
    expect(scores.mota).toBeCloseTo(1 - 2 / 3, 12);
  });

  it('leaves ground-truth boxes with conf 0 out, as MOTChallenge ignore boxes', () => {
    const scores = evaluateMot([row(1, 1, o1), row(1, 2, [40, 0, 10, 10], 0)], [row(1, 1, o1)]);
    expect(scores).toMatchObject({ groundTruth: 1, matches: 1, misses: 0, falsePositives: 0 });
    expect(scores.mota).toBe(1);
    expect(scores.idf1).toBe(1);
  });
});
