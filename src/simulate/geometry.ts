/**
 * Plane geometry in floor metres for the simulator (x to the right, y up; ARCHITECTURE §5). The path
 * engines have their own; this copy stays small on purpose so the simulator's ground truth does not
 * depend on the code it is used to check.
 */
export type Vec = readonly [number, number];
export type Polygon = readonly Vec[];

export const add = (a: Vec, b: Vec): Vec => [a[0] + b[0], a[1] + b[1]];
export const sub = (a: Vec, b: Vec): Vec => [a[0] - b[0], a[1] - b[1]];
export const scale = (a: Vec, k: number): Vec => [a[0] * k, a[1] * k];
export const cross = (a: Vec, b: Vec): number => a[0] * b[1] - a[1] * b[0];
export const length = (a: Vec): number => Math.hypot(a[0], a[1]);
export const distance = (a: Vec, b: Vec): number => Math.hypot(a[0] - b[0], a[1] - b[1]);
export const lerp = (a: Vec, b: Vec, k: number): Vec => [a[0] + (b[0] - a[0]) * k, a[1] + (b[1] - a[1]) * k];

export function unit(a: Vec): Vec {
  const n = length(a);
  return n === 0 ? [0, 0] : [a[0] / n, a[1] / n];
}

/** The left-hand normal of a direction: for a line P→Q it points to the "in" side (§5). */
export const leftNormal = (a: Vec): Vec => [-a[1], a[0]];

/** Even-odd rule; a point on an edge counts as inside, as §5 says for zones. */
export function insidePolygon(p: Vec, polygon: Polygon): boolean {
  let inside = false;
  const [px, py] = p;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [ax, ay] = polygon[i] as Vec;
    const [bx, by] = polygon[j] as Vec;
    if (onSegment(px, py, ax, ay, bx, by)) return true;
    if (ay > py !== by > py && px < ((bx - ax) * (py - ay)) / (by - ay) + ax) inside = !inside;
  }
  return inside;
}

function onSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): boolean {
  if (px < Math.min(ax, bx) - 1e-9 || px > Math.max(ax, bx) + 1e-9) return false;
  if (py < Math.min(ay, by) - 1e-9 || py > Math.max(ay, by) + 1e-9) return false;
  return Math.abs((bx - ax) * (py - ay) - (by - ay) * (px - ax)) <= 1e-9 * (Math.abs(bx - ax) + Math.abs(by - ay));
}

export function distanceToSegment(p: Vec, a: Vec, b: Vec): number {
  const ab = sub(b, a);
  const span = ab[0] * ab[0] + ab[1] * ab[1];
  const k = span === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * ab[0] + (p[1] - a[1]) * ab[1]) / span));
  return distance(p, lerp(a, b, k));
}

/** Distance from a point to the polygon's outline (inside or outside). */
export function distanceToOutline(p: Vec, polygon: Polygon): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    best = Math.min(best, distanceToSegment(p, polygon[j] as Vec, polygon[i] as Vec));
  }
  return best;
}

/** Do the closed segments a1→a2 and b1→b2 share a point? */
export function segmentsIntersect(a1: Vec, a2: Vec, b1: Vec, b2: Vec): boolean {
  const d1 = cross(sub(b2, b1), sub(a1, b1));
  const d2 = cross(sub(b2, b1), sub(a2, b1));
  const d3 = cross(sub(a2, a1), sub(b1, a1));
  const d4 = cross(sub(a2, a1), sub(b2, a1));
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  const eps = 1e-12;
  return (
    (Math.abs(d1) < eps && distanceToSegment(a1, b1, b2) < 1e-9) ||
    (Math.abs(d2) < eps && distanceToSegment(a2, b1, b2) < 1e-9) ||
    (Math.abs(d3) < eps && distanceToSegment(b1, a1, a2) < 1e-9) ||
    (Math.abs(d4) < eps && distanceToSegment(b2, a1, a2) < 1e-9)
  );
}

export interface Box {
  min: Vec;
  max: Vec;
}

export function boundingBox(polygon: Polygon): Box {
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const [x, y] of polygon) {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  }
  return { min: [minX, minY], max: [maxX, maxY] };
}

/** Area-weighted centroid (shoelace); falls back to the vertex mean for a degenerate polygon. */
export function centroid(polygon: Polygon): Vec {
  let area = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const a = polygon[j] as Vec;
    const b = polygon[i] as Vec;
    const f = cross(a, b);
    area += f;
    cx += (a[0] + b[0]) * f;
    cy += (a[1] + b[1]) * f;
  }
  if (Math.abs(area) < 1e-12) {
    const n = polygon.length;
    return [polygon.reduce((s, p) => s + p[0], 0) / n, polygon.reduce((s, p) => s + p[1], 0) / n];
  }
  return [cx / (3 * area), cy / (3 * area)];
}
