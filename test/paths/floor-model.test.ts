import { describe, expect, it } from 'vitest';
import { compileFloor } from '../../src/paths/floor-model.js';
import { rect } from './helpers.js';

describe('compileFloor', () => {
  it('fills every §5 default for plain objects', () => {
    const model = compileFloor({
      zones: [{ id: 'a', kind: 'area', polygon: rect(0, 0, 1, 1) }],
      lines: [{ id: 'l', from: [0, 0], to: [1, 0] }],
    });
    expect(model.zones[0]).toMatchObject({ exitGraceS: 1, minDwellS: 0, dwellThresholdS: 10, staleS: 2 });
    expect(model.lines[0]).toMatchObject({ mode: 'net', entrance: false });
    expect(model).toMatchObject({ cellM: 0.5, maxGapS: 2, binS: 60, groupWindowS: 2, groupDistanceM: 1.5 });
    expect(model.bounds).toEqual({ minX: 0, minY: 0, maxX: 30, maxY: 20 });
    expect(compileFloor({}, { bin_s: 900 }, 10).binS).toBe(10);
  });

  it('refuses what it cannot analyse, naming the key', () => {
    const zone = { id: 'a', kind: 'area' as const, polygon: rect(0, 0, 1, 1) };
    expect(() => compileFloor({ zones: [zone, zone] })).toThrow('floor.zones: id a is used twice');
    expect(() =>
      compileFloor({
        zones: [
          {
            ...zone,
            polygon: [
              [0, 0],
              [1, 1],
            ],
          },
        ],
      }),
    ).toThrow(/floor.zones\[0\].polygon \(zone a\): a polygon needs at least 3 corners/);
    expect(() => compileFloor({ zones: [{ ...zone, exit_grace_s: -1 }] })).toThrow(
      'floor.zones[0].exit_grace_s must be a number ≥ 0, got -1',
    );
    expect(() => compileFloor({ zones: [{ ...zone, kind: 'shop' as never }] })).toThrow(
      /floor.zones\[0\].kind must be one of area/,
    );
    expect(() => compileFloor({ lines: [{ id: 'l', from: [1, 1], to: [1, 1] }] })).toThrow(
      /floor.lines\[0\] \(line l\): from and to are the same point/,
    );
    expect(() => compileFloor({ bounds: { min: [0, 0], max: [0, 5] } })).toThrow(
      /floor.bounds: max must be greater than min/,
    );
    expect(() => compileFloor({ heatmap_cell_m: 0 })).toThrow('floor.heatmap_cell_m must be greater than 0');
    expect(() => compileFloor({}, {}, 0)).toThrow('--bin must be greater than 0');
  });
});
