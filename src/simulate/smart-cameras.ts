/**
 * Smart footfall cameras: every frame (5 Hz) they report the people inside their coverage polygon in
 * floor metres, with a few centimetres of position noise. Track ids are the camera's own: a person gets
 * a fresh id from each camera, and a fresh one when they come back into view — unless they were out of
 * sight for under a second, which a tracker bridges (its "lost track" buffer).
 */
import type { CameraPlan } from './floor-plan.js';
import { boundingBox, insidePolygon, type Polygon, type Vec } from './geometry.js';
import type { SimulatedMessage } from './messages.js';
import type { Random } from './random.js';

/** Per-axis position error of a calibrated ceiling camera, metres (standard deviation). */
export const CAMERA_NOISE_M = 0.05;
const LOST_TRACK_MS = 1000;

export interface Body {
  id: string;
  position: Vec;
}

interface TrackState {
  trackId: string;
  lastSeenMs: number;
}

export class SmartCamera {
  private readonly tracks = new Map<string, TrackState>();
  private readonly box;
  private nextTrack: number;
  private frame = 0;

  /** `ordinal`: the camera's place among the smart cameras; it keeps their id ranges apart. */
  constructor(
    private readonly plan: CameraPlan & { coverage: Polygon },
    ordinal: number,
    private readonly random: Random,
  ) {
    this.box = boundingBox(plan.coverage);
    // Cameras number their tracks from wherever their counter stands, not from 1; each camera in its
    // own million, so one person never gets the same id from two cameras.
    this.nextTrack = (ordinal + 1) * 1_000_000 + random.int(1, 90_000);
  }

  get deviceId(): string {
    return this.plan.deviceId;
  }

  sees(position: Vec): boolean {
    const [x, y] = position;
    if (x < this.box.min[0] || y < this.box.min[1] || x > this.box.max[0] || y > this.box.max[1]) return false;
    return insidePolygon(position, this.plan.coverage);
  }

  capture(nowMs: number, bodies: readonly Body[]): SimulatedMessage {
    const people: { id: string; x: number; y: number }[] = [];
    for (const body of bodies) {
      if (!this.sees(body.position)) continue;
      let track = this.tracks.get(body.id);
      if (track === undefined || nowMs - track.lastSeenMs > LOST_TRACK_MS) {
        track = { trackId: String(this.nextTrack++), lastSeenMs: nowMs };
        this.tracks.set(body.id, track);
      }
      track.lastSeenMs = nowMs;
      people.push({
        id: track.trackId,
        x: round3(body.position[0] + this.random.normal(0, CAMERA_NOISE_M)),
        y: round3(body.position[1] + this.random.normal(0, CAMERA_NOISE_M)),
      });
    }
    for (const [body, track] of this.tracks) {
      if (nowMs - track.lastSeenMs > LOST_TRACK_MS) this.tracks.delete(body);
    }
    const { deviceId, kind } = this.plan;
    return {
      at: nowMs,
      deviceId,
      kind,
      stream: 'tracks',
      event: { deviceId, kind, ts: nowMs, space: 'floor', frame: this.frame++, people },
    };
  }
}

const round3 = (value: number): number => Math.round(value * 1000) / 1000;
