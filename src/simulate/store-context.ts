/** What the people in the virtual store share: the plan, the ways to walk, the till, the shelves, the record. */
import type { Checkout } from './checkout.js';
import type { FloorPlan } from './floor-plan.js';
import type { GroundTruthRecorder } from './ground-truth.js';
import type { NavigationGrid } from './navigation.js';
import type { Random } from './random.js';
import type { ShelfScales } from './shelf-scales.js';

export interface StoreContext {
  plan: FloorPlan;
  /** Routes for customers (never through the staff-only room) and for staff. */
  customerGrid: NavigationGrid;
  staffGrid: NavigationGrid;
  checkout: Checkout | undefined;
  scales: ShelfScales;
  truth: GroundTruthRecorder;
  /** Behaviour choices; sensor noise draws from its own generators. */
  random: Random;
  /** Lanes a staff member is already on the way to refill. */
  restocking: Set<string>;
}

/** Simulation time: seconds since the start, and the same instant as epoch ms (event time). */
export interface Clock {
  s: number;
  ms: number;
}

/** Time step of the simulation; also the smart cameras' frame interval (5 Hz). */
export const TICK_MS = 200;
