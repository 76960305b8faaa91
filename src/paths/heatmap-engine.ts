/**
 * Heatmap (ARCHITECTURE §5 "Heatmap"): a grid of cell_m squares over the floor bounds, origin at the
 * bounds' minimum corner, cells half-open ([x0 + i·c, x0 + (i+1)·c)) except that the far edges of the
 * bounds belong to the last row/column. For consecutive samples s_i, s_i+1 of a track,
 * min(t_i+1 − t_i, max_gap_s) person-seconds go to the cell holding s_i, in the bin of t_i; nothing when
 * s_i is outside the bounds. A track's consecutive samples in the same cell and bin are summed in the
 * track state and emitted as one run, which keeps the per-sample cost to a few arithmetic operations.
 */
import type { FloorModel } from './floor-model.js';
import type { EngineSink } from './sink.js';
import { binIndex } from './stats.js';

export interface HeatGrid {
  readonly originX: number;
  readonly originY: number;
  readonly maxX: number;
  readonly maxY: number;
  readonly cellM: number;
  readonly cols: number;
  readonly rows: number;
}

/** The grid over the bounds. The 1e-9 keeps float noise (1.1 / 0.1 = 11.000000000000002) from adding a column. */
export function heatGrid(model: FloorModel): HeatGrid {
  const { minX, minY, maxX, maxY } = model.bounds;
  const cellM = model.cellM;
  return {
    originX: minX,
    originY: minY,
    maxX,
    maxY,
    cellM,
    cols: Math.max(1, Math.ceil((maxX - minX) / cellM - 1e-9)),
    rows: Math.max(1, Math.ceil((maxY - minY) / cellM - 1e-9)),
  };
}

/** Row-major cell index (row 0 at the bounds' minimum y) or −1 outside the bounds. */
export function cellOf(grid: HeatGrid, x: number, y: number): number {
  if (!(x >= grid.originX && x <= grid.maxX && y >= grid.originY && y <= grid.maxY)) return -1;
  let col = Math.floor((x - grid.originX) / grid.cellM);
  let row = Math.floor((y - grid.originY) / grid.cellM);
  if (col >= grid.cols) col = grid.cols - 1;
  if (row >= grid.rows) row = grid.rows - 1;
  return row * grid.cols + col;
}

export interface HeatState {
  prevT: number;
  prevCell: number;
  runBin: number;
  runCell: number;
  runSeconds: number;
}

export class HeatmapEngine {
  constructor(
    private readonly grid: HeatGrid,
    private readonly maxGapS: number,
    private readonly binS: number,
  ) {}

  createState(): HeatState {
    return { prevT: Number.NaN, prevCell: -1, runBin: 0, runCell: -1, runSeconds: 0 };
  }

  onSample(state: HeatState, t: number, x: number, y: number, sink: EngineSink): void {
    const prevCell = state.prevCell;
    if (prevCell >= 0) {
      const gap = t - state.prevT;
      const seconds = Math.min(gap, this.maxGapS);
      const bin = binIndex(state.prevT, this.binS);
      if (prevCell === state.runCell && bin === state.runBin) {
        state.runSeconds += seconds;
      } else {
        this.flushRun(state, sink);
        state.runCell = prevCell;
        state.runBin = bin;
        state.runSeconds = seconds;
      }
    }
    state.prevT = t;
    state.prevCell = cellOf(this.grid, x, y);
  }

  /** The track ended: its last sample has no successor and adds nothing; the pending run is emitted. */
  close(state: HeatState, sink: EngineSink): void {
    this.flushRun(state, sink);
    state.prevCell = -1;
  }

  /** What close() would emit now, leaving the state as it is (a track's figures as if it ended now). */
  pending(state: HeatState, sink: EngineSink): void {
    if (state.runCell >= 0) sink.heat(state.runBin, state.runCell, state.runSeconds);
  }

  private flushRun(state: HeatState, sink: EngineSink): void {
    this.pending(state, sink);
    state.runCell = -1;
    state.runSeconds = 0;
  }
}
