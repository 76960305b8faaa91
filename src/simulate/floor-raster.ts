/**
 * A 10 cm raster of the floor, built once, so that checking a straight leg of a route point by point
 * is cheap: which area zone each spot is in, which area zones come within a hand's breadth of it, and
 * whether furniture stands there.
 */
import type { FloorPlan } from './floor-plan.js';
import { distanceToOutline, insidePolygon, type Vec } from './geometry.js';

const STEP_M = 0.1;
/** A straight leg keeps this far from any area zone it is not walking from or to. */
const NEAR_M = 0.3;
/** Area zones beyond the 32nd take no part in the "near" test (a bit each in a 32-bit mask). */
const MASK_ZONES = 32;

export class FloorRaster {
  private constructor(
    private readonly plan: FloorPlan,
    private readonly cols: number,
    private readonly rows: number,
    private readonly area: Int16Array,
    private readonly near: Uint32Array,
    private readonly furniture: Uint8Array,
  ) {}

  static build(plan: FloorPlan): FloorRaster {
    const cols = Math.max(1, Math.ceil((plan.bounds.max[0] - plan.bounds.min[0]) / STEP_M));
    const rows = Math.max(1, Math.ceil((plan.bounds.max[1] - plan.bounds.min[1]) / STEP_M));
    const area = new Int16Array(cols * rows).fill(-1);
    const near = new Uint32Array(cols * rows);
    const furniture = new Uint8Array(cols * rows);
    const masked = plan.areas.slice(0, MASK_ZONES);
    for (let row = 0; row < rows; row++) {
      for (let col = 0; col < cols; col++) {
        const index = row * cols + col;
        const p: Vec = [plan.bounds.min[0] + (col + 0.5) * STEP_M, plan.bounds.min[1] + (row + 0.5) * STEP_M];
        area[index] = plan.areas.findIndex((zone) => insidePolygon(p, zone.polygon));
        let bits = 0;
        masked.forEach((zone, bit) => {
          if (insidePolygon(p, zone.polygon) || distanceToOutline(p, zone.polygon) < NEAR_M) bits |= 1 << bit;
        });
        near[index] = bits >>> 0;
        furniture[index] = plan.fixtures.some((fixture) => insidePolygon(p, fixture)) ? 1 : 0;
      }
    }
    return new FloorRaster(plan, cols, rows, area, near, furniture);
  }

  /** Index of the area zone at p in plan.areas, -1 for none or off the floor. */
  areaAt(p: Vec): number {
    const index = this.index(p);
    return index === undefined ? -1 : (this.area[index] as number);
  }

  /** The bit of the area zone at p (0 for none, or a zone past the 32nd). */
  areaBit(p: Vec): number {
    const area = this.areaAt(p);
    return area >= 0 && area < MASK_ZONES ? (1 << area) >>> 0 : 0;
  }

  /** Bits of the area zones within NEAR_M of p. */
  areasNear(p: Vec): number {
    const index = this.index(p);
    return index === undefined ? 0 : (this.near[index] as number);
  }

  furnitureAt(p: Vec): boolean {
    const index = this.index(p);
    return index !== undefined && this.furniture[index] === 1;
  }

  private index(p: Vec): number | undefined {
    const col = Math.floor((p[0] - this.plan.bounds.min[0]) / STEP_M);
    const row = Math.floor((p[1] - this.plan.bounds.min[1]) / STEP_M);
    if (col < 0 || row < 0 || col >= this.cols || row >= this.rows) return undefined;
    return row * this.cols + col;
  }
}
