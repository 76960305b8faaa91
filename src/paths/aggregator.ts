/**
 * Bins of customer figures (ARCHITECTURE §5 "Bins"): UTC-aligned, bin_s long. A visit counts in the bin
 * where it ends, a crossing in the bin of its time, heatmap seconds in the bin of t_i, occupancy per bin
 * from presence intervals, a group in the bin of its earliest member. Decisions where §5 is silent: a
 * transition counts in the bin where the track entered the zone it leads to, a path in the bin of the
 * track's last sample, a store visit in the bin of its out-crossing. Only tracks that ended and are not
 * staff are added, so every figure here is final for those tracks.
 */
import type { FloorModel } from './floor-model.js';
import type { Group } from './groups.js';
import type { HeatGrid } from './heatmap-engine.js';
import { binsOfInterval, OccupancyBin } from './occupancy-bins.js';
import { type AreaVisit, buildPath, pathKey } from './paths.js';
import { type EntranceCrossing, storeVisitsOf } from './store-visits.js';
import type { TrackBuffer } from './track-buffer.js';

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

  constructor(
    readonly index: number,
    lines: number,
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
}

function increment(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

export class BinAggregator {
  private readonly bins = new Map<number, BinData>();
  private readonly cells: number;

  constructor(
    private readonly model: FloorModel,
    grid: HeatGrid,
  ) {
    this.cells = grid.cols * grid.rows;
  }

  bin(index: number): BinData {
    let data = this.bins.get(index);
    if (data === undefined) {
      data = new BinData(index, this.model.lines.length);
      this.bins.set(index, data);
    }
    return data;
  }

  /** Adds the held contributions of a customer track that has ended; `lastT` is its last sample. */
  addTrack(buffer: TrackBuffer, lastT: number): void {
    const { binS, zones, lines } = this.model;
    const binOf = (t: number) => Math.floor(t / binS);
    const areaVisits: AreaVisit[] = [];
    const v = buffer.visits;
    for (let i = 0; i < v.length; i += 3) {
      const zone = v[i] as number;
      const start = v[i + 1] as number;
      const end = v[i + 2] as number;
      const data = this.bin(binOf(end));
      let list = data.dwells[zone];
      if (list === undefined) {
        list = [];
        data.dwells[zone] = list;
      }
      list.push(end - start);
      if (zones[zone]?.kind === 'area') areaVisits.push({ zone, start, end });
    }
    const p = buffer.presences;
    for (let i = 0; i < p.length; i += 4) {
      const zone = p[i] as number;
      const start = p[i + 1] as number;
      const end = p[i + 2] as number;
      const closed = p[i + 3] === 1;
      const [first, last] = binsOfInterval(start, end, closed, binS);
      for (let k = first; k <= last; k++)
        this.bin(k)
          .occupancyOf(zone)
          .add(start, end, closed, k * binS, (k + 1) * binS);
    }
    const h = buffer.heats;
    for (let i = 0; i < h.length; i += 3) {
      const data = this.bin(h[i] as number);
      if (data.heat === null) data.heat = new Float64Array(this.cells);
      const cell = h[i + 1] as number;
      data.heat[cell] = (data.heat[cell] as number) + (h[i + 2] as number);
    }
    const c = buffer.counteds;
    for (let i = 0; i < c.length; i += 5) {
      const data = this.bin(binOf(c[i + 2] as number));
      const line = c[i] as number;
      const counts = c[i + 1] === 1 ? data.lineIn : data.lineOut;
      counts[line] = (counts[line] as number) + 1;
    }
    this.addStoreVisits(
      buffer,
      lines.map((line) => line.entrance),
    );
    this.addPath(areaVisits, lastT);
  }

  addGroup(group: Group): void {
    const data = this.bin(Math.floor(group.t / this.model.binS));
    const counts = group.direction === 1 ? data.groupsIn : data.groupsOut;
    counts[group.line] = (counts[group.line] as number) + 1;
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

  private addStoreVisits(buffer: TrackBuffer, entrance: readonly boolean[]): void {
    const x = buffer.crossings;
    const crossings: EntranceCrossing[] = [];
    for (let i = 0; i < x.length; i += 5) {
      if (entrance[x[i] as number] === true)
        crossings.push({ direction: x[i + 1] === 1 ? 1 : -1, t: x[i + 2] as number });
    }
    if (crossings.length === 0) return;
    const { visits, open } = storeVisitsOf(crossings);
    for (const visit of visits)
      this.bin(Math.floor(visit.end / this.model.binS)).storeVisits.push(visit.end - visit.start);
    if (open > 0)
      this.bin(Math.floor((crossings[crossings.length - 1] as EntranceCrossing).t / this.model.binS)).storeOpen += open;
  }

  private addPath(areaVisits: AreaVisit[], lastT: number): void {
    if (areaVisits.length === 0) return;
    const { zones, binS } = this.model;
    const path = buildPath(areaVisits);
    const ids = path.map((entry) => (zones[entry.zone] as { id: string }).id);
    increment(this.bin(Math.floor(lastT / binS)).paths, pathKey(ids));
    for (let i = 1; i < path.length; i++) {
      const to = path[i] as { start: number };
      increment(this.bin(Math.floor(to.start / binS)).transitions, pathKey([ids[i - 1] as string, ids[i] as string]));
    }
  }
}
