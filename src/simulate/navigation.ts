/**
 * Walkable routes over the floor: A* on a 0.5 m grid, then string-pulled into straight legs. Customers
 * may not enter the staff-only room (one step inside would make them staff, §5 "Staff") and nobody walks
 * along the entrance line except to go in or out. Cells near an area zone's outline cost more, so people
 * cross zone borders squarely instead of walking along them or clipping corners — what a shopper does
 * in aisles, and what keeps the ground truth unambiguous.
 */

import { clearOfZoneEdges, type FloorPlan, type PlanZone, STAND_CLEAR_M } from './floor-plan.js';
import { FloorRaster } from './floor-raster.js';
import { distance, distanceToOutline, distanceToSegment, insidePolygon, lerp, type Vec } from './geometry.js';
import { MinHeap } from './min-heap.js';
import type { Random } from './random.js';

export type Role = 'customer' | 'staff';

const CELL_M = 0.5;
/** Keep-out margin around forbidden places, larger than camera noise so a noisy sample never lands inside. */
const KEEP_OUT_M = 0.7;
/** People brush past shelves and tables; closer than this to furniture is inside it. */
const FIXTURE_MARGIN_M = 0.25;
const BORDER_M = 0.6;
const BORDER_COST = 3;
/**
 * Where three or more area zones meet, a step can clip a zone for an instant; real people do not
 * walk corner to corner, and such a clip is a visit nobody could agree on. Routes keep away from them.
 */
const JUNCTION_COST = 8;
/** Shoppers not queuing walk around the queue, as they do around people standing in line. */
const QUEUE_COST = 2;
const MOVES: readonly (readonly [number, number])[] = [
  [1, 0],
  [-1, 0],
  [0, 1],
  [0, -1],
  [1, 1],
  [1, -1],
  [-1, 1],
  [-1, -1],
];

export class NavigationGrid {
  private constructor(
    private readonly plan: FloorPlan,
    private readonly cols: number,
    private readonly rows: number,
    private readonly blocked: Uint8Array,
    /** The part of `blocked` that is furniture or a forbidden room (not the doorway band). */
    private readonly keepOut: Uint8Array,
    private readonly cost: Float32Array,
    private readonly raster: FloorRaster,
  ) {}

  static build(plan: FloorPlan, role: Role): NavigationGrid {
    const cols = Math.max(1, Math.ceil((plan.bounds.max[0] - plan.bounds.min[0]) / CELL_M));
    const rows = Math.max(1, Math.ceil((plan.bounds.max[1] - plan.bounds.min[1]) / CELL_M));
    const blocked = new Uint8Array(cols * rows);
    const keepOut = new Uint8Array(cols * rows);
    const cost = new Float32Array(cols * rows);
    const forbidden = role === 'customer' ? plan.zones.filter((zone) => zone.kind === 'staff_only') : [];
    const queues = role === 'customer' ? plan.zones.filter((zone) => zone.kind === 'queue') : [];
    for (let row = 0; row < rows; row++) {
      for (let col = 0; col < cols; col++) {
        const p: Vec = [plan.bounds.min[0] + (col + 0.5) * CELL_M, plan.bounds.min[1] + (row + 0.5) * CELL_M];
        const index = row * cols + col;
        const nearLine = plan.entrances.some((e) => distanceToSegment(p, e.from, e.to) < KEEP_OUT_M);
        const inForbidden = forbidden.some(
          (zone) => insidePolygon(p, zone.polygon) || distanceToOutline(p, zone.polygon) < KEEP_OUT_M,
        );
        const inFixture = plan.fixtures.some(
          (fixture) => insidePolygon(p, fixture) || distanceToOutline(p, fixture) < FIXTURE_MARGIN_M,
        );
        keepOut[index] = inForbidden || inFixture ? 1 : 0;
        blocked[index] = nearLine || inForbidden || inFixture ? 1 : 0;
        const distances = plan.areas.map((zone) =>
          insidePolygon(p, zone.polygon) ? 0 : distanceToOutline(p, zone.polygon),
        );
        // Every zone's edge, not only the areas': walking along a queue's or a screen's edge is as ambiguous.
        const outlines = plan.zones.map((zone) => distanceToOutline(p, zone.polygon));
        const border = Math.min(BORDER_M, ...outlines);
        const junction = distances.filter((d) => d < BORDER_M).length >= 3 ? JUNCTION_COST : 0;
        const queuing = queues.some((zone) => insidePolygon(p, zone.polygon)) ? QUEUE_COST : 0;
        cost[index] = 1 + BORDER_COST * (1 - border / BORDER_M) + junction + queuing;
      }
    }
    return new NavigationGrid(plan, cols, rows, blocked, keepOut, cost, FloorRaster.build(plan));
  }

  /** Inside the floor bounds and not in a cell this role keeps out of. */
  walkable(p: Vec): boolean {
    const index = this.cellOf(p);
    if (index === undefined || this.blocked[index] === 1) return false;
    // A cell's corner can reach past the margin into furniture; the fine raster keeps legs out of it.
    return !this.raster.furnitureAt(p);
  }

  /** Inside furniture, or (for customers) in or next to the staff-only room; the street is not forbidden. */
  forbidden(p: Vec): boolean {
    const index = this.cellOf(p);
    return index !== undefined && (this.keepOut[index] === 1 || this.raster.furnitureAt(p));
  }

  /** Waypoints from `from` to `to` (the first is after `from`, the last is `to`). */
  route(from: Vec, to: Vec): Vec[] {
    const start = this.nearestOpen(from);
    const goal = this.nearestOpen(to);
    if (start === undefined || goal === undefined) return [to];
    const cells = this.search(start, goal);
    const points = cells.map((index) => this.centre(index));
    points[0] = from;
    points.push(to);
    return this.pull(points).slice(1);
  }

  /**
   * A point of the zone at least `inset` metres from its outline, clear of every other zone's outline
   * and walkable, so someone standing there is clearly inside or outside each zone even with camera
   * noise. Falls back to smaller margins for narrow zones.
   */
  pointIn(zone: PlanZone, random: Random, inset: number): Vec {
    for (let margin = inset; margin >= 0.05; margin /= 2) {
      for (let attempt = 0; attempt < 60; attempt++) {
        const p: Vec = [
          random.uniform(zone.box.min[0], zone.box.max[0]),
          random.uniform(zone.box.min[1], zone.box.max[1]),
        ];
        if (
          insidePolygon(p, zone.polygon) &&
          distanceToOutline(p, zone.polygon) >= margin &&
          clearOfZoneEdges(this.plan, p, Math.min(margin, STAND_CLEAR_M)) &&
          this.walkable(p)
        ) {
          return p;
        }
      }
    }
    throw new Error(`floor.zones: zone "${zone.id}" has no walkable point a person could stand on`);
  }

  private search(start: number, goal: number): number[] {
    const g = new Float64Array(this.blocked.length).fill(Number.POSITIVE_INFINITY);
    const parent = new Int32Array(this.blocked.length).fill(-1);
    const open = new MinHeap();
    const goalCol = goal % this.cols;
    const goalRow = (goal - goalCol) / this.cols;
    g[start] = 0;
    open.push(start, 0);
    while (open.size > 0) {
      const current = open.pop();
      if (current === goal) break;
      const col = current % this.cols;
      const row = (current - col) / this.cols;
      for (const [dc, dr] of MOVES) {
        const c = col + dc;
        const r = row + dr;
        if (c < 0 || r < 0 || c >= this.cols || r >= this.rows) continue;
        const next = r * this.cols + c;
        // No squeezing diagonally between two blocked cells.
        if (
          this.blocked[next] === 1 ||
          this.blocked[row * this.cols + c] === 1 ||
          this.blocked[r * this.cols + col] === 1
        ) {
          continue;
        }
        const step = (dc !== 0 && dr !== 0 ? Math.SQRT2 : 1) * CELL_M;
        const tentative =
          (g[current] as number) + (step * ((this.cost[current] as number) + (this.cost[next] as number))) / 2;
        if (tentative < (g[next] as number)) {
          g[next] = tentative;
          parent[next] = current;
          open.push(next, tentative + CELL_M * Math.hypot(c - goalCol, r - goalRow));
        }
      }
    }
    const cells: number[] = [];
    for (let at = goal; at !== -1; at = parent[at] as number) {
      cells.push(at);
      if (at === start) break;
    }
    return cells.reverse();
  }

  /**
   * String pulling: from each anchor, go as far along the cell path as a straight leg stays walkable
   * and touches no third area zone (scanning forward, so the cost grows with the path, not its square).
   */
  private pull(points: Vec[]): Vec[] {
    const out: Vec[] = [points[0] as Vec];
    let anchor = 0;
    while (anchor < points.length - 1) {
      let reach = anchor + 1;
      while (reach + 1 < points.length && this.clearLeg(points[anchor] as Vec, points[reach + 1] as Vec)) reach++;
      out.push(points[reach] as Vec);
      anchor = reach;
    }
    return out;
  }

  private clearLeg(a: Vec, b: Vec): boolean {
    const ends = this.raster.areaBit(a) | this.raster.areaBit(b);
    const steps = Math.max(1, Math.ceil(distance(a, b) / 0.1));
    for (let i = 1; i < steps; i++) {
      const p = lerp(a, b, i / steps);
      if (!this.walkable(p) || (this.raster.areasNear(p) & ~ends) !== 0) return false;
    }
    return true;
  }

  private cellOf(p: Vec): number | undefined {
    const col = Math.floor((p[0] - this.plan.bounds.min[0]) / CELL_M);
    const row = Math.floor((p[1] - this.plan.bounds.min[1]) / CELL_M);
    if (col < 0 || row < 0 || col >= this.cols || row >= this.rows) return undefined;
    return row * this.cols + col;
  }

  private centre(index: number): Vec {
    const col = index % this.cols;
    const row = (index - col) / this.cols;
    return [this.plan.bounds.min[0] + (col + 0.5) * CELL_M, this.plan.bounds.min[1] + (row + 0.5) * CELL_M];
  }

  /** The open cell nearest to a point (the point itself may be outside the floor, e.g. the street). */
  private nearestOpen(p: Vec): number | undefined {
    const own = this.cellOf(p);
    if (own !== undefined && this.blocked[own] === 0) return own;
    let best: number | undefined;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (let index = 0; index < this.blocked.length; index++) {
      if (this.blocked[index] === 1) continue;
      const d = distance(this.centre(index), p);
      if (d < bestDistance) {
        bestDistance = d;
        best = index;
      }
    }
    return best;
  }
}
