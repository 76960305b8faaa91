/**
 * The geometry behind the polygon checks. Overlap areas are compared with values worked out by hand;
 * the random test compares with a brute-force estimate (point sampling) computed here independently.
 */
import { describe, expect, it } from 'vitest';
import { overlapArea, type Point, shapeFault, signedArea, triangulate } from '../../src/config/polygons.js';

const rect = (x0: number, y0: number, x1: number, y1: number): Point[] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
];
// The demo store's aisles: an L around the promotion area.
const ell: Point[] = [
  [16, 6],
  [24, 6],
  [24, 20],
  [8, 20],
  [8, 11],
  [16, 11],
];

/** Even-odd point in polygon, written independently of the code under test. */
function inside(p: Point, polygon: readonly Point[]): boolean {
  let odd = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i] as Point;
    const [xj, yj] = polygon[j] as Point;
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) odd = !odd;
  }
  return odd;
}

describe('polygons', () => {
  it('measures area with orientation', () => {
    expect(signedArea(rect(0, 0, 4, 3))).toBe(12);
    expect(signedArea([...rect(0, 0, 4, 3)].reverse())).toBe(-12);
    expect(signedArea(ell)).toBe(8 * 14 + 8 * 9);
  });

  it('triangulates a non-convex polygon into triangles covering exactly its area', () => {
    const triangles = triangulate(ell);
    expect(triangles).toHaveLength(ell.length - 2);
    const total = triangles.reduce((sum, t) => sum + Math.abs(signedArea(t)), 0);
    expect(total).toBeCloseTo(184, 9);
  });

  it('gives zero overlap for polygons that share an edge or a corner', () => {
    expect(overlapArea(rect(0, 0, 4, 4), rect(4, 0, 8, 4))).toBe(0);
    expect(overlapArea(rect(0, 0, 4, 4), rect(4, 4, 8, 8))).toBe(0);
    expect(overlapArea(rect(8, 6, 16, 11), ell)).toBeCloseTo(0, 12); // promotion area inside the L's notch
  });

  it('measures partial, contained and identical overlaps', () => {
    expect(overlapArea(rect(0, 0, 4, 4), rect(3, 3, 6, 6))).toBeCloseTo(1, 12);
    expect(overlapArea(rect(0, 0, 10, 10), rect(2, 2, 3, 3))).toBeCloseTo(1, 12);
    expect(overlapArea(rect(0, 0, 4, 4), rect(0, 0, 4, 4))).toBeCloseTo(16, 12);
    expect(overlapArea(ell, rect(14, 10, 18, 12))).toBeCloseTo(4 * 2 - 2 * 1, 12);
  });

  it('agrees with point sampling on random polygon pairs', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    // Star-shaped random polygons (corners sorted by angle around a centre) are always simple.
    const star = (cx: number, cy: number): Point[] =>
      Array.from({ length: 7 }, (_, k) => {
        const angle = (2 * Math.PI * (k + random() * 0.8)) / 7;
        const radius = 1 + random() * 3;
        return [cx + radius * Math.cos(angle), cy + radius * Math.sin(angle)] as Point;
      });
    for (let trial = 0; trial < 20; trial++) {
      const a = star(5, 5);
      const b = star(5 + random() * 4, 5 + random() * 4);
      expect(shapeFault(a)).toBeUndefined();
      const step = 0.025;
      let hits = 0;
      for (let x = step / 2; x < 12; x += step)
        for (let y = step / 2; y < 12; y += step) if (inside([x, y], a) && inside([x, y], b)) hits++;
      expect(overlapArea(a, b)).toBeCloseTo(hits * step * step, 1);
    }
  });

  it('finds what makes an outline unusable', () => {
    expect(shapeFault(rect(0, 0, 1, 1))).toBeUndefined();
    expect(shapeFault([...rect(0, 0, 1, 1), [0, 0]])).toBeUndefined(); // explicitly closed
    expect(
      shapeFault([
        [0, 0],
        [1, 0],
        [1, 0],
        [1, 1],
      ]),
    ).toEqual({ kind: 'repeated_corner', index: 2 });
    expect(
      shapeFault([
        [0, 0],
        [4, 4],
        [4, 0],
        [0, 4],
      ]),
    ).toEqual({ kind: 'edges_cross', first: 0, second: 2 });
    // Touching itself at a corner is as bad as crossing: the inside is no longer one region.
    expect(
      shapeFault([
        [0, 0],
        [2, 0],
        [2, 2],
        [1, 0],
        [0, 2],
      ])?.kind,
    ).toBe('edges_cross');
    // Folding back along itself.
    expect(
      shapeFault([
        [0, 0],
        [4, 0],
        [2, 0],
        [2, 2],
      ])?.kind,
    ).toBe('edges_cross');
    expect(
      shapeFault([
        [0, 0],
        [1, 1],
        [2, 2],
      ]),
    ).toEqual({ kind: 'no_area' });
  });
});
