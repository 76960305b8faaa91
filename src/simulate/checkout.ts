/**
 * The checkout: one waiting line per till, in the `queue` zone. A line starts at the till's face that
 * looks into the queue zone and runs away from it, one spot per party every metre; the party at the
 * front is served for a while and then leaves. With no till in the plan, one line runs along the
 * queue zone's long side, its head at the end nearest the door.
 */
import type { FloorPlan, PlanZone } from './floor-plan.js';
import {
  add,
  boundingBox,
  centroid,
  distance,
  insidePolygon,
  type Polygon,
  scale,
  sub,
  unit,
  type Vec,
} from './geometry.js';
import type { NavigationGrid } from './navigation.js';
import type { Random } from './random.js';
import type { Clock } from './store-context.js';

export interface Party {
  readonly id: string;
  /** Items to scan; service takes longer with more. */
  readonly items: number;
  /** True while the party stands on its spot (the till serves only a party that has arrived). */
  readonly atSpot: boolean;
  served(clock: Clock): void;
}

interface TillLine {
  spots: Vec[];
  parties: Party[];
  doneAtS: number | undefined;
}

const SPOT_SPACING_M = 1;
const HEAD_GAP_M = 0.45;

export class Checkout {
  private constructor(
    readonly zone: PlanZone,
    private readonly lines: TillLine[],
  ) {}

  static build(plan: FloorPlan, grid: NavigationGrid, doorway: Vec): Checkout | undefined {
    const zone = plan.queue;
    if (zone === undefined) return undefined;
    const heads = plan.tills.map((till) => tillHead(till, zone)).filter((head) => head !== undefined);
    if (heads.length === 0) heads.push(zoneHead(zone, doorway));
    const lines = heads
      .map(({ at, direction }) => ({ spots: spotsFrom(at, direction, zone, grid), parties: [], doneAtS: undefined }))
      .filter((line) => line.spots.length > 0);
    if (lines.length === 0) throw new Error(`floor.zones: queue zone "${zone.id}" has no walkable spot to queue on`);
    return new Checkout(zone, lines);
  }

  /** Puts the party at the end of the shortest line; false when every line is full. */
  join(party: Party): boolean {
    const open = this.lines.filter((line) => line.parties.length < line.spots.length);
    if (open.length === 0) return false;
    const shortest = open.reduce((best, line) => (line.parties.length < best.parties.length ? line : best));
    shortest.parties.push(party);
    return true;
  }

  /** Where a party heading for the till walks to before it joins: the back of the shortest line. */
  approach(): Vec {
    const shortest = this.lines.reduce((best, line) => (line.parties.length < best.parties.length ? line : best));
    return shortest.spots[shortest.spots.length - 1] as Vec;
  }

  /** The spot the party should stand on now, and whether it is the head of its line. */
  spotOf(party: Party): { spot: Vec; head: boolean } | undefined {
    for (const line of this.lines) {
      const index = line.parties.indexOf(party);
      if (index >= 0) return { spot: line.spots[index] as Vec, head: index === 0 };
    }
    return undefined;
  }

  get waiting(): number {
    return this.lines.reduce((sum, line) => sum + line.parties.length, 0);
  }

  tick(clock: Clock, random: Random): void {
    for (const line of this.lines) {
      const head = line.parties[0];
      if (head === undefined) continue;
      if (line.doneAtS === undefined) {
        // Scanning, paying, bagging: a fixed part, a part per item, and a long tail (card problems, chat).
        if (head.atSpot) line.doneAtS = clock.s + 10 + 4 * head.items + random.exponential(8);
        continue;
      }
      if (clock.s >= line.doneAtS) {
        line.parties.shift();
        line.doneAtS = undefined;
        head.served(clock);
      }
    }
  }
}

/** The middle of the till's side that faces the queue zone, and the direction away from the till. */
function tillHead(till: Polygon, zone: PlanZone): { at: Vec; direction: Vec } | undefined {
  const middle = centroid(till);
  for (let i = 0; i < till.length; i++) {
    const a = till[i] as Vec;
    const b = till[(i + 1) % till.length] as Vec;
    const mid: Vec = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
    const edge = unit(sub(b, a));
    let normal: Vec = [-edge[1], edge[0]];
    const outward = sub(mid, middle);
    if (normal[0] * outward[0] + normal[1] * outward[1] < 0) normal = scale(normal, -1);
    if (insidePolygon(add(mid, scale(normal, HEAD_GAP_M)), zone.polygon)) return { at: mid, direction: normal };
  }
  return undefined;
}

function zoneHead(zone: PlanZone, doorway: Vec): { at: Vec; direction: Vec } {
  const box = boundingBox(zone.polygon);
  const middle = centroid(zone.polygon);
  const alongX = box.max[0] - box.min[0] >= box.max[1] - box.min[1];
  const ends: Vec[] = alongX
    ? [
        [box.min[0], middle[1]],
        [box.max[0], middle[1]],
      ]
    : [
        [middle[0], box.min[1]],
        [middle[0], box.max[1]],
      ];
  const [near, far] =
    distance(ends[0] as Vec, doorway) <= distance(ends[1] as Vec, doorway) ? ends : [ends[1], ends[0]];
  return { at: near as Vec, direction: unit(sub(far as Vec, near as Vec)) };
}

function spotsFrom(at: Vec, direction: Vec, zone: PlanZone, grid: NavigationGrid): Vec[] {
  const spots: Vec[] = [];
  for (let k = 0; k < 50; k++) {
    const spot = add(at, scale(direction, HEAD_GAP_M + k * SPOT_SPACING_M));
    if (!insidePolygon(spot, zone.polygon) || !grid.walkable(spot)) break;
    spots.push(spot);
  }
  return spots;
}
