/**
 * The two things the stitcher keeps: camera tracks (one camera's ephemeral id for one person) and
 * journeys (one person across the store, made of one or more camera tracks). Plain records, changed only
 * by the stitcher; the engines see journeys through JourneySink.
 */

export interface Journey {
  /** `j<seq>`: numbered in event-time order of their first sample, so a replay numbers them alike. */
  readonly id: string;
  readonly seq: number;
  /** Open camera tracks that belong to this journey. */
  readonly tracks: CameraTrack[];
  /** The track whose samples the journey follows (§ decision: follow one camera, see README). */
  leader: CameraTrack | undefined;
  /** The last sample given to the engines, and the velocity and camera it came with. */
  samples: number;
  lastT: number;
  x: number;
  y: number;
  vx: number;
  vy: number;
  lastCamera: string;
  lastEmitter: CameraTrack | undefined;
  closed: boolean;
}

/** Evidence that a new track is the person of a journey another camera sees (issue 3 "minimum overlap"). */
export interface Evidence {
  samples: number;
  distanceSum: number;
  /** A sample was farther than the gate: not this journey. */
  rejected: boolean;
}

export interface CameraTrack {
  readonly camera: string;
  readonly id: string;
  readonly firstT: number;
  samples: number;
  lastT: number;
  x: number;
  y: number;
  /** Smoothed velocity, m/s, for predicting where the person is at another camera's frame time. */
  vx: number;
  vy: number;
  /** In its camera's latest frame (a frame lists everyone in view). */
  present: boolean;
  ended: boolean;
  journey: Journey | undefined;
  /** While undecided: samples held back (t, x, y triples) and the evidence per candidate journey. */
  pending: number[] | undefined;
  evidence: Map<Journey, Evidence> | undefined;
  /** A journey this track could continue after a gap, found at its first sample. */
  handover: Journey | undefined;
}

export interface JourneySink {
  /** A journey sample in floor metres at event time t (seconds); never older than the journey's last. */
  sample(journey: Journey, t: number, x: number, y: number): void;
  /** The journey ended: no camera has seen the person for `max_gap_s`. */
  end(journey: Journey): void;
}

export interface StitchCounts {
  tracks: number;
  journeys: number;
  /** Tracks joined to a journey another camera was seeing at the time. */
  overlap: number;
  /** Tracks joined to a journey after a gap (views that touch or leave a blind strip). */
  handover: number;
}

/** Weight of the newest step in the velocity estimate: smooths a few cm of noise at 5 fps. */
const VELOCITY_WEIGHT = 0.4;

export function newTrack(camera: string, id: string, t: number, x: number, y: number): CameraTrack {
  return {
    camera,
    id,
    firstT: t,
    samples: 1,
    lastT: t,
    x,
    y,
    vx: 0,
    vy: 0,
    present: true,
    ended: false,
    journey: undefined,
    pending: undefined,
    evidence: undefined,
    handover: undefined,
  };
}

export function updateTrack(track: CameraTrack, t: number, x: number, y: number): void {
  const dt = t - track.lastT;
  if (dt > 0) {
    const vx = (x - track.x) / dt;
    const vy = (y - track.y) / dt;
    const w = track.samples === 1 ? 1 : VELOCITY_WEIGHT;
    track.vx = w * vx + (1 - w) * track.vx;
    track.vy = w * vy + (1 - w) * track.vy;
  }
  track.samples += 1;
  track.lastT = t;
  track.x = x;
  track.y = y;
  track.present = true;
}
