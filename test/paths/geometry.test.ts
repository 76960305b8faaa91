import { describe, expect, it } from 'vitest';
import { compilePolygon, crossSide, pointInPolygon, segmentsIntersect } from '../../src/paths/geometry.js';

const square = compilePolygon([
  [0, 0],
  [2, 0],
  [2, 2],
  [0, 2],
]);

describe('point in polygon (§5 Inside: even-odd, boundary counts as inside)', () => {
  it('inside, outside, and every kind of boundary point', () => {
    expect(pointInPolygon(square, 1, 1)).toBe(true);
    expect(pointInPolygon(square, 3, 1)).toBe(false);
    expect(pointInPolygon(square, -0.0001, 1)).toBe(false);
    for (const [x, y] of [
      [0, 1],
      [2, 1],
      [1, 0],
      [1, 2],
      [0, 0],
      [2, 2],
      [2, 0],
    ] as const) {
      expect(pointInPolygon(square, x, y), `${x},${y}`).toBe(true);
    }
  });

  it('a point on a slanted edge and on the horizontal ray through a vertex', () => {
    const triangle = compilePolygon([
      [0, 0],
      [4, 0],
      [0, 4],
    ]);
    expect(pointInPolygon(triangle, 2, 2)).toBe(true); // on the hypotenuse
    expect(pointInPolygon(triangle, 2.0001, 2)).toBe(false);
    expect(pointInPolygon(triangle, -1, 4)).toBe(false); // ray passes through the top vertex
    expect(pointInPolygon(triangle, -1, 0)).toBe(false); // ray along the bottom edge
  });

  it('concave and self-intersecting polygons follow the even-odd rule', () => {
    const u = compilePolygon([
      [0, 0],
      [3, 0],
      [3, 3],
      [2, 3],
      [2, 1],
      [1, 1],
      [1, 3],
      [0, 3],
    ]);
    expect(pointInPolygon(u, 1.5, 2)).toBe(false); // in the notch
    expect(pointInPolygon(u, 0.5, 2)).toBe(true);
    // A pentagram drawn in one stroke: its centre is crossed twice by any ray, so even-odd says outside.
    const star = compilePolygon(
      [0, 2, 4, 1, 3].map(
        (k) =>
          [Math.cos(Math.PI / 2 + (k * 2 * Math.PI) / 5), Math.sin(Math.PI / 2 + (k * 2 * Math.PI) / 5)] as [
            number,
            number,
          ],
      ),
    );
    expect(pointInPolygon(star, 0, 0)).toBe(false);
    expect(pointInPolygon(star, 0, 0.8)).toBe(true); // in the top spike
  });

  it('refuses a polygon with fewer than 3 corners or non-finite corners', () => {
    expect(() =>
      compilePolygon([
        [0, 0],
        [1, 1],
      ]),
    ).toThrow(/at least 3 corners/);
    expect(() =>
      compilePolygon([
        [0, 0],
        [1, Number.NaN],
        [1, 0],
      ]),
    ).toThrow(/corner 1/);
  });
});

describe('side of a line and segment intersection', () => {
  it('cross(Q − P, s − P) is positive on the left of P→Q (x right, y up)', () => {
    expect(crossSide(0, 0, 1, 0, 0.5, 1)).toBeGreaterThan(0);
    expect(crossSide(0, 0, 1, 0, 0.5, -1)).toBeLessThan(0);
    expect(crossSide(0, 0, 1, 0, 7, 0)).toBe(0);
  });

  it('closed segments: touching at an end point counts, parallel disjoint does not', () => {
    expect(segmentsIntersect(0, 0, 2, 2, 0, 2, 2, 0)).toBe(true);
    expect(segmentsIntersect(0, 0, 1, 1, 1, 1, 2, 0)).toBe(true);
    expect(segmentsIntersect(0, 0, 1, 0, 2, 0, 3, 0)).toBe(false);
    expect(segmentsIntersect(0, 0, 2, 0, 1, 0, 3, 0)).toBe(true);
    expect(segmentsIntersect(0, 0, 1, 0, 0, 1, 1, 1)).toBe(false);
  });
});
