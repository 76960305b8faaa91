/**
 * Heatmap cells as stored (ARCHITECTURE §6: the SD card holds the time series for years; §10: it must
 * not wear out). A bin's cells are a BLOB: the magic `FF 4F 48 32`, then, deflated (zlib raw), the cell
 * indices in ascending order as unsigned LEB128 deltas followed by one float32 (little-endian) of
 * person-seconds per cell. float32 keeps 24 bits of mantissa: a relative error below 6e-8 per stored
 * value (60 µs on a cell with 1,000 person-seconds), far finer than a heatmap is read at. A busy demo
 * minute touches ≈ 420 cells: 1.1 KB this way, 3.4 KB as the plain (uint32 index, float32) pairs of
 * the first format — and the cells are most of a minute bin's bytes, so most of what a bin writes.
 *
 * BLOBs of the first format (8 bytes a cell, no magic) are still read: their first word is a cell index,
 * below the grid's cols × rows, which the magic read as a little-endian uint32 (843,599,871) never is on
 * a grid small enough to hold in memory.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { HeatmapCells } from './records.js';

const MAGIC = Buffer.from([0xff, 0x4f, 0x48, 0x32]);

export function gridKeyOf(heat: Pick<HeatmapCells, 'cell_m' | 'origin' | 'cols' | 'rows'>): string {
  return `${heat.cell_m}|${heat.origin[0]}|${heat.origin[1]}|${heat.cols}|${heat.rows}`;
}

export function encodeCells(cells: Readonly<Record<string, number>>): Buffer {
  const entries = Object.entries(cells)
    .map(([cell, seconds]) => [Number(cell), seconds] as const)
    .sort((a, b) => a[0] - b[0]);
  const deltas: number[] = [];
  const seconds = Buffer.alloc(entries.length * 4);
  let previous = 0;
  entries.forEach(([cell, value], i) => {
    let delta = cell - previous;
    previous = cell;
    while (delta >= 0x80) {
      deltas.push((delta & 0x7f) | 0x80);
      delta = Math.floor(delta / 0x80);
    }
    deltas.push(delta);
    seconds.writeFloatLE(value, i * 4);
  });
  const count = Buffer.alloc(4);
  count.writeUInt32LE(entries.length);
  return Buffer.concat([MAGIC, deflateRawSync(Buffer.concat([count, Buffer.from(deltas), seconds]))]);
}

export function decodeHeat(grid: string, blob: Buffer): HeatmapCells {
  const [cellM, ox, oy, cols, rows] = grid.split('|').map(Number);
  const size = (cols as number) * (rows as number);
  const packed = blob.length >= 4 && blob.subarray(0, 4).equals(MAGIC) && blob.readUInt32LE(0) >= size;
  return {
    cell_m: cellM as number,
    origin: [ox as number, oy as number],
    cols: cols as number,
    rows: rows as number,
    cells: packed ? unpack(inflateRawSync(blob.subarray(4))) : pairs(blob),
  };
}

function unpack(data: Buffer): Record<string, number> {
  const count = data.readUInt32LE(0);
  const cells: Record<string, number> = {};
  let at = 4;
  const indices: number[] = [];
  let previous = 0;
  for (let i = 0; i < count; i++) {
    let delta = 0;
    let scale = 1;
    for (;;) {
      const byte = data[at++] as number;
      delta += (byte & 0x7f) * scale;
      if (byte < 0x80) break;
      scale *= 0x80;
    }
    previous += delta;
    indices.push(previous);
  }
  indices.forEach((cell, i) => {
    cells[String(cell)] = data.readFloatLE(at + i * 4);
  });
  return cells;
}

/** The first format: (uint32 index, float32 seconds) pairs. */
function pairs(blob: Buffer): Record<string, number> {
  const cells: Record<string, number> = {};
  for (let offset = 0; offset + 8 <= blob.length; offset += 8) {
    cells[String(blob.readUInt32LE(offset))] = blob.readFloatLE(offset + 4);
  }
  return cells;
}
