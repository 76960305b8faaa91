/**
 * One body moving over the floor: it walks a list of waypoints at its own pace and, when it has
 * arrived, stands and sways a little around where it stopped, as people do in front of a shelf.
 * Positions are the truth the cameras sample and the ground truth records (noise is the cameras' part).
 */
import { add, distance, lerp, sub, unit, type Vec } from './geometry.js';
import type { Random } from './random.js';

/** Sway: an AR(1) wander around the standing point, about 6 cm standard deviation. */
const SWAY_KEEP = 0.95;
const SWAY_STEP_M = 0.02;

export class Walker {
  position: Vec;
  heading: Vec = [0, 1];
  private legs: Vec[] = [];
  private standing: Vec;
  private sway: Vec = [0, 0];

  constructor(
    start: Vec,
    /** Metres per second on the move. */
    readonly speed: number,
  ) {
    this.position = start;
    this.standing = start;
  }

  /** Replaces the current walk by these waypoints (the last one is where to stop). */
  walk(waypoints: readonly Vec[]): void {
    this.legs = [...waypoints];
    this.sway = [0, 0];
  }

  get arrived(): boolean {
    return this.legs.length === 0;
  }

  /** Where the walk ends (the current position when standing). */
  get destination(): Vec {
    return this.legs[this.legs.length - 1] ?? this.standing;
  }

  step(dt: number, random: Random, swaying: boolean): void {
    if (this.legs.length > 0) {
      this.advance(this.speed * dt * random.uniform(0.92, 1.08));
      return;
    }
    if (!swaying) {
      this.position = this.standing;
      return;
    }
    this.sway = [
      SWAY_KEEP * this.sway[0] + random.normal(0, SWAY_STEP_M),
      SWAY_KEEP * this.sway[1] + random.normal(0, SWAY_STEP_M),
    ];
    this.position = add(this.standing, this.sway);
  }

  private advance(budget: number): void {
    let left = budget;
    let at = this.position;
    while (left > 0 && this.legs.length > 0) {
      const target = this.legs[0] as Vec;
      const gap = distance(at, target);
      if (gap > 1e-9) this.heading = unit(sub(target, at));
      if (gap <= left) {
        at = target;
        left -= gap;
        this.legs.shift();
      } else {
        at = lerp(at, target, left / gap);
        left = 0;
      }
    }
    this.position = at;
    if (this.legs.length === 0) this.standing = at;
  }
}
