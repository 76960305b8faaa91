/**
 * One open analyzer track (a journey) as a checkpoint keeps it, and back: its engine states — open
 * visits, presence runs, the heatmap run, line sides and net counts — and the figures its TrackBuffer
 * holds until it ends (§5 "Staff"), so that a restarted gateway ends it with the figures it would have
 * had: its in-crossing included when only its out-crossing comes after the restart.
 *
 * The buffer is trimmed to what can still count (buffer-state.ts). A staff track keeps only that it is
 * staff: it holds nothing and delays nothing.
 */
import type { TrackHandle } from '../analyzer-types.js';
import type { FloorModel } from '../floor-model.js';
import { type BufferState, bufferState, restoreBuffer } from './buffer-state.js';
import { fromMilli, milli, type Scale } from './scale.js';

export interface TrackState {
  id: string;
  first: number;
  last: number;
  samples: number;
  staff: boolean;
  /** Per zone with an open visit or an inside previous sample: zone, open, prevInside, start, lastInside. */
  visit: number[];
  /** prevT, then zone and runStart per zone the track is present in. */
  presence: number[];
  /** prevT, prevCell, runBin, runCell, runSeconds. */
  heat: number[];
  /** hasPrev, prevX, prevY, then per line: side, prevCross, ins, outs, t/x/y of the last in, of the last out. */
  line: number[];
  /** What its TrackBuffer holds, trimmed (buffer-state.ts). */
  buffer: BufferState;
}

const MICRO = 1e6;

/** `releasedUntil` (event s): bins ending at or before it went out and will not be kept by a restart. */
export function trackState(model: FloorModel, track: TrackHandle, scale: Scale, releasedUntil: number): TrackState {
  const state: TrackState = {
    id: track.id,
    first: scale.time(track.firstT),
    last: scale.time(track.lastT),
    samples: track.samples,
    staff: track.staff,
    visit: [],
    presence: [],
    heat: [],
    line: [],
    buffer: [[], [], [], []],
  };
  if (track.staff) return state;
  const { visit, presence, heat, line } = track;
  for (let z = 0; z < model.zones.length; z++) {
    const open = visit.open[z] as number;
    const prevInside = visit.prevInside[z] as number;
    if (open === 1 || prevInside === 1) {
      const times = [scale.time(visit.start[z] as number), scale.time(visit.lastInside[z] as number)];
      state.visit.push(z, open, prevInside, ...times);
    }
    if (presence.present[z] === 1) state.presence.push(z, scale.time(presence.runStart[z] as number));
  }
  state.presence.unshift(scale.time(presence.prevT));
  state.heat = [scale.time(heat.prevT), heat.prevCell, heat.runBin, heat.runCell, milli(heat.runSeconds)];
  state.line = [line.hasPrev ? 1 : 0, milli(line.prevX), milli(line.prevY)];
  for (let l = 0; l < model.lines.length; l++) {
    const ins = line.ins[l] as number;
    const outs = line.outs[l] as number;
    const last = (k: number, count: number) => {
      const o = l * 6 + k;
      if (count === 0) return [0, 0, 0];
      return [scale.time(line.last[o] as number), milli(line.last[o + 1] as number), milli(line.last[o + 2] as number)];
    };
    const cross = Math.round((line.prevCross[l] as number) * MICRO);
    state.line.push(line.side[l] as number, cross, ins, outs, ...last(0, ins), ...last(3, outs));
  }
  state.buffer = bufferState(model, track.buffer, scale, releasedUntil);
  return state;
}

/** Puts a kept state into a fresh handle of the same id (analyzer.track() made it, with `first` as firstT). */
export function restoreTrack(model: FloorModel, handle: TrackHandle, state: TrackState, scale: Scale): void {
  handle.lastT = scale.fromTime(state.last);
  handle.samples = state.samples;
  handle.staff = state.staff;
  if (state.staff) return;
  const { visit, presence, heat, line } = handle;
  const v = state.visit;
  for (let i = 0; i + 4 < v.length; i += 5) {
    const z = v[i] as number;
    visit.open[z] = v[i + 1] as number;
    visit.prevInside[z] = v[i + 2] as number;
    visit.start[z] = scale.fromTime(v[i + 3] as number);
    visit.lastInside[z] = scale.fromTime(v[i + 4] as number);
  }
  const p = state.presence;
  presence.prevT = scale.fromTime(p[0] as number);
  for (let i = 1; i + 1 < p.length; i += 2) {
    presence.present[p[i] as number] = 1;
    presence.runStart[p[i] as number] = scale.fromTime(p[i + 1] as number);
  }
  const [prevT, prevCell, runBin, runCell, runSeconds] = state.heat as [number, number, number, number, number];
  Object.assign(heat, {
    prevT: scale.fromTime(prevT),
    prevCell,
    runBin,
    runCell,
    runSeconds: fromMilli(runSeconds),
  });
  const l = state.line;
  Object.assign(line, {
    hasPrev: l[0] === 1,
    prevX: fromMilli(l[1] as number),
    prevY: fromMilli(l[2] as number),
  });
  for (let k = 0; k < model.lines.length; k++) {
    const o = 3 + k * 10;
    line.side[k] = l[o] as number;
    line.prevCross[k] = (l[o + 1] as number) / MICRO;
    line.ins[k] = l[o + 2] as number;
    line.outs[k] = l[o + 3] as number;
    for (const [at, from] of [
      [0, o + 4],
      [3, o + 7],
    ] as const) {
      line.last[k * 6 + at] = scale.fromTime(l[from] as number);
      line.last[k * 6 + at + 1] = fromMilli(l[from + 1] as number);
      line.last[k * 6 + at + 2] = fromMilli(l[from + 2] as number);
    }
  }
  restoreBuffer(handle.buffer, state.buffer, scale);
}
