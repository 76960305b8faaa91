/**
 * Boxes as the detector reports them and MOTChallenge files hold them: [left, top, width, height] in
 * image pixels. Intersection over union is the one measure of overlap the tracker and the evaluators use.
 */

export type Box = readonly [left: number, top: number, width: number, height: number];

/** One person the detector found in a frame, with its confidence in [0, 1]. */
export interface Detection {
  box: Box;
  score: number;
}

export function iou(a: Box, b: Box): number {
  const w = Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  const overlap = w * h;
  return overlap / (a[2] * a[3] + b[2] * b[3] - overlap);
}

/** `1 − IoU` for every (row, column) pair: the association cost. */
export function iouDistances(rows: readonly Box[], cols: readonly Box[]): number[][] {
  return rows.map((a) => cols.map((b) => 1 - iou(a, b)));
}

/** The foot point: bottom centre of the box, where the person stands on the floor. */
export function footPoint(box: Box): [number, number] {
  return [box[0] + box[2] / 2, box[1] + box[3]];
}
