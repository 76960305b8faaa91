/**
 * Plane geometry the config checks need: whether a polygon is simple (no edge crosses or touches
 * another) and how much area two simple polygons share. Overlap is measured, not just detected, so that
 * area zones which merely touch along an edge (overlap 0) pass and the error can say how much overlaps.
 * Method: split both polygons into triangles (ear clipping), clip every triangle of one against every
 * triangle of the other (Sutherland–Hodgman, exact for convex clip shapes) and add the areas; since
 * each triangulation partitions its polygon, the sum is the area of the intersection.
 */
export type Point = readonly [number, number];
type Triangle = readonly [Point, Point, Point];

// Coordinates are metres bounded by ±1e4 (schema); 1e-9 m² is far below anything an installer draws.
const EPS = 1e-9;

const cross = (o: Point, a: Point, b: Point) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
const same = (a: Point, b: Point) => a[0] === b[0] && a[1] === b[1];

/** Signed area (shoelace); positive when the corners run counter-clockwise. */
export function signedArea(points: readonly Point[]): number {
  let twice = 0;
  for (let i = 0; i < points.length; i++) {
    const a = points[i] as Point;
    const b = points[(i + 1) % points.length] as Point;
    twice += a[0] * b[1] - b[0] * a[1];
  }
  return twice / 2;
}

/** Drops a last corner that repeats the first: people often close polygons explicitly. */
export function openPolygon(points: readonly Point[]): Point[] {
  const open = [...points];
  const first = open[0];
  const last = open[open.length - 1];
  if (open.length > 3 && first && last && same(first, last)) open.pop();
  return open;
}

function onSegment(a: Point, b: Point, p: Point): boolean {
  return (
    Math.min(a[0], b[0]) - EPS <= p[0] &&
    p[0] <= Math.max(a[0], b[0]) + EPS &&
    Math.min(a[1], b[1]) - EPS <= p[1] &&
    p[1] <= Math.max(a[1], b[1]) + EPS
  );
}

/** Whether segments ab and cd share any point (crossing, touching or overlapping). */
export function segmentsTouch(a: Point, b: Point, c: Point, d: Point): boolean {
  const d1 = cross(c, d, a);
  const d2 = cross(c, d, b);
  const d3 = cross(a, b, c);
  const d4 = cross(a, b, d);
  if (((d1 > EPS && d2 < -EPS) || (d1 < -EPS && d2 > EPS)) && ((d3 > EPS && d4 < -EPS) || (d3 < -EPS && d4 > EPS)))
    return true;
  return (
    (Math.abs(d1) <= EPS && onSegment(c, d, a)) ||
    (Math.abs(d2) <= EPS && onSegment(c, d, b)) ||
    (Math.abs(d3) <= EPS && onSegment(a, b, c)) ||
    (Math.abs(d4) <= EPS && onSegment(a, b, d))
  );
}

export type ShapeFault =
  | { kind: 'repeated_corner'; index: number }
  | { kind: 'edges_cross'; first: number; second: number }
  | { kind: 'no_area' };

/**
 * The first reason `points` is not a simple polygon with area, or undefined. Edge i runs from corner i
 * to corner i+1. Adjacent edges may only share their common corner (not fold back over each other);
 * other edges may share nothing.
 */
export function shapeFault(polygon: readonly Point[]): ShapeFault | undefined {
  const points = openPolygon(polygon);
  const n = points.length;
  const at = (i: number) => points[((i % n) + n) % n] as Point;
  for (let i = 0; i < n; i++) if (same(at(i), at(i + 1))) return { kind: 'repeated_corner', index: (i + 1) % n };
  for (let i = 0; i < n; i++) {
    // Adjacent edges (i, i+1) meet at corner i+1; they are wrong only if they run back over each other.
    const a = at(i);
    const b = at(i + 1);
    const c = at(i + 2);
    const folded = Math.abs(cross(a, b, c)) <= EPS && (b[0] - a[0]) * (c[0] - b[0]) + (b[1] - a[1]) * (c[1] - b[1]) < 0;
    if (folded && n > 3) return { kind: 'edges_cross', first: i, second: (i + 1) % n };
    for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue; // edges 0 and n-1 are adjacent (they meet at corner 0)
      if (segmentsTouch(a, b, at(j), at(j + 1))) return { kind: 'edges_cross', first: i, second: j };
    }
  }
  if (Math.abs(signedArea(points)) <= EPS) return { kind: 'no_area' };
  return undefined;
}

function insideTriangle(p: Point, a: Point, b: Point, c: Point): boolean {
  return cross(a, b, p) >= -EPS && cross(b, c, p) >= -EPS && cross(c, a, p) >= -EPS;
}

/** Ear clipping of a simple polygon; collinear corners are dropped (they add no area). */
export function triangulate(polygon: readonly Point[]): Triangle[] {
  const ring = openPolygon(polygon);
  if (signedArea(ring) < 0) ring.reverse();
  const triangles: Triangle[] = [];
  while (ring.length > 3) {
    let clipped = false;
    for (let i = 0; i < ring.length && !clipped; i++) {
      const prev = ring[(i + ring.length - 1) % ring.length] as Point;
      const ear = ring[i] as Point;
      const next = ring[(i + 1) % ring.length] as Point;
      const turn = cross(prev, ear, next);
      if (Math.abs(turn) <= EPS) {
        ring.splice(i, 1);
        clipped = true;
      } else if (
        turn > 0 &&
        !ring.some((p) => p !== prev && p !== ear && p !== next && insideTriangle(p, prev, ear, next))
      ) {
        triangles.push([prev, ear, next]);
        ring.splice(i, 1);
        clipped = true;
      }
    }
    // Only a polygon that is not simple has no ear; shapeFault refuses those before we get here.
    if (!clipped) throw new Error('triangulate: polygon is not simple');
  }
  const [a, b, c] = ring;
  if (a && b && c && Math.abs(cross(a, b, c)) > EPS) triangles.push(cross(a, b, c) > 0 ? [a, b, c] : [a, c, b]);
  return triangles;
}

/** Sutherland–Hodgman: the part of `subject` inside the counter-clockwise convex polygon `clip`. */
function clipConvex(subject: readonly Point[], clip: readonly Point[]): Point[] {
  let output: Point[] = [...subject];
  for (let i = 0; i < clip.length && output.length > 0; i++) {
    const a = clip[i] as Point;
    const b = clip[(i + 1) % clip.length] as Point;
    const input = output;
    output = [];
    for (let j = 0; j < input.length; j++) {
      const current = input[j] as Point;
      const previous = input[(j + input.length - 1) % input.length] as Point;
      const currentIn = cross(a, b, current) >= 0;
      const previousIn = cross(a, b, previous) >= 0;
      if (currentIn !== previousIn) output.push(lineIntersection(previous, current, a, b));
      if (currentIn) output.push(current);
    }
  }
  return output;
}

function lineIntersection(p: Point, q: Point, a: Point, b: Point): Point {
  const dp = cross(a, b, p);
  const dq = cross(a, b, q);
  const t = dp / (dp - dq);
  return [p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t];
}

interface Box {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

function box(points: readonly Point[]): Box {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  return {
    minX: Math.min(...xs),
    minY: Math.min(...ys),
    maxX: Math.max(...xs),
    maxY: Math.max(...ys),
  };
}

const boxesOverlap = (a: Box, b: Box) => a.minX < b.maxX && b.minX < a.maxX && a.minY < b.maxY && b.minY < a.maxY;

/** Area shared by two simple polygons, in square units; 0 when they only touch along edges or corners. */
export function overlapArea(first: readonly Point[], second: readonly Point[]): number {
  if (!boxesOverlap(box(first), box(second))) return 0;
  const secondTriangles = triangulate(second).map((t) => ({ t, box: box(t) }));
  let area = 0;
  for (const a of triangulate(first)) {
    const aBox = box(a);
    for (const b of secondTriangles) {
      if (boxesOverlap(aBox, b.box)) area += Math.abs(signedArea(clipConvex(a, b.t)));
    }
  }
  return area;
}
