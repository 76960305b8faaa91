/**
 * Camera calibration (issue 3 "Floor model"): the homography from image pixels to floor metres, from at
 * least 4 image↔floor point pairs, by the normalised direct linear transform (Hartley & Zisserman,
 * "Multiple View Geometry", algorithm 4.2): each point set is moved to its centroid and scaled to a mean
 * distance of √2, the 2n×9 DLT system is solved for its null vector by a one-sided Jacobi SVD, and the
 * normalisation is undone. The linear algebra is small and written here; no numeric library is needed.
 */

/** Row-major 3×3 matrix. */
export type Matrix3 = [number, number, number, number, number, number, number, number, number];

export interface PointPair {
  image: readonly [number, number];
  floor: readonly [number, number];
}

export interface Calibration {
  /** Image [u, v, 1] → floor [x, y, w]; scaled so the bottom-right entry is 1 when it can be. */
  matrix: Matrix3;
  meanErrorM: number;
  maxErrorM: number;
}

export class CalibrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CalibrationError';
  }
}

export function applyHomography(h: Matrix3, u: number, v: number): [number, number] {
  const w = h[6] * u + h[7] * v + h[8];
  return [(h[0] * u + h[1] * v + h[2]) / w, (h[3] * u + h[4] * v + h[5]) / w];
}

/** Distances in floor metres between each pair's floor point and its image point mapped by `h`. */
export function reprojectionErrors(
  h: Matrix3,
  pairs: readonly PointPair[],
): { meanM: number; maxM: number; errors: number[] } {
  const errors = pairs.map(({ image, floor }) => {
    const [x, y] = applyHomography(h, image[0], image[1]);
    return Math.hypot(x - floor[0], y - floor[1]);
  });
  const sum = errors.reduce((a, b) => a + b, 0);
  return { meanM: errors.length > 0 ? sum / errors.length : 0, maxM: Math.max(0, ...errors), errors };
}

/** Computes the homography and its reprojection error; throws CalibrationError on degenerate input. */
export function calibrate(pairs: readonly PointPair[]): Calibration {
  const matrix = computeHomography(pairs);
  const { meanM, maxM } = reprojectionErrors(matrix, pairs);
  return { matrix, meanErrorM: meanM, maxErrorM: maxM };
}

interface Normalised {
  points: [number, number][];
  /** The similarity that normalises: p' = s·(p − c). */
  s: number;
  cx: number;
  cy: number;
}

function normalise(points: readonly (readonly [number, number])[], which: string): Normalised {
  const n = points.length;
  const cx = points.reduce((a, p) => a + p[0], 0) / n;
  const cy = points.reduce((a, p) => a + p[1], 0) / n;
  const meanDistance = points.reduce((a, p) => a + Math.hypot(p[0] - cx, p[1] - cy), 0) / n;
  if (!(meanDistance > 0)) throw new CalibrationError(`calibration points: all ${which} points are the same point`);
  const s = Math.SQRT2 / meanDistance;
  const normalised = points.map((p) => [s * (p[0] - cx), s * (p[1] - cy)] as [number, number]);
  // Spread across the centroid: the smaller eigenvalue of the 2×2 scatter is ~0 when the points are on a line.
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const [x, y] of normalised) {
    sxx += x * x;
    sxy += x * y;
    syy += y * y;
  }
  const smallest = (sxx + syy) / 2 - Math.hypot((sxx - syy) / 2, sxy);
  if (smallest < 1e-9 * (sxx + syy)) {
    throw new CalibrationError(
      `calibration points: all ${n} ${which} points lie on one line; a homography needs 4 points with no three on a line`,
    );
  }
  return { points: normalised, s, cx, cy };
}

function threeOnALine(points: readonly [number, number][], which: string): void {
  const n = points.length;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      for (let k = j + 1; k < n; k++) {
        const [a, b, c] = [points[i], points[j], points[k]] as [[number, number], [number, number], [number, number]];
        const area = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
        if (Math.abs(area) < 1e-9) {
          throw new CalibrationError(
            `calibration points: ${which} points ${i + 1}, ${j + 1} and ${k + 1} lie on one line; with 4 pairs no three may`,
          );
        }
      }
    }
  }
}

/** Image → floor homography by normalised DLT. */
export function computeHomography(pairs: readonly PointPair[]): Matrix3 {
  if (pairs.length < 4) throw new CalibrationError(`calibration needs at least 4 point pairs, got ${pairs.length}`);
  pairs.forEach((pair, i) => {
    if (![...pair.image, ...pair.floor].every(Number.isFinite)) {
      throw new CalibrationError(`calibration point ${i + 1}: image and floor must be finite [x, y]`);
    }
  });
  const img = normalise(
    pairs.map((p) => p.image),
    'image',
  );
  const flo = normalise(
    pairs.map((p) => p.floor),
    'floor',
  );
  if (pairs.length === 4) {
    threeOnALine(img.points, 'image');
    threeOnALine(flo.points, 'floor');
  }
  const rows: number[][] = [];
  img.points.forEach(([x, y], i) => {
    const [xp, yp] = flo.points[i] as [number, number];
    rows.push([-x, -y, -1, 0, 0, 0, xp * x, xp * y, xp]);
    rows.push([0, 0, 0, -x, -y, -1, yp * x, yp * y, yp]);
  });
  const { singular, vectors } = jacobiSvd(rows);
  const order = singular.map((s, i) => [s, i] as const).sort((a, b) => a[0] - b[0]);
  const [[, smallestIndex], [secondSmallest]] = order as [readonly [number, number], readonly [number, number]];
  const largest = (order[order.length - 1] as readonly [number, number])[0];
  if (secondSmallest < 1e-10 * largest) {
    throw new CalibrationError(
      'calibration points are degenerate (more than one homography fits them): spread them over the floor, no three on a line',
    );
  }
  const hn = vectors.map((row) => row[smallestIndex] as number) as Matrix3;
  // H = T_floor⁻¹ · Hn · T_image, with T = [[s, 0, −s·cx], [0, s, −s·cy], [0, 0, 1]].
  const tImage: Matrix3 = [img.s, 0, -img.s * img.cx, 0, img.s, -img.s * img.cy, 0, 0, 1];
  const tFloorInv: Matrix3 = [1 / flo.s, 0, flo.cx, 0, 1 / flo.s, flo.cy, 0, 0, 1];
  const h = multiply(tFloorInv, multiply(hn, tImage));
  const det =
    h[0] * (h[4] * h[8] - h[5] * h[7]) - h[1] * (h[3] * h[8] - h[5] * h[6]) + h[2] * (h[3] * h[7] - h[4] * h[6]);
  const norm = Math.hypot(...h);
  if (Math.abs(det) < 1e-12 * norm ** 3)
    throw new CalibrationError('calibration points give a singular homography: check that pairs match');
  const scale = Math.abs(h[8]) > 1e-12 * norm ? h[8] : norm;
  return h.map((v) => v / scale) as Matrix3;
}

function multiply(a: Matrix3, b: Matrix3): Matrix3 {
  const out = new Array<number>(9).fill(0);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) {
      let sum = 0;
      for (let k = 0; k < 3; k++) sum += (a[r * 3 + k] as number) * (b[k * 3 + c] as number);
      out[r * 3 + c] = sum;
    }
  }
  return out as Matrix3;
}

/**
 * One-sided Jacobi SVD (Hestenes): rotates pairs of columns of A until all are orthogonal; the column
 * norms are then the singular values and the accumulated rotations the right singular vectors (columns
 * of V). Accurate for the small, well-scaled systems of a normalised DLT, including m < n.
 */
export function jacobiSvd(a: readonly number[][]): { singular: number[]; vectors: number[][] } {
  const m = a.length;
  const n = (a[0] as number[]).length;
  const u = a.map((row) => [...row]);
  const v = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < m; i++) {
          const up = (u[i] as number[])[p] as number;
          const uq = (u[i] as number[])[q] as number;
          alpha += up * up;
          beta += uq * uq;
          gamma += up * uq;
        }
        if (Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta) || gamma === 0) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (const rows of [u, v]) {
          for (const row of rows) {
            const xp = row[p] as number;
            const xq = row[q] as number;
            row[p] = c * xp - s * xq;
            row[q] = s * xp + c * xq;
          }
        }
      }
    }
    if (!rotated) break;
  }
  const singular = Array.from({ length: n }, (_, j) =>
    Math.sqrt(u.reduce((sum, row) => sum + (row[j] as number) ** 2, 0)),
  );
  return { singular, vectors: v };
}
