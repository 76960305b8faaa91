/**
 * How a shopping group walks together: companions follow the leader's own trail a moment later, beside
 * or behind it, so they turn where the leader turned instead of cutting corners through furniture, and
 * stand next to the leader when it stops.
 */

import { clearOfZoneEdges, type FloorPlan } from './floor-plan.js';
import { add, scale, type Vec } from './geometry.js';
import type { NavigationGrid } from './navigation.js';

interface Slot {
  /** Ticks behind the leader on its trail. */
  lag: number;
  /** Metres to the leader's left (negative: right). */
  side: number;
  /** Metres further back along the heading. */
  back: number;
}

/**
 * On the move companions keep close to the leader's line (a quarter of their standing offset): the
 * leader's route crosses zone edges squarely, and a companion half a metre to the side would walk along
 * an edge the leader kept clear of. They fan out when the group stops, at most this much per tick.
 */
const WALKING_SPREAD = 0.25;
const SPREAD_STEP = 0.1;

interface TrailPoint {
  position: Vec;
  heading: Vec;
}

export class Formation {
  private readonly slots: Slot[];
  private readonly trail: TrailPoint[] = [];
  private readonly depth: number;
  /** How far each companion has fanned out: WALKING_SPREAD on the move, 1 standing. */
  private readonly spread: number[];

  /** `halfDoor`: half the entrance width, so companions beside the leader still pass through the door. */
  constructor(companions: number, halfDoor: number) {
    const side = Math.max(0, Math.min(0.45, halfDoor - 0.3));
    this.slots = [
      { lag: 3, side, back: 0 },
      { lag: 4, side: -side, back: 0 },
      { lag: 6, side: 0, back: 0.5 },
    ].slice(0, companions);
    this.depth = Math.max(1, ...this.slots.map((slot) => slot.lag)) + 1;
    this.spread = this.slots.map(() => WALKING_SPREAD);
  }

  /** Fills the trail as if the group had been walking along `heading` into `start` at `stepM` per tick. */
  prime(start: Vec, heading: Vec, stepM: number): void {
    for (let k = this.depth - 1; k >= 0; k--) this.record(add(start, scale(heading, -stepM * k)), heading);
  }

  record(position: Vec, heading: Vec): void {
    this.trail.push({ position, heading });
    if (this.trail.length > this.depth) this.trail.shift();
  }

  get companions(): number {
    return this.slots.length;
  }

  /** Where companion `index` (0-based) is now; `standing`: the leader has stopped (dwelling, queuing). */
  place(index: number, grid: NavigationGrid, plan: FloorPlan, standing: boolean): Vec {
    const slot = this.slots[index];
    const newest = this.trail[this.trail.length - 1];
    if (slot === undefined || newest === undefined) throw new Error(`Formation.place: no companion ${index}`);
    const point = this.trail[Math.max(0, this.trail.length - 1 - slot.lag)] ?? newest;
    const [hx, hy] = point.heading;
    const target = standing ? 1 : WALKING_SPREAD;
    const current = this.spread[index] as number;
    const spread = current + Math.max(-SPREAD_STEP, Math.min(SPREAD_STEP, target - current));
    this.spread[index] = spread;
    const offset = scale(add(scale([-hy, hx], slot.side), scale(point.heading, -slot.back)), spread);
    // Closer in when the full offset would put the companion inside furniture or the back room, or
    // standing on a zone's edge (see STAND_CLEAR_M); in the leader's footsteps when nothing else fits.
    for (const k of [1, 0.6, 0.3]) {
      const spot = add(point.position, scale(offset, k));
      if (!grid.forbidden(spot) && (!standing || clearOfZoneEdges(plan, spot))) return spot;
    }
    return point.position;
  }

  /** True once every companion has caught up with a leader standing still. */
  settled(): boolean {
    const newest = this.trail[this.trail.length - 1];
    return newest !== undefined && this.trail.every((p) => p.position === newest.position);
  }
}
