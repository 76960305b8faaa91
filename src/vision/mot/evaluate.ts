/**
 * Tracking accuracy the way MOTChallenge scores it, so the tracker can be compared with published
 * figures (SORT: MOTA 62.7 on TUD-Campus) on the same detections:
 * - CLEAR MOT (Bernardin & Stiefelhagen, "Evaluating Multiple Object Tracking Performance", 2008): per
 *   frame, a ground-truth box keeps the hypothesis it matched before if they still overlap by IoU ≥ 0.5;
 *   the others are matched optimally (most pairs, then least distance 1 − IoU — the devkit's Hungarian
 *   step); a ground-truth box matched to a different hypothesis than at its previous match is an identity
 *   switch. MOTA = 1 − (misses + false positives + switches) / ground-truth boxes; MOTP here is the mean
 *   IoU of the matches.
 * - IDF1 (Ristani et al., "Performance Measures and a Data Set for Multi-Target, Multi-Camera Tracking",
 *   2016): one global bipartite matching of ground-truth ids to hypothesis ids maximising the frames in
 *   which the pair overlaps by IoU ≥ 0.5 (IDTP); IDF1 = 2·IDTP / (ground-truth boxes + hypothesis boxes).
 * Ground-truth boxes with conf 0 are "ignore" boxes in MOTChallenge files and take no part.
 */
import { assignBelow } from '../tracker/assignment.js';
import { iou } from '../tracker/box.js';
import type { MotRow } from './mot-file.js';

export interface MotScores {
  groundTruth: number;
  hypotheses: number;
  matches: number;
  misses: number;
  falsePositives: number;
  idSwitches: number;
  mota: number;
  motp: number;
  idtp: number;
  idf1: number;
  idp: number;
  idr: number;
}

/** Far above any distance (≤ 1) times any number of pairs in a frame: most pairs first, then cost. */
const UNMATCHABLE = 1e9;

export function evaluateMot(groundTruth: readonly MotRow[], hypotheses: readonly MotRow[], minIou = 0.5): MotScores {
  const gtFrames = byFrame(groundTruth.filter((row) => row.conf !== 0));
  const hypFrames = byFrame(hypotheses);
  const frames = [...new Set([...gtFrames.keys(), ...hypFrames.keys()])].sort((a, b) => a - b);
  const lastMatch = new Map<number, number>();
  const together = new Map<string, number>();
  let gtCount = 0;
  let hypCount = 0;
  let matches = 0;
  let iouSum = 0;
  let idSwitches = 0;
  for (const frame of frames) {
    const gts = gtFrames.get(frame) ?? [];
    const hyps = hypFrames.get(frame) ?? [];
    gtCount += gts.length;
    hypCount += hyps.length;
    const overlaps = gts.map((g) => hyps.map((h) => iou(g.box, h.box)));
    gts.forEach((g, i) => {
      hyps.forEach((h, j) => {
        if (((overlaps[i] as number[])[j] as number) < minIou) return;
        const key = `${g.id}\u0000${h.id}`;
        together.set(key, (together.get(key) ?? 0) + 1);
      });
    });
    for (const [i, j] of clearMatches(gts, hyps, overlaps, lastMatch, minIou)) {
      const g = gts[i] as MotRow;
      const h = hyps[j] as MotRow;
      const previous = lastMatch.get(g.id);
      if (previous !== undefined && previous !== h.id) idSwitches++;
      lastMatch.set(g.id, h.id);
      matches++;
      iouSum += (overlaps[i] as number[])[j] as number;
    }
  }
  const misses = gtCount - matches;
  const falsePositives = hypCount - matches;
  const idtp = identityTruePositives(together);
  return {
    groundTruth: gtCount,
    hypotheses: hypCount,
    matches,
    misses,
    falsePositives,
    idSwitches,
    mota: gtCount === 0 ? 0 : 1 - (misses + falsePositives + idSwitches) / gtCount,
    motp: matches === 0 ? 0 : iouSum / matches,
    idtp,
    idf1: gtCount + hypCount === 0 ? 0 : (2 * idtp) / (gtCount + hypCount),
    idp: hypCount === 0 ? 0 : idtp / hypCount,
    idr: gtCount === 0 ? 0 : idtp / gtCount,
  };
}

/** One frame's CLEAR-MOT matches as [gt index, hypothesis index]: kept correspondences, then optimal. */
function clearMatches(
  gts: readonly MotRow[],
  hyps: readonly MotRow[],
  overlaps: readonly (readonly number[])[],
  lastMatch: ReadonlyMap<number, number>,
  minIou: number,
): [number, number][] {
  const kept: [number, number][] = [];
  const usedHyp = new Set<number>();
  gts.forEach((g, i) => {
    const j = hyps.findIndex((h) => h.id === lastMatch.get(g.id));
    if (j >= 0 && !usedHyp.has(j) && ((overlaps[i] as number[])[j] as number) >= minIou) {
      kept.push([i, j]);
      usedHyp.add(j);
    }
  });
  const keptGt = new Set(kept.map(([i]) => i));
  const openGt = gts.map((_, i) => i).filter((i) => !keptGt.has(i));
  const openHyp = hyps.map((_, j) => j).filter((j) => !usedHyp.has(j));
  const cost = openGt.map((i) =>
    openHyp.map((j) => {
      const overlap = (overlaps[i] as number[])[j] as number;
      return overlap >= minIou ? 1 - overlap : Number.POSITIVE_INFINITY;
    }),
  );
  const fresh = assignBelow(cost, UNMATCHABLE).map(([a, b]): [number, number] => [
    openGt[a] as number,
    openHyp[b] as number,
  ]);
  return [...kept, ...fresh];
}

/** IDTP: the most co-occurring frames any one-to-one pairing of ground-truth and hypothesis ids reaches. */
function identityTruePositives(together: ReadonlyMap<string, number>): number {
  const gtIds = new Map<string, number>();
  const hypIds = new Map<string, number>();
  const entries = [...together].map(([key, count]) => {
    const [g, h] = key.split('\u0000') as [string, string];
    if (!gtIds.has(g)) gtIds.set(g, gtIds.size);
    if (!hypIds.has(h)) hypIds.set(h, hypIds.size);
    return { g: gtIds.get(g) as number, h: hypIds.get(h) as number, count };
  });
  const cost = Array.from({ length: gtIds.size }, () => new Array<number>(hypIds.size).fill(0));
  for (const { g, h, count } of entries) (cost[g] as number[])[h] = -count;
  return -assignBelow(cost, 0).reduce((sum, [g, h]) => sum + ((cost[g] as number[])[h] as number), 0);
}

function byFrame(rows: readonly MotRow[]): Map<number, MotRow[]> {
  const frames = new Map<number, MotRow[]>();
  for (const row of rows) {
    const list = frames.get(row.frame);
    if (list === undefined) frames.set(row.frame, [row]);
    else list.push(row);
  }
  return frames;
}
