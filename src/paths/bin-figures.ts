/**
 * What one customer track adds to the bins (ARCHITECTURE §5 "Bins"): a visit counts in the bin where it
 * ends, a crossing in the bin of its time, heatmap seconds in the bin of t_i, occupancy in every bin its
 * presence intervals touch. Decisions where §5 is silent: a transition counts in the bin where the track
 * entered the zone it leads to, a path in the bin of the track's last sample, a store visit in the bin of
 * its out-crossing, an open store visit in the bin of the track's last entrance crossing.
 *
 * The figures go to a BinTarget: the aggregator's bins when a track ends, or per-bin parts of one track
 * (bin-part.ts) when a still-open track's figures are counted in a released bin (§5 "Final figures on
 * time"). `ended: false` leaves out the figures only a track's end decides — its path and an open store
 * visit (the caller also leaves out net-mode crossings, which LineEngine emits only at close).
 */
import type { FloorModel } from './floor-model.js';
import { binsOfInterval } from './occupancy-bins.js';
import { type AreaVisit, buildPath, pathKey } from './paths.js';
import { type EntranceCrossing, storeVisitsOf } from './store-visits.js';
import type { TrackBuffer } from './track-buffer.js';

export interface BinTarget {
  dwell(bin: number, zone: number, seconds: number): void;
  /** A presence interval of the track in `zone` ([start, end], or [start, end) when not closed) touching `bin`. */
  presence(bin: number, zone: number, start: number, end: number, closed: boolean): void;
  heat(bin: number, cell: number, seconds: number): void;
  /** A counted crossing (line counts; its time and point link groups). */
  counted(bin: number, line: number, direction: 1 | -1, t: number, x: number, y: number): void;
  transition(bin: number, key: string): void;
  path(bin: number, key: string): void;
  storeVisit(bin: number, seconds: number): void;
  storeOpen(bin: number): void;
}

export function addTrackFigures(
  model: FloorModel,
  buffer: TrackBuffer,
  lastT: number,
  ended: boolean,
  target: BinTarget,
): void {
  const { binS, zones } = model;
  const binOf = (t: number) => Math.floor(t / binS);
  const areaVisits: AreaVisit[] = [];
  const v = buffer.visits;
  for (let i = 0; i < v.length; i += 3) {
    const zone = v[i] as number;
    const start = v[i + 1] as number;
    const end = v[i + 2] as number;
    target.dwell(binOf(end), zone, end - start);
    if (zones[zone]?.kind === 'area') areaVisits.push({ zone, start, end });
  }
  const p = buffer.presences;
  for (let i = 0; i < p.length; i += 4) {
    const zone = p[i] as number;
    const start = p[i + 1] as number;
    const end = p[i + 2] as number;
    const closed = p[i + 3] === 1;
    const [first, last] = binsOfInterval(start, end, closed, binS);
    for (let k = first; k <= last; k++) target.presence(k, zone, start, end, closed);
  }
  const h = buffer.heats;
  for (let i = 0; i < h.length; i += 3) target.heat(h[i] as number, h[i + 1] as number, h[i + 2] as number);
  const c = buffer.counteds;
  for (let i = 0; i < c.length; i += 5) {
    const t = c[i + 2] as number;
    target.counted(binOf(t), c[i] as number, c[i + 1] === 1 ? 1 : -1, t, c[i + 3] as number, c[i + 4] as number);
  }
  addStoreVisits(model, buffer, ended, target);
  addPath(model, areaVisits, lastT, ended, target);
}

function addStoreVisits(model: FloorModel, buffer: TrackBuffer, ended: boolean, target: BinTarget): void {
  const x = buffer.crossings;
  const crossings: EntranceCrossing[] = [];
  for (let i = 0; i < x.length; i += 5) {
    if (model.lines[x[i] as number]?.entrance === true)
      crossings.push({ direction: x[i + 1] === 1 ? 1 : -1, t: x[i + 2] as number });
  }
  if (crossings.length === 0) return;
  const { visits, open } = storeVisitsOf(crossings);
  for (const visit of visits) target.storeVisit(Math.floor(visit.end / model.binS), visit.end - visit.start);
  if (ended && open > 0)
    target.storeOpen(Math.floor((crossings[crossings.length - 1] as EntranceCrossing).t / model.binS));
}

function addPath(model: FloorModel, areaVisits: AreaVisit[], lastT: number, ended: boolean, target: BinTarget): void {
  if (areaVisits.length === 0) return;
  const { zones, binS } = model;
  const path = buildPath(areaVisits);
  const ids = path.map((entry) => (zones[entry.zone] as { id: string }).id);
  if (ended) target.path(Math.floor(lastT / binS), pathKey(ids));
  for (let i = 1; i < path.length; i++) {
    const to = path[i] as { start: number };
    target.transition(Math.floor(to.start / binS), pathKey([ids[i - 1] as string, ids[i] as string]));
  }
}
