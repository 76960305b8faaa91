/**
 * What the live path needs to know about each camera, computed once at start from `devices[].camera`:
 * the homography that turns image-pixel tracks into floor metres (issue 3 "Floor model", normalised DLT
 * in src/vision/homography.ts) and which cameras can see the same person — their coverage polygons
 * overlap or come within the stitching gate of each other (issue 3 "Journeys": "cameras whose views
 * overlap or touch"). A camera without a coverage polygon may neighbour any camera.
 */
import type { GatewayConfig } from '../../config/schema.js';
import { applyHomography, CalibrationError, calibrate, type Matrix3 } from '../../vision/homography.js';
import { compilePolygon, type Point, pointInPolygon, segmentsIntersect } from '../geometry.js';

interface CameraEntry {
  homography: Matrix3 | undefined;
  /** Why there is no homography (no calibration section, or a degenerate one). */
  problem: string;
  coverage: readonly Point[] | undefined;
}

export class CameraMap {
  private readonly cameras = new Map<string, CameraEntry>();
  private readonly neighbours = new Map<string, boolean>();

  /** Reads every camera of the config; a calibration that cannot be computed is reported, not thrown. */
  constructor(
    devices: GatewayConfig['devices'],
    private readonly gateM: number,
  ) {
    for (const device of devices) {
      const camera = device.camera;
      if (camera === undefined) continue;
      let homography: Matrix3 | undefined;
      let problem = `camera ${device.id} has no calibration in the config`;
      if (camera.calibration !== undefined) {
        try {
          homography = calibrate(camera.calibration.points).matrix;
        } catch (error) {
          if (!(error instanceof CalibrationError)) throw error;
          problem = `camera ${device.id}: ${error.message}`;
        }
      }
      this.cameras.set(device.id, { homography, problem, coverage: camera.coverage });
    }
  }

  /** The image → floor homography of a camera, or the reason it has none. */
  homography(camera: string): { matrix: Matrix3 } | { problem: string } {
    const entry = this.cameras.get(camera);
    if (entry === undefined) return { problem: `camera ${camera} is not in the config's devices` };
    return entry.homography === undefined ? { problem: entry.problem } : { matrix: entry.homography };
  }

  /** People a camera reports in image pixels, in floor metres; or why they cannot be placed. */
  toFloor<P extends { x: number; y: number }>(camera: string, people: readonly P[]): P[] | { problem: string } {
    const homography = this.homography(camera);
    if ('problem' in homography) return homography;
    return people.map((person) => {
      const [x, y] = applyHomography(homography.matrix, person.x, person.y);
      return { ...person, x, y };
    });
  }

  /** Whether two cameras can see one person at about the same time and place (cached per pair). */
  adjacent(a: string, b: string): boolean {
    if (a === b) return true;
    const key = a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
    let result = this.neighbours.get(key);
    if (result === undefined) {
      const ca = this.cameras.get(a)?.coverage;
      const cb = this.cameras.get(b)?.coverage;
      result = ca === undefined || cb === undefined || polygonDistance(ca, cb) <= this.gateM;
      this.neighbours.set(key, result);
    }
    return result;
  }
}

/** 0 when the polygons overlap or touch, else the shortest distance between their outlines. */
export function polygonDistance(a: readonly Point[], b: readonly Point[]): number {
  const pa = compilePolygon(a);
  const pb = compilePolygon(b);
  if (a.some(([x, y]) => pointInPolygon(pb, x, y)) || b.some(([x, y]) => pointInPolygon(pa, x, y))) return 0;
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < a.length; i++) {
    const p = a[i] as Point;
    const q = a[(i + 1) % a.length] as Point;
    for (let j = 0; j < b.length; j++) {
      const r = b[j] as Point;
      const s = b[(j + 1) % b.length] as Point;
      if (segmentsIntersect(p[0], p[1], q[0], q[1], r[0], r[1], s[0], s[1])) return 0;
      best = Math.min(best, pointToSegment(p, r, s), pointToSegment(r, p, q));
    }
  }
  return best;
}

function pointToSegment(p: Point, a: Point, b: Point): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const length2 = dx * dx + dy * dy;
  const k = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length2));
  return Math.hypot(p[0] - (a[0] + k * dx), p[1] - (a[1] + k * dy));
}
