/** The Hungarian assignment against brute force over every matching of small random matrices. */
import { describe, expect, it } from 'vitest';
import { Random } from '../../../src/simulate/random.js';
import { assignBelow } from '../../../src/vision/tracker/assignment.js';

/** Least Σ (cost − limit) over every partial matching, by trying them all. */
function bruteForce(cost: number[][], limit: number): number {
  const cols = cost[0]?.length ?? 0;
  const best = (row: number, used: Set<number>): number => {
    if (row === cost.length) return 0;
    let value = best(row + 1, used);
    for (let c = 0; c < cols; c++) {
      const pair = (cost[row] as number[])[c] as number;
      if (used.has(c) || !(pair < limit)) continue;
      used.add(c);
      value = Math.min(value, pair - limit + best(row + 1, used));
      used.delete(c);
    }
    return value;
  };
  return best(0, new Set());
}

describe('assignBelow', () => {
  it('finds the optimum of every small matrix, rectangular either way, with forbidden pairs', () => {
    const random = new Random(9);
    for (let trial = 0; trial < 300; trial++) {
      const rows = random.int(1, 5);
      const cols = random.int(1, 5);
      const cost = Array.from({ length: rows }, () =>
        Array.from({ length: cols }, () => (random.chance(0.2) ? Number.POSITIVE_INFINITY : random.uniform(0, 1))),
      );
      const limit = random.pick([0.3, 0.7, 1e9]);
      const pairs = assignBelow(cost, limit);
      expect(new Set(pairs.map(([r]) => r)).size).toBe(pairs.length);
      expect(new Set(pairs.map(([, c]) => c)).size).toBe(pairs.length);
      const total = pairs.reduce((sum, [r, c]) => sum + ((cost[r] as number[])[c] as number) - limit, 0);
      const best = bruteForce(cost, limit);
      expect(Math.abs(total - best)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(best)));
    }
  });

  it('returns nothing for an empty side', () => {
    expect(assignBelow([], 1)).toEqual([]);
    expect(assignBelow([[], []], 1)).toEqual([]);
  });
});
