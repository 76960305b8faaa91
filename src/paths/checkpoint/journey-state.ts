/**
 * An open journey and its camera tracks as a checkpoint keeps them, and back. The cameras keep their
 * own track ids while the gateway is down, so a restarted gateway matches their next frames to the
 * restored camera tracks and the journey goes on: one person, one journey, across the restart.
 * Undecided camera tracks (still held back for `min_overlap_s`) are not kept: their camera's next frame
 * starts them again, less the second of samples they held.
 */
import type { CameraTrack, Journey } from '../live/journey-types.js';
import { fromMilli, milli, type Scale } from './scale.js';
import type { TrackState } from './track-state.js';

export interface JourneyState {
  id: string;
  seq: number;
  samples: number;
  /** lastT, x, y, vx, vy of the last sample given to the engines. */
  last: number[];
  lastCamera: string;
  /** Per camera track: camera, id, then lastT, x, y, vx, vy, samples (1 or 2: more), present. */
  cameras: [string, string, ...number[]][];
  /** Index in `cameras` of the leader and of the last emitter; −1 for none. */
  leader: number;
  emitter: number;
  /** The analyzer's track of the journey; null before its first sample. */
  track: TrackState | null;
}

export function journeyState(journey: Journey, scale: Scale, track: TrackState | null): JourneyState {
  const motion = (m: { lastT: number; x: number; y: number; vx: number; vy: number }) => [
    scale.time(m.lastT),
    ...[m.x, m.y, m.vx, m.vy].map(milli),
  ];
  return {
    id: journey.id,
    seq: journey.seq,
    samples: journey.samples,
    last: journey.samples > 0 ? motion(journey) : [],
    lastCamera: journey.lastCamera,
    // Decided tracks need no firstT, and of samples only whether there was more than one (velocity).
    cameras: journey.tracks.map((t) => [t.camera, t.id, ...motion(t), Math.min(t.samples, 2), t.present ? 1 : 0]),
    leader: journey.leader === undefined ? -1 : journey.tracks.indexOf(journey.leader),
    emitter: journey.lastEmitter === undefined ? -1 : journey.tracks.indexOf(journey.lastEmitter),
    track,
  };
}

export function restoreJourney(state: JourneyState, scale: Scale): Journey {
  const [lastT, x, y, vx, vy] = state.last;
  const journey: Journey = {
    id: state.id,
    seq: state.seq,
    tracks: [],
    leader: undefined,
    samples: state.samples,
    lastT: lastT === undefined ? Number.NEGATIVE_INFINITY : scale.fromTime(lastT),
    x: fromMilli(x ?? 0),
    y: fromMilli(y ?? 0),
    vx: fromMilli(vx ?? 0),
    vy: fromMilli(vy ?? 0),
    lastCamera: state.lastCamera,
    lastEmitter: undefined,
    closed: false,
  };
  for (const [camera, id, ...n] of state.cameras) {
    const [tLast, tx, ty, tvx, tvy, samples, present] = n as number[];
    const track: CameraTrack = {
      camera,
      id,
      firstT: scale.fromTime(tLast as number),
      samples: samples as number,
      lastT: scale.fromTime(tLast as number),
      x: fromMilli(tx as number),
      y: fromMilli(ty as number),
      vx: fromMilli(tvx as number),
      vy: fromMilli(tvy as number),
      present: present === 1,
      ended: false,
      journey,
      pending: undefined,
      evidence: undefined,
      handover: undefined,
    };
    journey.tracks.push(track);
  }
  journey.leader = journey.tracks[state.leader];
  journey.lastEmitter = journey.tracks[state.emitter];
  return journey;
}
