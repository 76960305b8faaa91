/**
 * Do the cameras' samples tell the same story as the ground truth? Two simulated hours per store go
 * through the brute-force §5 reading in ./brute-force.ts, per camera (no stitching: a zone is checked
 * on the camera that sees all of it, the entrance on the camera that sees the door). Entries, exits and
 * visits must agree within 2 %.
 */
import { describe, expect, it } from 'vitest';
import type { GatewayConfig } from '../../src/config/index.js';
import { type GroundTruthTotals, type SimulationOptions, StoreSimulation } from '../../src/simulate/index.js';
import { bruteForce, type CameraFigures, cameraCovering } from './brute-force.js';
import { demoStore, EPOCH, smallStore } from './stores.js';

const TWO_HOURS_S = 7200;

function simulate(config: GatewayConfig, options: SimulationOptions) {
  const sim = new StoreSimulation(config, { epochMs: EPOCH, drain: true, ...options });
  const figures = bruteForce(config, sim.messages());
  return { figures, truth: sim.groundTruth() };
}

const within2Percent = (observed: number, truth: number): boolean =>
  Math.abs(observed - truth) <= Math.max(1, 0.02 * truth);

function compareZones(
  config: GatewayConfig,
  figures: Map<string, CameraFigures>,
  truth: GroundTruthTotals,
  only?: string[],
) {
  const compared: { zone: string; truth: number; observed: number }[] = [];
  for (const zone of config.floor.zones) {
    if (only !== undefined && !only.includes(zone.id)) continue;
    const camera = cameraCovering(config, zone.polygon);
    if (camera === undefined) continue;
    const observed = figures.get(camera)?.visits[zone.id] as number;
    compared.push({ zone: zone.id, truth: truth.visits[zone.id] as number, observed });
  }
  for (const row of compared) expect(within2Percent(row.observed, row.truth), JSON.stringify(row)).toBe(true);
  return compared;
}

function compareEntrance(config: GatewayConfig, figures: Map<string, CameraFigures>, truth: GroundTruthTotals) {
  const door = config.floor.lines.find((line) => line.entrance);
  if (door === undefined) throw new Error('no entrance line');
  const camera = cameraCovering(config, [door.from, door.to]) as string;
  const counts = figures.get(camera)?.lines[door.id] as CameraFigures['lines'][string];
  expect(within2Percent(counts.in, truth.entries), `in ${counts.in} vs ${truth.entries}`).toBe(true);
  expect(within2Percent(counts.out, truth.exits), `out ${counts.out} vs ${truth.exits}`).toBe(true);
}

describe('camera tracks against the ground truth (ARCHITECTURE §5, brute force)', () => {
  it('agree within 2 % on the demo store over two hours', () => {
    const config = demoStore();
    const { figures, truth } = simulate(config, { durationS: TWO_HOURS_S, staff: 0 });
    expect(truth.entries).toBeGreaterThan(500);
    compareEntrance(config, figures, truth);
    const compared = compareZones(config, figures, truth);
    // Every single-camera area zone of the demo store took part, and they were busy.
    expect(compared.map((row) => row.zone)).toEqual(
      expect.arrayContaining([
        'entrance',
        'fresh_produce',
        'promotion',
        'bakery',
        'dairy',
        'view_promo',
        'front_promo',
      ]),
    );
    expect(compared.find((row) => row.zone === 'promotion')?.truth).toBeGreaterThan(300);
  }, 180_000);

  it('agree within 2 % on a store with a west door and no tills over two hours', () => {
    const config = smallStore();
    const { figures, truth } = simulate(config, { durationS: TWO_HOURS_S, staff: 0 });
    expect(truth.entries).toBeGreaterThan(250);
    compareEntrance(config, figures, truth);
    const compared = compareZones(config, figures, truth);
    expect(compared.map((row) => row.zone)).toEqual(
      expect.arrayContaining(['hall', 'produce', 'promo_corner', 'tills', 'line_up', 'front_veg', 'watch_hall']),
    );
  }, 180_000);

  it('leave staff out once a camera has seen them in the back room', () => {
    // cam-east sees the back room and the zones east of it, so it can tell staff there on its own.
    const config = demoStore();
    const { figures, truth } = simulate(config, { durationS: 3600 });
    expect(truth.staff).toBe(2);
    expect(figures.get('cam-east')?.staffTracks).toBeGreaterThan(0);
    expect(figures.get('cam-east')?.visits.back_room).toBe(0);
    compareZones(config, figures, truth, ['bakery', 'dairy', 'front_drinks', 'front_dairy', 'back_room']);
    compareEntrance(config, figures, truth);
  }, 180_000);
});
