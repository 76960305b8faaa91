/**
 * Heatmap cells as stored (ARCHITECTURE §6: the SD card holds the time series for years). A bin's
 * cells are a BLOB of (uint32 cell index, float32 person-seconds) pairs, little-endian, 8 bytes a
 * cell — a third of their JSON text — and the grid a short text key. float32 keeps 24 bits of
 * mantissa: a relative error below 6e-8 per stored value (60 µs on a cell with 1,000 person-seconds),
 * far finer than a heatmap is read at. Sizes: a busy minute touches a few hundred cells (≈2-3 KB);
 * an hour or day row holds at most every cell of the grid (a 30 × 20 m floor at 0.5 m: 19 KB).
 */
import type { HeatmapCells } from './records.js';

export function gridKeyOf(heat: Pick<HeatmapCells, 'cell_m' | 'origin' | 'cols' | 'rows'>): string {
  return `${heat.cell_m}|${heat.origin[0]}|${heat.origin[1]}|${heat.cols}|${heat.rows}`;
}

export function encodeCells(cells: Readonly<Record<string, number>>): Buffer {
  const entries = Object.entries(cells);
  const buffer = Buffer.alloc(entries.length * 8);
  entries.forEach(([cell, seconds], i) => {
    buffer.writeUInt32LE(Number(cell), i * 8);
    buffer.writeFloatLE(seconds, i * 8 + 4);
  });
  return buffer;
}

export function decodeHeat(grid: string, blob: Buffer): HeatmapCells {
  const [cellM, ox, oy, cols, rows] = grid.split('|').map(Number);
  const cells: Record<string, number> = {};
  for (let offset = 0; offset + 8 <= blob.length; offset += 8) {
    cells[String(blob.readUInt32LE(offset))] = blob.readFloatLE(offset + 4);
  }
  return {
    cell_m: cellM as number,
    origin: [ox as number, oy as number],
    cols: cols as number,
    rows: rows as number,
    cells,
  };
}
