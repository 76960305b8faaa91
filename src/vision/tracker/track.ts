/**
 * One track of the box tracker: its Kalman filter, how often it was seen, whether it is confirmed and
 * whether it has stood still for `stationary_s` (Frigate's "stationary objects").
 */
import { type Box, type Detection, footPoint } from './box.js';
import { BoxKalman, type KalmanNoise } from './kalman.js';

export type TrackState = 'tentative' | 'tracked' | 'lost';

export class Track {
  /** 0 until confirmed: ids are given out at confirmation, so a tentative track that dies costs none. */
  id = 0;
  state: TrackState = 'tentative';
  hits = 1;
  score: number;
  /** Event time (ms) of the last detection matched to it. */
  seenTs: number;
  private readonly kalman: BoxKalman;
  private anchor: { x: number; y: number; ts: number };

  constructor(detection: Detection, ts: number, noise: KalmanNoise) {
    this.kalman = new BoxKalman(detection.box, noise);
    this.score = detection.score;
    this.seenTs = ts;
    const [x, y] = footPoint(detection.box);
    this.anchor = { x, y, ts };
  }

  get box(): Box {
    return this.kalman.box();
  }

  predict(dt: number): void {
    // ByteTrack: a box nobody sees keeps its size; its centre may coast on.
    if (this.state === 'lost') this.kalman.stopSize();
    this.kalman.predict(dt);
  }

  /** A matched detection: fuse it, count the hit, and restart the stillness clock if the person moved. */
  update(detection: Detection, ts: number, moveFraction: number): void {
    this.kalman.update(detection.box);
    this.score = detection.score;
    this.seenTs = ts;
    this.hits++;
    if (this.state === 'lost') this.state = 'tracked';
    this.followStillness(ts, moveFraction);
  }

  /** A still scene (motion gating skipped the detector): the person is where they were, and seen now. */
  hold(ts: number, moveFraction: number): void {
    this.kalman.stopAll();
    this.seenTs = ts;
    this.followStillness(ts, moveFraction);
  }

  isStationary(ts: number, stationaryS: number): boolean {
    return ts - this.anchor.ts >= stationaryS * 1000;
  }

  private followStillness(ts: number, moveFraction: number): void {
    const box = this.kalman.box();
    const [x, y] = footPoint(box);
    if (Math.hypot(x - this.anchor.x, y - this.anchor.y) > moveFraction * box[3]) this.anchor = { x, y, ts };
  }
}
