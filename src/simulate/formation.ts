/**
 * How a shopping group walks together: companions follow the leader's own trail a moment later, beside
 * or behind it, so they turn where the leader turned instead of cutting corners through furniture, and
 * stand next to the leader when it stops.
 */
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

interface TrailPoint {
  position: Vec;
  heading: Vec;
}

export class Formation {
  private readonly slots: Slot[];
  private readonly trail: TrailPoint[] = [];
  private readonly depth: number;

  /** `halfDoor`: half the entrance width, so companions beside the leader still pass through the door. */
  constructor(companions: number, halfDoor: number) {
    const side = Math.max(0, Math.min(0.45, halfDoor - 0.3));
    this.slots = [
      { lag: 3, side, back: 0 },
      { lag: 3, side: -side, back: 0 },
      { lag: 5, side: 0, back: 0.5 },
    ].slice(0, companions);
    this.depth = Math.max(1, ...this.slots.map((slot) => slot.lag)) + 1;
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

  /** Where companion `index` (0-based) is now. */
  place(index: number, grid: NavigationGrid): Vec {
    const slot = this.slots[index];
    const newest = this.trail[this.trail.length - 1];
    if (slot === undefined || newest === undefined) throw new Error(`Formation.place: no companion ${index}`);
    const point = this.trail[Math.max(0, this.trail.length - 1 - slot.lag)] ?? newest;
    const [hx, hy] = point.heading;
    const spot = add(point.position, add(scale([-hy, hx], slot.side), scale(point.heading, -slot.back)));
    // Beside the leader may be inside a shelf or the back room; then the companion walks in its footsteps.
    return grid.walkable(point.position) && !grid.walkable(spot) ? point.position : spot;
  }

  /** True once every companion has caught up with a leader standing still. */
  settled(): boolean {
    const newest = this.trail[this.trail.length - 1];
    return newest !== undefined && this.trail.every((p) => p.position === newest.position);
  }
}
