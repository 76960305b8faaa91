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
export function orientation(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
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

/** True when p is on any edge of the polygon. */
export function onBoundary(poly: CompiledPolygon, px: number, py: number): boolean {
  const { xs, ys } = poly;
  const n = xs.length;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    if (onSegment(xs[j] as number, ys[j] as number, xs[i] as number, ys[i] as number, px, py)) return true;
  }
  return false;
}

function strictlyInside(poly: CompiledPolygon, px: number, py: number): boolean {
  return pointInPolygon(poly, px, py) && !onBoundary(poly, px, py);
}

/** Points that lie strictly inside a polygon when it has any interior: centroids of corner triangles. */
function interiorProbes(poly: CompiledPolygon): Point[] {
  const { xs, ys } = poly;
  const n = xs.length;
  const probes: Point[] = [];
  for (let i = 0; i < n; i++) {
    const a = (i + n - 1) % n;
    const c = (i + 1) % n;
    const x = ((xs[a] as number) + (xs[i] as number) + (xs[c] as number)) / 3;
    const y = ((ys[a] as number) + (ys[i] as number) + (ys[c] as number)) / 3;
    if (strictlyInside(poly, x, y)) probes.push([x, y]);
  }
  return probes;
}

/**
 * Whether the interiors of two polygons overlap (config validation refuses overlapping `area` zones, §5).
 * Zones that merely touch along an edge or at a corner do not overlap; a sample exactly on a shared edge
 * is inside both (boundary counts as inside), which the path builder resolves by start-time order.
 * Tests: a proper crossing of two edges, a corner or edge midpoint of one strictly inside the other, or
 * an interior probe of one strictly inside the other (catches identical polygons).
 */
export function polygonsOverlap(a: CompiledPolygon, b: CompiledPolygon): boolean {
  if (a.maxX <= b.minX || b.maxX <= a.minX || a.maxY <= b.minY || b.maxY <= a.minY) return false;
  return properEdgeCrossing(a, b) || anyPointStrictlyInside(a, b) || anyPointStrictlyInside(b, a);
}

function properEdgeCrossing(a: CompiledPolygon, b: CompiledPolygon): boolean {
  const na = a.xs.length;
  const nb = b.xs.length;
  for (let i = 0, j = na - 1; i < na; j = i++) {
    const ax = a.xs[j] as number;
    const ay = a.ys[j] as number;
    const bx = a.xs[i] as number;
    const by = a.ys[i] as number;
    for (let k = 0, l = nb - 1; k < nb; l = k++) {
      const cx = b.xs[l] as number;
      const cy = b.ys[l] as number;
      const dx = b.xs[k] as number;
      const dy = b.ys[k] as number;
      const o1 = orientation(ax, ay, bx, by, cx, cy);
      const o2 = orientation(ax, ay, bx, by, dx, dy);
      const o3 = orientation(cx, cy, dx, dy, ax, ay);
      const o4 = orientation(cx, cy, dx, dy, bx, by);
      if (o1 * o2 < 0 && o3 * o4 < 0) return true;
    }
  }
  return false;
}

function anyPointStrictlyInside(of: CompiledPolygon, container: CompiledPolygon): boolean {
  const { xs, ys } = of;
  const n = xs.length;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const x = xs[i] as number;
    const y = ys[i] as number;
    if (strictlyInside(container, x, y)) return true;
    if (strictlyInside(container, (x + (xs[j] as number)) / 2, (y + (ys[j] as number)) / 2)) return true;
  }
  return interiorProbes(of).some(([x, y]) => strictlyInside(container, x, y));
}
