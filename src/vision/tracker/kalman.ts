/**
 * The Kalman filter of the tracker: constant velocity on the box state (centre x, centre y, width,
 * height), as SORT and ByteTrack use it. Their process and measurement noises are diagonal and the
 * transition moves each coordinate by its own velocity only, so the 8-state filter is exactly four
 * independent 2-state filters [position, velocity] — which is how it is written here: no matrix library,
 * a few multiplications per coordinate.
 *
 * Time is real time, not frame counts: a gateway camera's frames are irregular (motion gating skips some,
 * the detector drops some when busy), so velocities are in pixels per second and the noise a prediction
 * adds grows with the gap: noise levels are given per frame at ByteTrack's 30 fps and scaled as a random
 * walk in time.
 */
import type { Box } from './box.js';

/** One coordinate: position p, velocity v, and their covariance [[pp, pv], [pv, vv]]. */
export class ConstantVelocity {
  pp: number;
  pv = 0;
  vv: number;
  v = 0;

  constructor(
    public p: number,
    positionVariance: number,
    velocityVariance: number,
  ) {
    this.pp = positionVariance;
    this.vv = velocityVariance;
  }

  /** x ← F x, P ← F P Fᵀ + diag(qp, qv), with F = [[1, dt], [0, 1]]. */
  predict(dt: number, qp: number, qv: number): void {
    this.p += this.v * dt;
    this.pp += 2 * dt * this.pv + dt * dt * this.vv + qp;
    this.pv += dt * this.vv;
    this.vv += qv;
  }

  /** Fuses a measurement z of the position with variance r. */
  update(z: number, r: number): void {
    const s = this.pp + r;
    const kp = this.pp / s;
    const kv = this.pv / s;
    const innovation = z - this.p;
    this.p += kp * innovation;
    this.v += kv * innovation;
    this.vv -= kv * this.pv;
    this.pv *= 1 - kp;
    this.pp *= 1 - kp;
  }

  /** Forgets the velocity (a lost box should not keep growing or shrinking). */
  stop(): void {
    this.v = 0;
  }
}

/** ByteTrack's frame interval, the one its noise weights were tuned at (MOT17, 30 fps). */
const REFERENCE_S = 1 / 30;

export interface KalmanNoise {
  /** Measurement standard deviation, as a fraction of the box size. */
  measurement: number;
  /** Position drift per reference frame, as a fraction of the box size. */
  position: number;
  /** Velocity drift per reference frame, as a fraction of the box size per frame. */
  velocity: number;
}

/** ByteTrack's noise (its kalman_filter.py): position 1/20 and velocity 1/160 of the box size, measurement 1/20. */
export const BYTETRACK_NOISE: KalmanNoise = { measurement: 1 / 20, position: 1 / 20, velocity: 1 / 160 };

/**
 * The tracker's noise: twice ByteTrack's measurement noise and half its drift, i.e. it trusts a single
 * box less and the motion more. Detector boxes jitter in size from frame to frame far more than people
 * change speed; smoothing them gave better-placed boxes on TUD-Campus with the SORT authors' detections
 * (MOTA 63.0 against 61.3 with ByteTrack's noise, same thresholds) and on the synthetic detections
 * (test/vision/tracker/tud-campus.test.ts).
 */
export const TRACKER_NOISE: KalmanNoise = { measurement: 1 / 10, position: 1 / 40, velocity: 1 / 320 };

/** A box as [cx, cy, w, h] filters; x and width scale with the width, y and height with the height. */
export class BoxKalman {
  private readonly axes: [ConstantVelocity, ConstantVelocity, ConstantVelocity, ConstantVelocity];

  constructor(
    box: Box,
    private readonly noise: KalmanNoise,
  ) {
    const [cx, cy, w, h] = centreForm(box);
    const sizes = [w, h, w, h];
    this.axes = [cx, cy, w, h].map((value, i) => {
      const size = sizes[i] as number;
      return new ConstantVelocity(
        value,
        (2 * noise.position * size) ** 2,
        ((10 * noise.velocity * size) / REFERENCE_S) ** 2,
      );
    }) as BoxKalman['axes'];
  }

  predict(dt: number): void {
    const steps = dt / REFERENCE_S;
    const { position, velocity } = this.noise;
    this.axes.forEach((axis, i) => {
      const size = this.size(i);
      axis.predict(dt, (position * size) ** 2 * steps, ((velocity * size) / REFERENCE_S) ** 2 * steps);
    });
  }

  update(box: Box): void {
    const z = centreForm(box);
    this.axes.forEach((axis, i) => {
      axis.update(z[i] as number, (this.noise.measurement * this.size(i)) ** 2);
    });
  }

  /** Keeps the box where it is and its size as it is: for lost tracks and for a still scene. */
  stopSize(): void {
    this.axes[2].stop();
    this.axes[3].stop();
  }

  stopAll(): void {
    for (const axis of this.axes) axis.stop();
  }

  box(): Box {
    const [cx, cy, w, h] = this.axes.map((axis) => axis.p) as [number, number, number, number];
    return [cx - w / 2, cy - h / 2, w, h];
  }

  /** Speed of the centre, pixels per second. */
  speed(): number {
    return Math.hypot(this.axes[0].v, this.axes[1].v);
  }

  /** Width for the x axes, height for the y axes; never below a pixel, so the noise never vanishes. */
  private size(axis: number): number {
    return Math.max(1, this.axes[axis % 2 === 0 ? 2 : 3].p);
  }
}

export function centreForm(box: Box): [number, number, number, number] {
  return [box[0] + box[2] / 2, box[1] + box[3] / 2, box[2], box[3]];
}
