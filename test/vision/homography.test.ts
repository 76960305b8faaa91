/**
 * Calibration on zara01's real homography (H.txt, image → ground metres): points projected with it are
 * fed back as calibration pairs, and the normalised DLT must recover H.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  applyHomography,
  CalibrationError,
  calibrate,
  computeHomography,
  type Matrix3,
  type PointPair,
} from '../../src/vision/homography.js';

const zaraH = readFileSync(new URL('../fixtures/zara01/H.txt', import.meta.url), 'utf8')
  .trim()
  .split(/\s+/)
  .map(Number) as Matrix3;

function pairsFrom(h: Matrix3, image: [number, number][]): PointPair[] {
  return image.map((p) => ({ image: p, floor: applyHomography(h, p[0], p[1]) }));
}

function expectSameHomography(found: Matrix3, expected: Matrix3, digits: number): void {
  const scale = expected[8];
  found.forEach((v, i) => {
    expect(v, `h[${i}]`).toBeCloseTo((expected[i] as number) / scale, digits);
  });
}

// The 720×576 frame of zara01 (H.txt takes [row, col]; any 2-D pixel convention works the same).
const grid: [number, number][] = [];
for (let r = 0; r <= 576; r += 144) for (let c = 0; c <= 720; c += 180) grid.push([r, c]);

describe('homography by normalised DLT', () => {
  it('recovers zara01’s H from 25 projected points, with reprojection error ~0', () => {
    expect(zaraH).toHaveLength(9);
    const calibration = calibrate(pairsFrom(zaraH, grid));
    expectSameHomography(calibration.matrix, zaraH, 12);
    expect(calibration.meanErrorM).toBeLessThan(1e-9);
    expect(calibration.maxErrorM).toBeLessThan(1e-9);
  });

  it('recovers it from exactly 4 points (the minimum)', () => {
    const h = computeHomography(
      pairsFrom(zaraH, [
        [0, 0],
        [576, 0],
        [576, 720],
        [0, 720],
      ]),
    );
    expectSameHomography(h, zaraH, 10);
  });

  it('recovers a strongly projective homography too (zara01’s H is nearly affine)', () => {
    const perspective: Matrix3 = [1.2, 0.1, 3, -0.2, 0.9, 1, 0.0004, 0.0007, 1];
    const h = computeHomography(pairsFrom(perspective, grid));
    expectSameHomography(h, perspective, 10);
    const [x, y] = applyHomography(h, 100, 200);
    const [ex, ey] = applyHomography(perspective, 100, 200);
    expect(x).toBeCloseTo(ex, 9);
    expect(y).toBeCloseTo(ey, 9);
  });

  it('reports the reprojection error of noisy floor points in metres', () => {
    let seed = 7;
    const noise = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return (seed / 2 ** 31 - 0.5) * 0.04; // ±2 cm
    };
    const pairs = pairsFrom(zaraH, grid).map((p) => ({
      ...p,
      floor: [p.floor[0] + noise(), p.floor[1] + noise()] as [number, number],
    }));
    const calibration = calibrate(pairs);
    expect(calibration.meanErrorM).toBeGreaterThan(0.001);
    expect(calibration.meanErrorM).toBeLessThan(0.02);
    expect(calibration.maxErrorM).toBeGreaterThanOrEqual(calibration.meanErrorM);
    expect(calibration.maxErrorM).toBeLessThan(0.04);
  });

  it('refuses degenerate inputs with a clear error', () => {
    const onALine: [number, number][] = [
      [0, 0],
      [100, 100],
      [200, 200],
      [300, 300],
      [400, 400],
    ];
    expect(() => computeHomography(pairsFrom(zaraH, onALine))).toThrow(/all 5 image points lie on one line/);
    expect(() =>
      computeHomography(
        pairsFrom(zaraH, [
          [0, 0],
          [100, 0],
          [200, 0],
          [0, 100],
        ]),
      ),
    ).toThrow(/image points 1, 2 and 3 lie on one line/);
    expect(() =>
      computeHomography(
        pairsFrom(zaraH, [
          [0, 0],
          [1, 0],
          [0, 1],
        ]),
      ),
    ).toThrow(/at least 4 point pairs, got 3/);
    const same = { image: [5, 5] as [number, number], floor: [1, 1] as [number, number] };
    expect(() => computeHomography([same, same, same, same])).toThrow(/all image points are the same point/);
    expect(() => computeHomography([{ image: [Number.NaN, 0], floor: [0, 0] }, same, same, same])).toThrow(
      /point 1: image and floor must be finite/,
    );
    expect(() => computeHomography(pairsFrom(zaraH, onALine))).toThrow(CalibrationError);
  });
});
