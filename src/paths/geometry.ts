/**
 * Floor geometry for path analysis (ARCHITECTURE §5): point-in-polygon with the even-odd rule where a
 * point on the boundary counts as inside, the side of a counting line (sign of a cross product) and
 * segment intersection. Polygons are compiled once into flat typed arrays with a bounding box, so the
 * per-sample test allocates nothing and rejects most samples with four comparisons.
 */

export type Point = readonly [number, number];

export interface CompiledPolygon {
  readonly xs: Float64Array;
  readonly ys: Float64Array;
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
}

export function compilePolygon(corners: readonly Point[]): CompiledPolygon {
  if (corners.length < 3) throw new Error(`a polygon needs at least 3 corners, got ${corners.length}`);
  const xs = new Float64Array(corners.length);
  const ys = new Float64Array(corners.length);
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  corners.forEach(([x, y], i) => {
    if (!Number.isFinite(x) || !Number.isFinite(y)) throw new Error(`polygon corner ${i} is not a finite [x, y]`);
    xs[i] = x;
    ys[i] = y;
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  });
  return { xs, ys, minX, minY, maxX, maxY };
}

/**
 * Even-odd point-in-polygon; a point exactly on an edge or corner is inside (§5 "Inside"). The edge test
 * runs first for each edge so that the ray-casting arithmetic never has to decide a boundary point.
 */
export function pointInPolygon(poly: CompiledPolygon, px: number, py: number): boolean {
  if (px < poly.minX || px > poly.maxX || py < poly.minY || py > poly.maxY) return false;
  const { xs, ys } = poly;
  const n = xs.length;
  let inside = false;
  let ax = xs[n - 1] as number;
  let ay = ys[n - 1] as number;
  for (let i = 0; i < n; i++) {
    const bx = xs[i] as number;
    const by = ys[i] as number;
    if (onSegment(ax, ay, bx, by, px, py)) return true;
    // Half-open rule on y (one endpoint above, one at or below) so a vertex on the ray counts once.
    if (ay > py !== by > py && px < ((bx - ax) * (py - ay)) / (by - ay) + ax) inside = !inside;
    ax = bx;
    ay = by;
  }
  return inside;
}

/** True when p lies on the closed segment a–b (exactly collinear and within its extent). */
export function onSegment(ax: number, ay: number, bx: number, by: number, px: number, py: number): boolean {
  if (px < Math.min(ax, bx) || px > Math.max(ax, bx)) return false;
  if (py < Math.min(ay, by) || py > Math.max(ay, by)) return false;
  return (bx - ax) * (py - ay) - (by - ay) * (px - ax) === 0;
}

/**
 * cross(Q − P, s − P) for the line P→Q: positive when s is left of the direction P→Q (floor axes x right,
 * y up), negative when right, zero on the line. Written exactly as §5 states it so that the sign of a
 * borderline sample is the one any straightforward implementation of the spec computes.
 */
export function crossSide(px: number, py: number, qx: number, qy: number, sx: number, sy: number): number {
  return (qx - px) * (sy - py) - (qy - py) * (sx - px);
}

/** Sign of the orientation of c relative to the directed segment a→b: 1 left, −1 right, 0 collinear. */
function orientation(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  const v = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

/** Closed-segment intersection: touching at an endpoint or overlapping collinearly counts. */
export function segmentsIntersect(
  ax: number,
  ay: number,
  bx: number,
  by: number,
  cx: number,
  cy: number,
  dx: number,
  dy: number,
): boolean {
  const o1 = orientation(ax, ay, bx, by, cx, cy);
  const o2 = orientation(ax, ay, bx, by, dx, dy);
  const o3 = orientation(cx, cy, dx, dy, ax, ay);
  const o4 = orientation(cx, cy, dx, dy, bx, by);
  if (o1 !== o2 && o3 !== o4) return true;
  if (o1 === 0 && onSegment(ax, ay, bx, by, cx, cy)) return true;
  if (o2 === 0 && onSegment(ax, ay, bx, by, dx, dy)) return true;
  if (o3 === 0 && onSegment(cx, cy, dx, dy, ax, ay)) return true;
  return o4 === 0 && onSegment(cx, cy, dx, dy, bx, by);
}
