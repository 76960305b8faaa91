/**
 * An independent, deliberately plain reading of ARCHITECTURE §5 over the simulator's camera output,
 * written for the tests: per camera and track id, zone visits (exit grace, min dwell, staff tracks
 * left out) and line crossings (every crossing, and net per track). It shares no code with the
 * simulator, so agreement with the ground truth means the published samples tell the same story.
 */
import type { GatewayConfig } from '../../src/config/index.js';
import type { SimulatedMessage } from '../../src/simulate/index.js';

type Point = readonly [number, number];

function inside(p: Point, polygon: readonly Point[]): boolean {
  let odd = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [ax, ay] = polygon[i] as Point;
    const [bx, by] = polygon[j] as Point;
    const onEdge =
      Math.abs((bx - ax) * (p[1] - ay) - (by - ay) * (p[0] - ax)) < 1e-12 &&
      p[0] >= Math.min(ax, bx) &&
      p[0] <= Math.max(ax, bx) &&
      p[1] >= Math.min(ay, by) &&
      p[1] <= Math.max(ay, by);
    if (onEdge) return true;
    if (ay > p[1] !== by > p[1] && p[0] < ((bx - ax) * (p[1] - ay)) / (by - ay) + ax) odd = !odd;
  }
  return odd;
}

const crossZ = (o: Point, a: Point, b: Point): number => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);

const within = (o: Point, a: Point, b: Point): boolean =>
  o[0] >= Math.min(a[0], b[0]) &&
  o[0] <= Math.max(a[0], b[0]) &&
  o[1] >= Math.min(a[1], b[1]) &&
  o[1] <= Math.max(a[1], b[1]);

/** Closed segments: touching counts. Samples are rounded to millimetres, so some land exactly on a line. */
function segmentsMeet(p1: Point, p2: Point, q1: Point, q2: Point): boolean {
  const d1 = crossZ(q1, q2, p1);
  const d2 = crossZ(q1, q2, p2);
  const d3 = crossZ(p1, p2, q1);
  const d4 = crossZ(p1, p2, q2);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  return (
    (d1 === 0 && within(p1, q1, q2)) ||
    (d2 === 0 && within(p2, q1, q2)) ||
    (d3 === 0 && within(q1, p1, p2)) ||
    (d4 === 0 && within(q2, p1, p2))
  );
}

interface Track {
  visits: { zone: string; start: number; end: number }[];
  open: Map<string, { start: number; last: number }>;
  last: Point | undefined;
  side: Map<string, number>;
  ins: Map<string, number>;
  outs: Map<string, number>;
  staff: boolean;
}

export interface CameraFigures {
  tracks: number;
  staffTracks: number;
  /** Customer visits per zone (dwell >= min_dwell_s), staff tracks left out. */
  visits: Record<string, number>;
  /** Every crossing. */
  lines: Record<string, { in: number; out: number; netIn: number; netOut: number }>;
}

export function bruteForce(config: GatewayConfig, messages: Iterable<SimulatedMessage>): Map<string, CameraFigures> {
  const zones = config.floor.zones;
  const tracks = new Map<string, Map<string, Track>>();
  for (const message of messages) {
    if (message.stream !== 'tracks') continue;
    const t = message.event.ts / 1000;
    let camera = tracks.get(message.deviceId);
    if (camera === undefined) {
      camera = new Map();
      tracks.set(message.deviceId, camera);
    }
    for (const person of message.event.people) {
      let track = camera.get(person.id);
      if (track === undefined) {
        track = {
          visits: [],
          open: new Map(),
          last: undefined,
          side: new Map(),
          ins: new Map(),
          outs: new Map(),
          staff: false,
        };
        camera.set(person.id, track);
      }
      const p: Point = [person.x, person.y];
      for (const zone of zones) {
        const open = track.open.get(zone.id);
        if (inside(p, zone.polygon as Point[])) {
          if (zone.kind === 'staff_only') track.staff = true;
          if (open !== undefined && t - open.last < zone.exit_grace_s) {
            open.last = t;
          } else {
            if (open !== undefined) track.visits.push({ zone: zone.id, start: open.start, end: open.last });
            track.open.set(zone.id, { start: t, last: t });
          }
        }
      }
      for (const line of config.floor.lines) {
        const value = crossZ(line.from as Point, line.to as Point, p);
        const before = track.side.get(line.id) ?? 0;
        const side = value > 0 ? 1 : value < 0 ? -1 : before;
        if (
          track.last !== undefined &&
          before !== 0 &&
          side !== before &&
          segmentsMeet(track.last, p, line.from as Point, line.to as Point)
        ) {
          const counts = side > 0 ? track.ins : track.outs;
          counts.set(line.id, (counts.get(line.id) ?? 0) + 1);
        }
        track.side.set(line.id, side);
      }
      track.last = p;
    }
  }
  const result = new Map<string, CameraFigures>();
  for (const [cameraId, camera] of tracks) {
    const figures: CameraFigures = { tracks: camera.size, staffTracks: 0, visits: {}, lines: {} };
    for (const zone of zones) figures.visits[zone.id] = 0;
    for (const line of config.floor.lines) figures.lines[line.id] = { in: 0, out: 0, netIn: 0, netOut: 0 };
    for (const track of camera.values()) {
      if (track.staff) {
        figures.staffTracks++;
        continue;
      }
      for (const [zone, open] of track.open) track.visits.push({ zone, start: open.start, end: open.last });
      for (const visit of track.visits) {
        const zone = zones.find((z) => z.id === visit.zone);
        if (zone !== undefined && visit.end - visit.start >= zone.min_dwell_s)
          figures.visits[visit.zone] = (figures.visits[visit.zone] ?? 0) + 1;
      }
      for (const line of config.floor.lines) {
        const counts = figures.lines[line.id] as CameraFigures['lines'][string];
        const ins = track.ins.get(line.id) ?? 0;
        const outs = track.outs.get(line.id) ?? 0;
        counts.in += ins;
        counts.out += outs;
        if (ins > outs) counts.netIn++;
        if (outs > ins) counts.netOut++;
      }
    }
    result.set(cameraId, figures);
  }
  return result;
}

/** The smart camera whose coverage holds the whole polygon (convex coverages: every corner inside). */
export function cameraCovering(config: GatewayConfig, polygon: readonly (readonly number[])[]): string | undefined {
  return config.devices.find(
    (device) =>
      device.camera?.type === 'smart' &&
      device.camera.coverage !== undefined &&
      polygon.every((corner) => inside(corner as unknown as Point, device.camera?.coverage as Point[])),
  )?.id;
}
