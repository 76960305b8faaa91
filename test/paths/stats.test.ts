import { describe, expect, it } from 'vitest';
import { binIndex, binStartIso, nearestRank, summarize } from '../../src/paths/stats.js';

describe('nearest-rank percentiles (the smallest value with at least q·n values at or below it)', () => {
  it('picks values, never interpolates', () => {
    const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(nearestRank(ten, 50)).toBe(5);
    expect(nearestRank(ten, 90)).toBe(9);
    expect(nearestRank(ten, 100)).toBe(10);
    expect(nearestRank([7], 50)).toBe(7);
    expect(nearestRank([1, 2, 3], 50)).toBe(2);
    expect(nearestRank([1, 2, 3, 4], 50)).toBe(2);
    expect(nearestRank([1, 2, 3, 4, 5, 6, 7], 90)).toBe(7);
  });

  it('is exact where q·n in floating point lands just above an integer', () => {
    expect(0.55 * 100).toBeGreaterThan(55); // the trap: ceil(0.55 · 100) would give rank 56
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(nearestRank(hundred, 55)).toBe(55);
    expect(nearestRank(hundred, 90)).toBe(90);
  });

  it('handles ties and refuses a non-integer percent', () => {
    expect(nearestRank([1, 5, 5, 5, 9], 50)).toBe(5);
    expect(nearestRank([], 50)).toBe(0);
    expect(() => nearestRank([1], 0.5)).toThrow(/integer/);
  });

  it('summarize gives total, mean, p50, p90, and zeros for no values', () => {
    expect(summarize([4, 1, 3, 2])).toEqual({ total: 10, mean: 2.5, p50: 2, p90: 4 });
    expect(summarize([])).toEqual({ total: 0, mean: 0, p50: 0, p90: 0 });
  });
});

describe('UTC-aligned bins', () => {
  it('bins by floor(t / bin_s) and names them by their ISO start', () => {
    expect(binIndex(59.999, 60)).toBe(0);
    expect(binIndex(60, 60)).toBe(1);
    expect(binIndex(-0.5, 60)).toBe(-1);
    expect(binStartIso(binIndex(1_700_000_123, 60), 60)).toBe('2023-11-14T22:15:00.000Z');
  });
});
