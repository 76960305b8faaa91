import { describe, expect, it } from 'vitest';
import { FloorAnalyzer } from '../../src/paths/analyzer.js';
import { cellOf, heatGrid } from '../../src/paths/heatmap-engine.js';
import { modelOf, run, track } from './helpers.js';

// Bounds 2 m × 1 m, 0.5 m cells: 4 columns, 2 rows; row 0 at y = 0.
const small = { bounds: { min: [0, 0] as [number, number], max: [2, 1] as [number, number] }, heatmap_cell_m: 0.5 };

describe('§5 Heatmap', () => {
  it('cells are half-open, and the far edges of the bounds belong to the last row and column', () => {
    const grid = heatGrid(modelOf(small));
    expect([grid.cols, grid.rows]).toEqual([4, 2]);
    expect(cellOf(grid, 0, 0)).toBe(0);
    expect(cellOf(grid, 0.4999, 0)).toBe(0);
    expect(cellOf(grid, 0.5, 0)).toBe(1);
    expect(cellOf(grid, 2, 0)).toBe(3);
    expect(cellOf(grid, 0, 0.5)).toBe(4);
    expect(cellOf(grid, 2, 1)).toBe(7);
    expect(cellOf(grid, 2.0001, 1)).toBe(-1);
    expect(cellOf(grid, 1, -0.0001)).toBe(-1);
  });

  it('a grid that does not divide the bounds gets a partial last column; float noise adds none', () => {
    expect(heatGrid(modelOf({ bounds: { min: [0, 0], max: [1.1, 1] }, heatmap_cell_m: 0.5 })).cols).toBe(3);
    expect(heatGrid(modelOf({ bounds: { min: [0, 0], max: [1.1, 0.7] }, heatmap_cell_m: 0.1 }))).toMatchObject({
      cols: 11,
      rows: 7,
    });
  });

  it('min(gap, max_gap_s) goes to the cell of s_i; the last sample adds nothing', () => {
    const r = run(
      small,
      track('p', [
        [0, 0.1, 0.1],
        [1, 0.6, 0.1],
        [11, 2, 1],
        [12, 2, 1],
      ]),
    );
    expect(r.heatmap).toMatchObject({ cell_m: 0.5, origin: [0, 0], cols: 4, rows: 2 });
    expect(r.heatmap.seconds).toEqual([1, 2, 0, 0, 0, 0, 0, 1]);
  });

  it('nothing when s_i is outside the bounds, even when s_i+1 is inside', () => {
    const r = run(
      small,
      track('p', [
        [0, 5, 5],
        [1, 0.1, 0.1],
        [1.5, 5, 5],
      ]),
    );
    expect(r.heatmap.seconds).toEqual([0.5, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('heatmap seconds fall in the bin of t_i', () => {
    const analyzer = new FloorAnalyzer(modelOf(small, {}, 10));
    for (const [t, x] of [
      [9, 0.1],
      [11, 0.1],
      [12, 0.1],
    ] as const)
      analyzer.push('cam', 'p', t, x, 0.1);
    const bins = analyzer.finish();
    expect(bins.map((b) => [b.index, b.heat?.[0]])).toEqual([
      [0, 2],
      [1, 1],
    ]);
  });
});
