/**
 * compileFloor translates the validated config: every §5 default comes from the config schema (a floor
 * written with ids and shapes only gets them), and what the engines cannot analyse is refused by the
 * loader, naming the key, before any model is built.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { compileFloor } from '../../src/paths/floor-model.js';
import { configOf, rect } from './helpers.js';

describe('compileFloor', () => {
  it('takes every §5 default from the schema', () => {
    const config = parseConfig(
      `store: { id: s }
gateway: { id: g }
floor:
  zones: [{ id: a, kind: area, polygon: [[0, 0], [1, 0], [1, 1], [0, 1]] }]
  lines: [{ id: l, from: [0, 0], to: [1, 0] }]
`,
      'defaults.yaml',
      { env: {} },
    );
    const model = compileFloor(config.floor, config.analysis);
    expect(model.zones[0]).toMatchObject({ exitGraceS: 1, minDwellS: 0, dwellThresholdS: 10, staleS: 2 });
    expect(model.lines[0]).toMatchObject({ mode: 'net', entrance: false });
    expect(model).toMatchObject({ cellM: 0.5, maxGapS: 2, binS: 60, groupWindowS: 2, groupDistanceM: 1.5 });
    expect(model.bounds).toEqual({ minX: 0, minY: 0, maxX: 30, maxY: 20 });
    expect(config.analysis.max_hold_s).toBe(600);
    expect(compileFloor(config.floor, { ...config.analysis, bin_s: 900 }, 10).binS).toBe(10);
  });

  it('what the engines cannot analyse never reaches them: the loader refuses it, naming the key', () => {
    const zone = { id: 'a', kind: 'area' as const, polygon: rect(0, 0, 1, 1) };
    expect(() => configOf({ zones: [zone, { ...zone, polygon: rect(2, 2, 3, 3) }] })).toThrow(/floor\.zones\[1\]\.id/);
    expect(() => configOf({ zones: [{ ...zone, exit_grace_s: -1 }] })).toThrow(/floor\.zones\[0\]\.exit_grace_s/);
    expect(() => configOf({ zones: [{ ...zone, kind: 'shop' as never }] })).toThrow(/floor\.zones\[0\]\.kind/);
    expect(() => configOf({ lines: [{ id: 'l', from: [1, 1], to: [1, 1] }] })).toThrow(/floor\.lines\[0\]\.to/);
    expect(() => configOf({ bounds: { min: [0, 0], max: [0, 5] } })).toThrow(/floor\.bounds\.max/);
    expect(() => configOf({ heatmap_cell_m: 0 })).toThrow(/floor\.heatmap_cell_m/);
    expect(() => configOf({}, { max_hold_s: 30 })).toThrow(/analysis\.max_hold_s = 30: must be at least 60/);
  });
});
