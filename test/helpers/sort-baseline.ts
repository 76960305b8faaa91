/**
 * SORT as its authors publish it (Bewley et al., "Simple Online and Realtime Tracking", ICIP 2016;
 * github.com/abewley/sort, sort.py, defaults max_age 1, min_hits 3, iou_threshold 0.3), rewritten here
 * so the tests and the benchmark compare our tracker with it on the same detections and the same
 * evaluator. Its Kalman state is [x, y, s, r, ẋ, ẏ, ṡ] (centre, area, aspect ratio) with filterpy's
 * identity matrices scaled as sort.py scales them: R = diag(1, 1, 10, 10); P₀ = 10 on positions and
 * 10⁴ on velocities; Q = 1 on positions, 0.01 on ẋ, ẏ and 10⁻⁴ on ṡ. These are diagonal and F moves
 * each coordinate by its own velocity, so four 2-state filters are the same filter.
 */

import type { MotRow } from '../../src/vision/mot/mot-file.js';
import { assignBelow } from '../../src/vision/tracker/assignment.js';
import { type Box, type Detection, iou } from '../../src/vision/tracker/box.js';
import { ConstantVelocity } from '../../src/vision/tracker/kalman.js';

export interface SortOptions {
  maxAge: number;
  minHits: number;
  iouThreshold: number;
}

export const SORT_DEFAULTS: SortOptions = { maxAge: 1, minHits: 3, iouThreshold: 0.3 };

class SortTrack {
  private readonly axes: ConstantVelocity[];
  timeSinceUpdate = 0;
  hitStreak = 0;

  constructor(
    box: Box,
    readonly id: number,
  ) {
    const z = measure(box);
    this.axes = [
      new ConstantVelocity(z[0], 10, 1e4),
      new ConstantVelocity(z[1], 10, 1e4),
      new ConstantVelocity(z[2], 10, 1e4),
      new ConstantVelocity(z[3], 10, 0),
    ];
  }

  predict(): Box {
    const [x, y, s, r] = this.axes as [ConstantVelocity, ConstantVelocity, ConstantVelocity, ConstantVelocity];
    if (s.v + s.p <= 0) s.v = 0;
    x.predict(1, 1, 0.01);
    y.predict(1, 1, 0.01);
    s.predict(1, 1, 1e-4);
    r.predict(1, 1, 0);
    if (this.timeSinceUpdate > 0) this.hitStreak = 0;
    this.timeSinceUpdate++;
    return this.box();
  }

  update(box: Box): void {
    this.timeSinceUpdate = 0;
    this.hitStreak++;
    measure(box).forEach((z, i) => {
      (this.axes[i] as ConstantVelocity).update(z, i < 2 ? 1 : 10);
    });
  }

  box(): Box {
    const [x, y, s, r] = this.axes.map((axis) => axis.p) as [number, number, number, number];
    const w = Math.sqrt(s * r);
    const h = s / w;
    return [x - w / 2, y - h / 2, w, h];
  }
}

function measure(box: Box): [number, number, number, number] {
  return [box[0] + box[2] / 2, box[1] + box[3] / 2, box[2] * box[3], box[2] / box[3]];
}

/** sort.py's associate_detections_to_trackers: a unique thresholded pairing if there is one, else Hungarian. */
function associate(dets: readonly Box[], boxes: readonly Box[], threshold: number): [number, number][] {
  if (dets.length === 0 || boxes.length === 0) return [];
  const overlaps = dets.map((d) => boxes.map((b) => iou(d, b)));
  const above = overlaps.map((row) => row.map((v) => v > threshold));
  const rowsOk = above.every((row) => row.filter(Boolean).length <= 1);
  const colsOk = boxes.every((_, j) => above.filter((row) => row[j]).length <= 1);
  const pairs: [number, number][] =
    rowsOk && colsOk
      ? above.flatMap((row, i) => row.flatMap((v, j): [number, number][] => (v ? [[i, j]] : [])))
      : assignBelow(
          overlaps.map((row) => row.map((v) => -v)),
          1,
        ).map(([i, j]) => [i, j]);
  return pairs.filter(([i, j]) => ((overlaps[i] as number[])[j] as number) >= threshold);
}

/** Runs SORT over frames (frames[0] is frame 1), every detection whatever its score, as sort.py does. */
export function sortSequence(frames: readonly (readonly Detection[])[], options = SORT_DEFAULTS): MotRow[] {
  let tracks: SortTrack[] = [];
  let nextId = 1;
  const rows: MotRow[] = [];
  frames.forEach((detections, i) => {
    const frame = i + 1;
    const predicted = tracks.map((t) => t.predict());
    const valid = predicted.map((b) => b.every(Number.isFinite));
    tracks = tracks.filter((_, k) => valid[k]);
    const boxes = predicted.filter((_, k) => valid[k]);
    const dets = detections.map((d) => d.box);
    const pairs = associate(dets, boxes, options.iouThreshold);
    for (const [d, t] of pairs) (tracks[t] as SortTrack).update(dets[d] as Box);
    const matched = new Set(pairs.map(([d]) => d));
    dets.forEach((box, d) => {
      if (!matched.has(d)) tracks.push(new SortTrack(box, nextId++));
    });
    for (const t of tracks) {
      if (t.timeSinceUpdate < 1 && (t.hitStreak >= options.minHits || frame <= options.minHits)) {
        rows.push({ frame, id: t.id, box: t.box(), conf: 1 });
      }
    }
    tracks = tracks.filter((t) => t.timeSinceUpdate <= options.maxAge);
  });
  return rows;
}
