/**
 * config/default.yaml, the demo store `npm start` runs: it loads, and it is the store issue 2 asks for —
 * area zones that tile the customer floor, an entrance line whose "in" points into the store, cameras
 * whose calibration pairs agree with one homography and whose coverages together see the whole floor.
 */
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { type GatewayConfig, loadConfig } from '../../src/config/index.js';
import { KNOWN_KINDS } from './helpers.js';

type P = readonly [number, number];
const demoFile = fileURLToPath(new URL('../../config/default.yaml', import.meta.url));

function inside(p: P, polygon: readonly P[]): boolean {
  let odd = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i] as P;
    const [xj, yj] = polygon[j] as P;
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) odd = !odd;
  }
  return odd;
}

// Pixels are scaled to about 1 so the normal equations stay well conditioned (Hartley's normalisation, simplified).
const PIXEL_SCALE = 1000;

/** Least-squares homography (scaled) image → floor, with h33 = 1, from point pairs by normal equations. */
function fitHomography(pairs: readonly { image: P; floor: P }[]): number[] {
  const rows: number[][] = [];
  const rhs: number[] = [];
  for (const {
    image,
    floor: [x, y],
  } of pairs) {
    const [u, v] = [image[0] / PIXEL_SCALE, image[1] / PIXEL_SCALE];
    rows.push([u, v, 1, 0, 0, 0, -u * x, -v * x]);
    rhs.push(x);
    rows.push([0, 0, 0, u, v, 1, -u * y, -v * y]);
    rhs.push(y);
  }
  const n = 8;
  const a = Array.from({ length: n }, (_, i) => [
    ...Array.from({ length: n }, (_, j) => rows.reduce((s, r) => s + (r[i] as number) * (r[j] as number), 0)),
    rows.reduce((s, r, k) => s + (r[i] as number) * (rhs[k] as number), 0),
  ]);
  for (let col = 0; col < n; col++) {
    const pivot = a
      .slice(col)
      .reduce(
        (best, row, k) => (Math.abs(row[col] as number) > Math.abs(a[best]?.[col] as number) ? col + k : best),
        col,
      );
    [a[col], a[pivot]] = [a[pivot] as number[], a[col] as number[]];
    const p = a[col] as number[];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const row = a[r] as number[];
      const f = (row[col] as number) / (p[col] as number);
      for (let c = col; c <= n; c++) row[c] = (row[c] as number) - f * (p[c] as number);
    }
  }
  return [...a.map((row, r) => (row[n] as number) / (row[r] as number)), 1];
}

function project(h: number[], image: P): P {
  const [u, v] = [image[0] / PIXEL_SCALE, image[1] / PIXEL_SCALE];
  const [a, b, c, d, e, f, g, k] = h as [number, number, number, number, number, number, number, number];
  const w = g * u + k * v + 1;
  return [(a * u + b * v + c) / w, (d * u + e * v + f) / w];
}

describe('config/default.yaml (the demo store)', () => {
  let config: GatewayConfig;
  beforeAll(async () => {
    ({ config } = await loadConfig(demoFile, {
      env: {},
      knownKinds: KNOWN_KINDS,
    }));
  });
  const zones = (kind: string) => config.floor.zones.filter((z) => z.kind === kind);
  const devices = (kind: string) => config.devices.filter((d) => d.kind === kind);

  it('is the demo store on the documented ports', () => {
    expect(config.store.id).toBe('demo-store');
    expect(config.gateway.id).toBe('demo-gw-1');
    expect([config.broker.mqtt_port, config.broker.ws_port, config.http.port]).toEqual([1883, 8083, 8080]);
    expect(config.floor.bounds).toEqual({ min: [0, 0], max: [30, 20] });
  });

  it('has the zones issue 2 asks for', () => {
    expect(zones('area').length).toBeGreaterThanOrEqual(4);
    expect(zones('area').map((z) => z.id)).toEqual(expect.arrayContaining(['entrance', 'checkout', 'promotion']));
    expect(zones('queue')).toHaveLength(1);
    expect(zones('staff_only')).toHaveLength(1);
    expect(config.floor.fixtures.map((f) => f.id)).toContain('promo_table');
  });

  it('tiles the customer floor with area zones: every point outside the back room is in exactly one', () => {
    const backRoom = zones('staff_only')[0]?.polygon as P[];
    for (let x = 0.13; x < 30; x += 0.5)
      for (let y = 0.11; y < 20; y += 0.5) {
        const count = zones('area').filter((z) => inside([x, y], z.polygon)).length;
        expect(count, `[${x}, ${y}]`).toBe(inside([x, y], backRoom) ? 0 : 1);
      }
  });

  it('counts people walking in through the door as "in"', () => {
    const entrances = config.floor.lines.filter((l) => l.entrance);
    expect(entrances).toHaveLength(1);
    const { from, to } = entrances[0] as (typeof entrances)[0];
    // ARCHITECTURE §5: side = sign of cross(Q − P, s − P), positive = left = in; the store is at y > 0.
    const side = (s: P) => (to[0] - from[0]) * (s[1] - from[1]) - (to[1] - from[1]) * (s[0] - from[0]);
    const mid: P = [(from[0] + to[0]) / 2, (from[1] + to[1]) / 2];
    expect(side([mid[0], mid[1] + 1])).toBeGreaterThan(0);
    expect(side([mid[0], mid[1] - 1])).toBeLessThan(0);
    expect(Math.hypot(to[0] - from[0], to[1] - from[1])).toBeGreaterThanOrEqual(2); // a door opening, not a slit
    const entrance = zones('area').find((z) => z.id === 'entrance')?.polygon as P[];
    expect(inside(from, entrance) && inside(to, entrance)).toBe(true);
  });

  it('has six shelf scales with products and shelf_front zones, and two screens with viewing zones', () => {
    const shelves = devices('shelf');
    expect(shelves).toHaveLength(6);
    for (const shelf of shelves) {
      expect(zones('shelf_front').map((z) => z.id)).toContain(shelf.shelf?.zone);
      for (const lane of shelf.shelf?.lanes ?? []) expect(lane.unit_grams * lane.capacity).toBeLessThan(60_000);
    }
    const screens = devices('signage');
    expect(screens).toHaveLength(2);
    for (const screen of screens) expect(zones('viewing').map((z) => z.id)).toContain(screen.signage?.viewing_zone);
  });

  it('has two smart cameras and one plain camera whose calibration pairs fit one homography to 1 cm', () => {
    const cameras = devices('camera');
    expect(cameras.map((c) => c.camera?.type).sort()).toEqual(['plain', 'smart', 'smart']);
    for (const camera of cameras) {
      const pairs = camera.camera?.calibration?.points ?? [];
      expect(pairs.length, camera.id).toBeGreaterThan(4); // one more than needed, so the fit is tested
      const h = fitHomography(pairs);
      const errors = pairs.map((p) => {
        const [x, y] = project(h, p.image);
        return Math.hypot(x - p.floor[0], y - p.floor[1]);
      });
      expect(Math.max(...errors), camera.id).toBeLessThan(0.01);
    }
  });

  it('covers the whole floor with the smart cameras, overlapping between them', () => {
    const coverages = devices('camera')
      .filter((c) => c.camera?.type === 'smart')
      .map((c) => c.camera?.coverage as P[]);
    let overlap = 0;
    for (let x = 0.13; x < 30; x += 0.5)
      for (let y = 0.11; y < 20; y += 0.5) {
        const seenBy = coverages.filter((c) => inside([x, y], c)).length;
        expect(seenBy, `[${x}, ${y}]`).toBeGreaterThan(0);
        if (seenBy > 1) overlap++;
      }
    expect(overlap).toBeGreaterThan(100);
  });
});
