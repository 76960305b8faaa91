/**
 * The heatmap BLOB (src/aggregate/heat-codec.ts): cells round-trip to float32, the packed format is a
 * fraction of the 8-byte pairs it replaced, and BLOBs written in that first format still read.
 */
import { describe, expect, it } from 'vitest';
import { decodeHeat, encodeCells, gridKeyOf } from '../../src/aggregate/heat-codec.js';

const grid = { cell_m: 0.5, origin: [0, 0] as [number, number], cols: 60, rows: 40 };

/** A busy minute: a few hundred cells along walking lines, seconds in multiples of the sample period. */
function busyMinute(): Record<string, number> {
  const cells: Record<string, number> = {};
  for (let i = 0; i < 420; i++) cells[String((i * 37) % 2400)] = 0.4 * ((i % 9) + 1) + (i % 5 === 0 ? 0.013 : 0);
  cells['2399'] = 1234.5678;
  cells['0'] = 0.4;
  return cells;
}

describe('heatmap cells as stored', () => {
  it('round-trip every cell to its float32 value, in a third of the bytes of 8-byte pairs', () => {
    const cells = busyMinute();
    const blob = encodeCells(cells);
    const back = decodeHeat(gridKeyOf(grid), blob);
    expect(back).toMatchObject(grid);
    expect(Object.keys(back.cells).sort()).toEqual(Object.keys(cells).sort());
    for (const [cell, seconds] of Object.entries(cells)) expect(back.cells[cell]).toBe(Math.fround(seconds));
    expect(blob.length).toBeLessThan((Object.keys(cells).length * 8) / 3);
  });

  it('reads BLOBs of the first format: (uint32 index, float32 seconds) pairs', () => {
    const pairs = Buffer.alloc(16);
    pairs.writeUInt32LE(7, 0);
    pairs.writeFloatLE(2.5, 4);
    pairs.writeUInt32LE(2399, 8);
    pairs.writeFloatLE(0.4, 12);
    expect(decodeHeat(gridKeyOf(grid), pairs).cells).toEqual({ '7': 2.5, '2399': Math.fround(0.4) });
  });

  it('stores no cell as no cell', () => {
    expect(decodeHeat(gridKeyOf(grid), encodeCells({})).cells).toEqual({});
  });
});
