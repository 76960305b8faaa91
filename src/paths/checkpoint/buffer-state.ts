/**
 * What an open track holds until it ends (its TrackBuffer, §5 "Staff"), as a checkpoint keeps it: visits
 * (zone, start, duration), presence intervals (zone, start, duration, closed), entrance crossings and
 * counted crossings (line, direction, t, x, y), times as deltas from the previous record.
 *
 * Trimmed to what a restart can still count: it keeps no bin that went out (they settle at restore), so
 * presences, counted crossings and visits ending in those are left out — but not visits of area zones
 * (the track's path, counted when it ends, needs them all) — and of the crossings only those of
 * entrance lines stay (store visits need them all).
 *
 * Heatmap seconds are not kept (a decision, for the disk budget: they are two thirds of the state, see
 * README "Checkpoint"); a crash loses the open journeys' heatmap seconds, not their counts.
 */
import type { FloorModel } from '../floor-model.js';
import type { TrackBuffer } from '../track-buffer.js';
import { deltas, fromMilli, milli, type Scale, undeltas } from './scale.js';

/** visits, presences, crossings, counteds. */
export type BufferState = [number[], number[], number[], number[]];

export function bufferState(model: FloorModel, b: TrackBuffer, scale: Scale, releasedUntil: number): BufferState {
  const binS = model.binS;
  const kept = (t: number) => (Math.floor(t / binS) + 1) * binS > releasedUntil;
  const visits: number[] = [];
  for (let i = 0; i < b.visits.length; i += 3) {
    const zone = b.visits[i] as number;
    const end = b.visits[i + 2] as number;
    if (!kept(end) && model.zones[zone]?.kind !== 'area') continue;
    const start = scale.time(b.visits[i + 1] as number);
    visits.push(zone, start, scale.time(end) - start);
  }
  const presences: number[] = [];
  for (let i = 0; i < b.presences.length; i += 4) {
    const end = b.presences[i + 2] as number;
    if (end < releasedUntil) continue;
    const start = scale.time(b.presences[i + 1] as number);
    presences.push(b.presences[i] as number, start, scale.time(end) - start, b.presences[i + 3] as number);
  }
  const crossings = (from: readonly number[], keep: (i: number) => boolean) => {
    const out: number[] = [];
    for (let i = 0; i < from.length; i += 5) {
      if (!keep(i)) continue;
      const [line, direction, t, x, y] = from.slice(i, i + 5) as [number, number, number, number, number];
      out.push(line, direction, scale.time(t), milli(x), milli(y));
    }
    return deltas(out, 5, 2);
  };
  return [
    deltas(visits, 3, 1),
    deltas(presences, 4, 1),
    crossings(b.crossings, (i) => model.lines[b.crossings[i] as number]?.entrance === true),
    crossings(b.counteds, (i) => kept(b.counteds[i + 2] as number)),
  ];
}

/** Puts a kept buffer into the (empty) buffer of a restored track. */
export function restoreBuffer(b: TrackBuffer, state: BufferState, scale: Scale): void {
  const [visits, presences, crossings, counteds] = state.map((values) => [...values]) as BufferState;
  undeltas(visits, 3, 1);
  for (let i = 0; i < visits.length; i += 3) {
    const [zone, start, duration] = visits.slice(i, i + 3) as [number, number, number];
    b.visit(zone, scale.fromTime(start), scale.fromTime(start + duration));
  }
  undeltas(presences, 4, 1);
  for (let i = 0; i < presences.length; i += 4) {
    const [zone, start, duration, closed] = presences.slice(i, i + 4) as [number, number, number, number];
    b.presence(zone, scale.fromTime(start), scale.fromTime(start + duration), closed === 1);
  }
  const each = (from: number[], add: (l: number, d: 1 | -1, t: number, x: number, y: number) => void) => {
    undeltas(from, 5, 2);
    for (let i = 0; i < from.length; i += 5) {
      const [line, direction, t, x, y] = from.slice(i, i + 5) as [number, number, number, number, number];
      add(line, direction === 1 ? 1 : -1, scale.fromTime(t), fromMilli(x), fromMilli(y));
    }
  };
  each(crossings, (...c) => b.crossing(...c));
  each(counteds, (...c) => b.counted(...c));
}
