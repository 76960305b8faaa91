/**
 * Bins of customer figures (ARCHITECTURE §5 "Bins"): UTC-aligned, bin_s long. BinData is one bin's
 * figures; BinAggregator holds the bins not yet released and takes what ended customer tracks add
 * (bin-figures.ts says which figure goes to which bin) and the groups of their crossings. Only tracks
 * that ended and are not staff reach it; what still-open tracks add to a bin released early is kept
 * per track beside the bin (revisable-bins.ts).
 */
import type { BinTarget } from './bin-figures.js';
import type { FloorModel } from './floor-model.js';
import type { Group } from './groups.js';
import type { HeatGrid } from './heatmap-engine.js';
import { OccupancyBin } from './occupancy-bins.js';

function increment(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

export class BinData {
  readonly dwells: (number[] | undefined)[] = [];
  readonly occupancy: (OccupancyBin | undefined)[] = [];
  readonly lineIn: Int32Array;
  readonly lineOut: Int32Array;
  readonly groupsIn: Int32Array;
  readonly groupsOut: Int32Array;
  heat: Float64Array | null = null;
  readonly transitions = new Map<string, number>();
  readonly paths = new Map<string, number>();
  readonly storeVisits: number[] = [];
  storeOpen = 0;
  /**
   * Set by the live pipeline's stop() on a bin it flushes before the bin was final (its end lies beyond
   * the event-time watermark): its figures are real, but a restarted gateway may continue the bin, so
   * the aggregate store merges the next write of it instead of replacing it (src/aggregate/README.md
   * "Partial bins"). Offline analysis never sets it.
   */
  partial = false;
  /** This bin was handed on before, and these figures replace the earlier ones (§5 "Final figures on time"). */
  revised = false;

  constructor(
    readonly index: number,
    lines: number,
    private readonly cells: number,
  ) {
    this.lineIn = new Int32Array(lines);
    this.lineOut = new Int32Array(lines);
    this.groupsIn = new Int32Array(lines);
    this.groupsOut = new Int32Array(lines);
  }

  occupancyOf(zone: number): OccupancyBin {
    let bin = this.occupancy[zone];
    if (bin === undefined) {
      bin = new OccupancyBin();
      this.occupancy[zone] = bin;
    }
    return bin;
  }

  addDwell(zone: number, seconds: number): void {
    let list = this.dwells[zone];
    if (list === undefined) {
      list = [];
      this.dwells[zone] = list;
    }
    list.push(seconds);
  }

  /** A presence interval touching this bin; `binS` places the bin's edges. */
  addPresence(zone: number, start: number, end: number, closed: boolean, binS: number): void {
    this.occupancyOf(zone).add(start, end, closed, this.index * binS, (this.index + 1) * binS);
  }

  addHeat(cell: number, seconds: number): void {
    if (this.heat === null) this.heat = new Float64Array(this.cells);
    this.heat[cell] = (this.heat[cell] as number) + seconds;
  }

  addCounted(line: number, direction: 1 | -1): void {
    const counts = direction === 1 ? this.lineIn : this.lineOut;
    counts[line] = (counts[line] as number) + 1;
  }

  addGroup(line: number, direction: 1 | -1, by = 1): void {
    const counts = direction === 1 ? this.groupsIn : this.groupsOut;
    counts[line] = (counts[line] as number) + by;
  }

  addTransition(key: string): void {
    increment(this.transitions, key);
  }

  addPath(key: string): void {
    increment(this.paths, key);
  }

  /** Adds every figure of `other`, a bin with the same index (a bin composed of parts). */
  addAll(other: BinData): void {
    other.dwells.forEach((list, zone) => {
      for (const seconds of list ?? []) this.addDwell(zone, seconds);
    });
    other.occupancy.forEach((occupancy, zone) => {
      if (occupancy !== undefined) this.occupancyOf(zone).addAll(occupancy);
    });
    const add = (into: Int32Array, from: Int32Array) => {
      for (let i = 0; i < from.length; i++) into[i] = (into[i] as number) + (from[i] as number);
    };
    add(this.lineIn, other.lineIn);
    add(this.lineOut, other.lineOut);
    add(this.groupsIn, other.groupsIn);
    add(this.groupsOut, other.groupsOut);
    other.heat?.forEach((seconds, cell) => {
      if (seconds !== 0) this.addHeat(cell, seconds);
    });
    for (const [key, count] of other.transitions) increment(this.transitions, key, count);
    for (const [key, count] of other.paths) increment(this.paths, key, count);
    this.storeVisits.push(...other.storeVisits);
    this.storeOpen += other.storeOpen;
  }
}

export class BinAggregator implements BinTarget {
  private readonly bins = new Map<number, BinData>();
  private readonly cells: number;

  constructor(
    private readonly model: FloorModel,
    grid: HeatGrid,
  ) {
    this.cells = grid.cols * grid.rows;
  }

  /** Bin `index`, created empty on first use. */
  bin(index: number): BinData {
    let data = this.bins.get(index);
    if (data === undefined) {
      data = this.empty(index);
      this.bins.set(index, data);
    }
    return data;
  }

  /** A new empty bin of this floor, not held here. */
  empty(index: number): BinData {
    return new BinData(index, this.model.lines.length, this.cells);
  }

  dwell(bin: number, zone: number, seconds: number): void {
    this.bin(bin).addDwell(zone, seconds);
  }

  presence(bin: number, zone: number, start: number, end: number, closed: boolean): void {
    this.bin(bin).addPresence(zone, start, end, closed, this.model.binS);
  }

  heat(bin: number, cell: number, seconds: number): void {
    this.bin(bin).addHeat(cell, seconds);
  }

  counted(bin: number, line: number, direction: 1 | -1): void {
    this.bin(bin).addCounted(line, direction);
  }

  transition(bin: number, key: string): void {
    this.bin(bin).addTransition(key);
  }

  path(bin: number, key: string): void {
    this.bin(bin).addPath(key);
  }

  storeVisit(bin: number, seconds: number): void {
    this.bin(bin).storeVisits.push(seconds);
  }

  storeOpen(bin: number): void {
    this.bin(bin).storeOpen += 1;
  }

  addGroup(group: Group): void {
    this.bin(Math.floor(group.t / this.model.binS)).addGroup(group.line, group.direction);
  }

  /** The bins held now, not taken (the checkpoint's copy). */
  held(): readonly BinData[] {
    return [...this.bins.values()];
  }

  /** Removes and returns, in time order, the bins whose index satisfies `final`. */
  take(final: (index: number) => boolean): BinData[] {
    const taken = [...this.bins.keys()].filter(final).sort((a, b) => a - b);
    return taken.map((index) => {
      const data = this.bins.get(index) as BinData;
      this.bins.delete(index);
      return data;
    });
  }
}
