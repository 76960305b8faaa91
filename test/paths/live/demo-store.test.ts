/**
 * Issue 3 must-show "On the demo store simulation the engines' figures match the simulator's ground truth
 * (entries, exits, visits per zone, transitions) within 2 %, staff excluded": two simulated hours of
 * config/default.yaml (seed fixed) — shoppers in groups, two staff, two smart cameras overlapping by 3 m,
 * each with its own track ids and 5 cm of position noise — through the real live path (bus → event-time
 * queue → journey stitching → engines). The ground truth comes from the noise-free positions.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { profileKinds } from '../../../devices/index.js';
import { EventBus } from '../../../src/bus.js';
import { parseConfig } from '../../../src/config/index.js';
import type { GroundTruthTotals } from '../../../src/simulate/index.js';
import { StoreSimulation } from '../../../src/simulate/index.js';
import { type Frame, type LiveRun, runLive } from './zara01-views.js';

const DEMO = fileURLToPath(new URL('../../../config/default.yaml', import.meta.url));
const config = parseConfig(readFileSync(DEMO, 'utf8'), DEMO, { env: {}, knownKinds: profileKinds });

const within2 = (actual: number, expected: number) => Math.abs(actual - expected) <= 0.02 * expected;

describe('demo store: live path against the simulator’s ground truth', () => {
  let truth: GroundTruthTotals;
  let run: LiveRun;

  beforeAll(async () => {
    const simulation = new StoreSimulation(config, {
      seed: 42,
      epochMs: Date.UTC(2026, 0, 5, 9),
      durationS: 7200,
      drain: true,
    });
    const frames: Frame[] = [];
    for (const message of simulation.messages()) if (message.stream === 'tracks') frames.push(message.event);
    truth = simulation.groundTruth();
    run = await runLive(config, new EventBus(), frames);
  }, 120_000);

  it('ran a real store: hundreds of customers, staff on shift, tracks cut at the camera seam', () => {
    expect(truth.customers).toBeGreaterThan(300);
    expect(truth.staff).toBe(2);
    expect(run.stitch.overlap).toBeGreaterThan(truth.customers); // most people cross the seam, many twice
  });

  it('counts each person once (journeys = customers + staff, within 2 %) and leaves staff out', () => {
    expect(within2(run.result.tracks, truth.customers + truth.staff)).toBe(true);
    expect(run.result.staff_tracks).toBe(truth.staff);
  });

  it('entries and exits through the entrance within 2 %', () => {
    const entrance = config.floor.lines.filter((line) => line.entrance).map((line) => line.id);
    const sum = (key: 'in' | 'out') => entrance.reduce((total, id) => total + (run.result.lines[id]?.[key] ?? 0), 0);
    expect(within2(sum('in'), truth.entries)).toBe(true);
    expect(within2(sum('out'), truth.exits)).toBe(true);
    expect(within2(run.result.store_visits.visits + run.result.store_visits.open, truth.entries)).toBe(true);
  });

  it('visits per area zone within 2 %', () => {
    const areas = config.floor.zones.filter((zone) => zone.kind === 'area');
    for (const zone of areas) {
      const expected = truth.visits[zone.id] ?? 0;
      expect(expected, zone.id).toBeGreaterThan(50);
      expect(run.result.zones[zone.id]?.visits, zone.id).toBeGreaterThanOrEqual(Math.ceil(expected * 0.98));
      expect(run.result.zones[zone.id]?.visits, zone.id).toBeLessThanOrEqual(Math.floor(expected * 1.02));
    }
  });

  it('transitions within 2 % (sum of absolute differences over all pairs)', () => {
    const key = (t: { from: string; to: string }) => `${t.from}>${t.to}`;
    const difference = new Map<string, number>();
    for (const t of truth.transitions) difference.set(key(t), (difference.get(key(t)) ?? 0) + t.count);
    for (const t of run.result.transitions) difference.set(key(t), (difference.get(key(t)) ?? 0) - t.count);
    const total = truth.transitions.reduce((sum, t) => sum + t.count, 0);
    const l1 = [...difference.values()].reduce((sum, d) => sum + Math.abs(d), 0);
    expect(total).toBeGreaterThan(1000);
    expect(l1).toBeLessThanOrEqual(0.02 * total);
    for (const t of truth.transitions.filter((t) => t.count >= 100)) {
      const found = run.result.transitions.find((r) => key(r) === key(t))?.count ?? 0;
      expect(within2(found, t.count), key(t)).toBe(true);
    }
  });
});
