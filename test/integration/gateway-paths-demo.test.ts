/**
 * E2E (issue 3 must-show "On the demo store simulation the engines' figures match the simulator's ground
 * truth (entries, exits, visits per zone, transitions) within 2 %, staff excluded"), through the REAL
 * gateway: config/default.yaml's store, 40 simulated minutes of the virtual store (seed fixed, arrivals
 * then a drain until the last shopper has left), its smart cameras' track frames published over MQTT as
 * those cameras — two of them, overlapping by 3 m, each with its own track ids and 5 cm of position
 * noise — into broker → ingest → live paths (journey stitching) → aggregate store. The gateway is stopped
 * (flushing its last bins) and started again on the same data directory, then read as HQ reads it.
 *
 * The pure simulation runs first, in memory, and is then shifted by whole minutes to end a minute or two
 * before now, because the ingest refuses readings from its future. The broker's per-client publish rate
 * (100 msg/s by default) is raised in this copy of the config: the frames go out as fast as the gateway
 * acknowledges them, hundreds of times faster than cameras send.
 */
import { readFile, rm } from 'node:fs/promises';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { profileKinds } from '../../devices/index.js';
import { parseConfig } from '../../src/config/index.js';
import { type GroundTruthTotals, StoreSimulation } from '../../src/simulate/index.js';
import {
  DEFAULT_CONFIG,
  type GatewayUnderTest,
  makeDataDir,
  metricValue,
  parseMetrics,
  type Sample,
  startGateway,
  waitFor,
} from '../helpers/gateway.js';
import { publishFrames, type TrackFrame } from '../paths/live/frame-publisher.js';
import {
  addHqToken,
  type FlowMap,
  type FlowRow,
  type FootfallRow,
  hqRows,
  lineTotals,
  type Range,
  storedFlows,
  type ZoneRow,
  zoneTotals,
} from '../paths/live/hq-figures.js';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

async function demoYaml(): Promise<string> {
  const doc = parseDocument(await readFile(DEFAULT_CONFIG, 'utf8'));
  doc.setIn(['gateway', 'log_level'], 'warn');
  doc.setIn(['broker', 'limits', 'publish_rate_per_s'], 100_000);
  doc.setIn(['broker', 'limits', 'publish_burst'], 100_000);
  return doc.toString();
}

const within2 = (actual: number | undefined, expected: number) =>
  actual !== undefined && Math.abs(actual - expected) <= 0.02 * expected;

describe('E2E: the demo store through the real gateway against the simulator’s ground truth', () => {
  let dataDir: string;
  let gw: GatewayUnderTest | undefined;
  let yaml: string;
  let config: ReturnType<typeof parseConfig>;
  let token: string;
  let truth: GroundTruthTotals;
  let frames: TrackFrame[];
  let sent: number;
  let live: Sample[];
  let journeys: number;
  let range: Range;
  let stored: { transitions: FlowMap; paths: FlowMap };

  beforeAll(async () => {
    yaml = await demoYaml();
    config = parseConfig(yaml, DEFAULT_CONFIG, { env: {}, knownKinds: profileKinds });
    const simulation = new StoreSimulation(config, {
      seed: 42,
      epochMs: Date.UTC(2026, 0, 5, 9),
      durationS: 2400,
      drain: true,
    });
    frames = [];
    for (const message of simulation.messages()) if (message.stream === 'tracks') frames.push(message.event);
    truth = simulation.groundTruth();
    const first = (frames[0] as TrackFrame).ts;
    const last = (frames[frames.length - 1] as TrackFrame).ts;
    const shiftMs = Math.floor((Date.now() - MINUTE_MS - last) / MINUTE_MS) * MINUTE_MS;

    dataDir = await makeDataDir('omo-paths-demo-');
    token = await addHqToken(dataDir);
    gw = await startGateway({ yaml, dataDir });
    const running = gw;
    const clients = new Map<string, MqttClient>();
    for (const camera of new Set(frames.map((frame) => frame.deviceId))) {
      clients.set(camera, await running.connectDevice(camera, await running.addDevice(camera, 'camera')));
    }
    sent = await publishFrames({ clients, frames, shiftMs, windowMs: 1000 });
    await waitFor(
      async () => metricValue(await running.scrape(), 'omo_paths_frames_total') >= sent,
      10_000,
      'every frame in the live path',
    );
    live = await running.scrape();
    await running.stop(); // flushes what the watermark still held
    // The gateway's registry outlives it: the journeys the stop closed are counted there.
    journeys = metricValue(parseMetrics(await running.gateway.metrics.metrics()), 'omo_paths_journeys_total');
    gw = undefined;
    const fromMs = Math.floor((first + shiftMs) / HOUR_MS) * HOUR_MS;
    range = { fromMs, toMs: Math.floor((last + shiftMs) / HOUR_MS) * HOUR_MS + HOUR_MS };
    stored = await storedFlows(dataDir, config, range);
    gw = await startGateway({ yaml, dataDir });
  });

  afterAll(async () => {
    await gw?.stop();
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  });

  it('ran a real store: customers, two staff on shift, two cameras; the gateway took every frame', () => {
    expect(truth.customers).toBeGreaterThan(100);
    expect(truth.staff).toBe(2);
    expect(new Set(frames.map((frame) => frame.deviceId))).toEqual(new Set(['cam-west', 'cam-east']));
    expect(sent).toBe(frames.length);
    expect(metricValue(live, 'omo_paths_frames_total')).toBe(sent);
    expect(metricValue(live, 'omo_paths_frames_dropped_total')).toBe(0);
    expect(metricValue(live, 'omo_ingest_refused_total')).toBe(0);
    expect(metricValue(live, 'omo_broker_refused_total')).toBe(0);
    expect(metricValue(live, 'omo_paths_bin_failures_total')).toBe(0);
    // Tracks cut at the camera seam were stitched: most people cross it, many twice.
    expect(metricValue(live, 'omo_paths_stitched_tracks_total', { how: 'overlap' })).toBeGreaterThan(truth.customers);
  });

  it('counts each person once: journeys = customers + staff within 2 %', () => {
    expect(within2(journeys, truth.customers + truth.staff), `${journeys} journeys`).toBe(true);
  });

  it('entries and exits through the entrance line (HQ /footfall, hourly roll-ups) within 2 %', async () => {
    const rows = await hqRows<FootfallRow>(gw as GatewayUnderTest, token, 'footfall', range, 'hour');
    const entrance = config.floor.lines.filter((line) => line.entrance).map((line) => line.id);
    expect(entrance).toEqual(['entrance_door']);
    const totals = lineTotals(rows);
    expect(truth.entries).toBe(truth.customers);
    expect(within2(totals.entrance_door?.in, truth.entries), `in ${totals.entrance_door?.in} vs ${truth.entries}`).toBe(
      true,
    );
    expect(within2(totals.entrance_door?.out, truth.exits), `out ${totals.entrance_door?.out} vs ${truth.exits}`).toBe(
      true,
    );
  });

  it('visits per area zone (HQ /zones/stats) within 2 %, staff left out', async () => {
    const totals = zoneTotals(await hqRows<ZoneRow>(gw as GatewayUnderTest, token, 'zones/stats', range, 'hour'));
    const areas = config.floor.zones.filter((zone) => zone.kind === 'area').map((zone) => zone.id);
    for (const zone of areas) {
      const expected = truth.visits[zone] ?? 0;
      expect(expected, zone).toBeGreaterThan(50);
      expect(within2(totals[zone]?.visits, expected), `${zone}: ${totals[zone]?.visits} vs ${expected}`).toBe(true);
    }
    // Staff walk the customer floor: counting them would have shown beyond 2 % somewhere.
    const showing = areas.filter((zone) => (truth.staffVisits[zone] ?? 0) > 0.02 * (truth.visits[zone] ?? 0));
    expect(showing.length).toBeGreaterThan(0);
  });

  it('transitions stored raw within 2 % (sum of absolute differences); exported k-anonymised, none lost', async () => {
    const expected: FlowMap = {};
    for (const t of truth.transitions) expected[`${t.from}>${t.to}`] = t.count;
    const total = truth.transitions.reduce((sum, t) => sum + t.count, 0);
    const keys = new Set([...Object.keys(expected), ...Object.keys(stored.transitions)]);
    let l1 = 0;
    for (const key of keys) l1 += Math.abs((expected[key] ?? 0) - (stored.transitions[key] ?? 0));
    expect(total).toBeGreaterThan(500);
    expect(l1, `L1 ${l1} of ${total}`).toBeLessThanOrEqual(0.02 * total);

    const exported = await hqRows<FlowRow>(gw as GatewayUnderTest, token, 'paths/transitions', range, 'hour');
    const storedTotal = Object.values(stored.transitions).reduce((sum, n) => sum + n, 0);
    expect(exported.reduce((sum, row) => sum + row.count, 0)).toBe(storedTotal);
    const k = config.analysis.k_anonymity;
    for (const row of exported.filter((r) => !r.other)) expect(row.count).toBeGreaterThanOrEqual(k);
  });
});
