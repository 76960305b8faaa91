/**
 * What the simulator needs to know about the store, read once from the validated config: the zones by
 * role, the entrance, and which device stands where. Roles come from the config's own vocabulary
 * (zone kinds, `entrance: true`), except the promotion table, which is the area zone whose id or name
 * says "promo" — the schema has no kind for it.
 */
import type { GatewayConfig, ZoneConfig } from '../config/schema.js';
import {
  add,
  type Box,
  boundingBox,
  centroid,
  distance,
  distanceToOutline,
  insidePolygon,
  leftNormal,
  type Polygon,
  scale,
  sub,
  unit,
  type Vec,
} from './geometry.js';

export interface PlanZone {
  id: string;
  name: string;
  kind: ZoneConfig['kind'];
  polygon: Polygon;
  box: Box;
  exitGraceS: number;
  minDwellS: number;
}

export interface Entrance {
  lineId: string;
  from: Vec;
  to: Vec;
  mid: Vec;
  /** Unit vector along the line, from `from` to `to`. */
  along: Vec;
  /** Unit vector to the "in" side: left of from→to (ARCHITECTURE §5). */
  inward: Vec;
  halfWidth: number;
  /** Where shoppers appear and vanish, on the street side. */
  street: Vec;
  /** The first point inside, where the walk through the store starts and ends. */
  doorway: Vec;
}

export interface LanePlan {
  lane: number;
  sku: string;
  unitGrams: number;
  capacity: number;
}

export interface ShelfPlan {
  deviceId: string;
  kind: string;
  front: PlanZone | undefined;
  chilled: boolean;
  lanes: LanePlan[];
}

export interface ScreenPlan {
  deviceId: string;
  kind: string;
  viewing: PlanZone;
}

export interface CameraPlan {
  deviceId: string;
  kind: string;
  /** Floor polygon seen by a smart camera; undefined for a plain camera. */
  coverage: Polygon | undefined;
}

export interface FloorPlan {
  bounds: Box;
  zones: PlanZone[];
  areas: PlanZone[];
  /** Every counting line, as the analysis counts it. */
  lines: { id: string; from: Vec; to: Vec; mode: 'net' | 'every'; entrance: boolean }[];
  entrances: Entrance[];
  /** The area zone a shopper is in right after entering. */
  entranceZone: PlanZone | undefined;
  promotion: PlanZone | undefined;
  queue: PlanZone | undefined;
  backRoom: PlanZone | undefined;
  /** Furniture nobody walks through. */
  fixtures: Polygon[];
  /** Fixtures named "till": where queuing shoppers are served. */
  tills: Polygon[];
  shelves: ShelfPlan[];
  screens: ScreenPlan[];
  cameras: CameraPlan[];
  devices: { id: string; kind: string }[];
}

/** Shoppers appear this far outside the entrance line, so the camera sees them cross it. */
const STREET_M = 4;
const DOORWAY_M = 1.5;

export function buildFloorPlan(config: GatewayConfig): FloorPlan {
  const bounds: Box = { min: config.floor.bounds.min, max: config.floor.bounds.max };
  const zones = config.floor.zones.map(planZone);
  const byId = new Map(zones.map((zone) => [zone.id, zone]));
  const areas = zones.filter((zone) => zone.kind === 'area');
  const entrances = config.floor.lines.filter((line) => line.entrance).map(planEntrance);
  const first = entrances[0];
  if (first === undefined) {
    throw new Error('floor.lines: the simulator needs a counting line with `entrance: true` to let shoppers in');
  }
  const zoneOf = (field: string, id: string): PlanZone => {
    const zone = byId.get(id);
    if (zone === undefined) throw new Error(`${field}: zone "${id}" is not in floor.zones`);
    return zone;
  };
  const shelves: ShelfPlan[] = [];
  const screens: ScreenPlan[] = [];
  const cameras: CameraPlan[] = [];
  config.devices.forEach((device, index) => {
    if (device.shelf !== undefined) {
      const front =
        device.shelf.zone === undefined ? undefined : zoneOf(`devices[${index}].shelf.zone`, device.shelf.zone);
      shelves.push({
        deviceId: device.id,
        kind: device.kind,
        front,
        chilled: device.shelf.chilled,
        lanes: device.shelf.lanes.map((l) => ({
          lane: l.lane,
          sku: l.sku,
          unitGrams: l.unit_grams,
          capacity: l.capacity,
        })),
      });
    }
    if (device.signage !== undefined) {
      const viewing = zoneOf(`devices[${index}].signage.viewing_zone`, device.signage.viewing_zone);
      screens.push({ deviceId: device.id, kind: device.kind, viewing });
    }
    if (device.camera !== undefined) {
      // A smart camera without a coverage polygon is taken to see the whole floor.
      const whole: Polygon = [bounds.min, [bounds.max[0], bounds.min[1]], bounds.max, [bounds.min[0], bounds.max[1]]];
      const coverage = device.camera.type === 'smart' ? (device.camera.coverage ?? whole) : undefined;
      cameras.push({ deviceId: device.id, kind: device.kind, coverage });
    }
  });
  return {
    bounds,
    zones,
    areas,
    lines: config.floor.lines.map(({ id, from, to, mode, entrance }) => ({ id, from, to, mode, entrance })),
    entrances,
    entranceZone: areaAt(areas, first.doorway),
    promotion: areas.find((zone) => /promo/i.test(zone.id) || /promo/i.test(zone.name)),
    queue: zones.find((zone) => zone.kind === 'queue'),
    backRoom: zones.find((zone) => zone.kind === 'staff_only'),
    fixtures: config.floor.fixtures.map((fixture) => fixture.polygon),
    tills: config.floor.fixtures
      .filter((fixture) => /till/i.test(fixture.id) || /till/i.test(fixture.name ?? ''))
      .map((fixture) => fixture.polygon),
    shelves,
    screens,
    cameras,
    devices: config.devices.map((device) => ({ id: device.id, kind: device.kind })),
  };
}

function planZone(zone: ZoneConfig): PlanZone {
  return {
    id: zone.id,
    name: zone.name ?? '',
    kind: zone.kind,
    polygon: zone.polygon,
    box: boundingBox(zone.polygon),
    exitGraceS: zone.exit_grace_s,
    minDwellS: zone.min_dwell_s,
  };
}

function planEntrance(line: GatewayConfig['floor']['lines'][number]): Entrance {
  const along = unit(sub(line.to, line.from));
  const inward = leftNormal(along);
  const mid: Vec = [(line.from[0] + line.to[0]) / 2, (line.from[1] + line.to[1]) / 2];
  return {
    lineId: line.id,
    from: line.from,
    to: line.to,
    mid,
    along,
    inward,
    halfWidth: distance(line.from, line.to) / 2,
    street: add(mid, scale(inward, -STREET_M)),
    doorway: add(mid, scale(inward, DOORWAY_M)),
  };
}

/**
 * Where people stand still, they stand at least this far from every zone's outline: with camera noise
 * (CAMERA_NOISE_M) and body sway, someone standing closer would flicker in and out of the zone, and a
 * camera would report visits that did not happen.
 */
export const STAND_CLEAR_M = 0.3;

/** True when p is at least `metres` from the outline of every zone (of any kind). */
export function clearOfZoneEdges(plan: FloorPlan, p: Vec, metres = STAND_CLEAR_M): boolean {
  for (const zone of plan.zones) {
    const { min, max } = zone.box;
    if (p[0] < min[0] - metres || p[1] < min[1] - metres || p[0] > max[0] + metres || p[1] > max[1] + metres) continue;
    if (distanceToOutline(p, zone.polygon) < metres) return false;
  }
  return true;
}

/** The area zone holding a point, else the one whose centroid is nearest. */
export function areaAt(areas: PlanZone[], point: Vec): PlanZone | undefined {
  const holder = areas.find((zone) => insidePolygon(point, zone.polygon));
  if (holder !== undefined) return holder;
  let best: PlanZone | undefined;
  for (const zone of areas) {
    if (best === undefined || distance(centroid(zone.polygon), point) < distance(centroid(best.polygon), point))
      best = zone;
  }
  return best;
}
