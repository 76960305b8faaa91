/**
 * E2E (issue 3 must-show "Replaying zara01 through MQTT at 10x gives the same aggregates as `analyze`"):
 * the real broker, ingest, bus and live path; zara01 published as one camera by the replay publisher with
 * a real mqtt.js client, ten times faster than it happened. The bins the live path releases must sum to
 * exactly the figures `analyze` computes over the same samples (event time, not arrival: arrival ran at a
 * tenth of event time). Retained occupancy goes out on omo/gateway/occupancy/<zone> on the way.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze, summarizeRun } from '../../src/paths/analyze.js';
import { framesOf, type ReplayReport, replayFrames } from '../../src/paths/live/replay.js';
import { parseObsmatTracks } from '../../src/paths/tracks-file.js';
import { type PathsGateway, startPathsGateway } from '../paths/live/gateway-harness.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/zara01/${name}`, import.meta.url), 'utf8');
const rows = parseObsmatTracks(fixture('obsmat.txt'));
const YAML = `${fixture('config.yaml')}
devices:
  - { id: cam-zara, kind: camera, camera: { type: smart } }
`;

async function frameCount(gw: PathsGateway): Promise<number> {
  const metric = await gw.metrics.getSingleMetric('omo_paths_frames_total')?.get();
  return metric?.values.reduce((sum, v) => sum + v.value, 0) ?? 0;
}

describe('E2E: zara01 replayed over MQTT at 10x through the live path', () => {
  let gw: PathsGateway;
  let report: ReplayReport;
  let liveBinsBeforeStop = 0;
  let result: ReturnType<typeof summarizeRun>;

  beforeAll(async () => {
    gw = await startPathsGateway(YAML);
    const { password } = await gw.registry.add('cam-zara', 'camera');
    const frames = framesOf(rows);
    report = await replayFrames({ url: gw.mqttUrl, camera: 'cam-zara', password, frames, speed: 10, alignMs: 60_000 });
    const deadline = Date.now() + 10_000;
    while ((await frameCount(gw)) < frames.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const { model, analyzer } = gw.paths;
    if (model === undefined || analyzer === undefined) throw new Error('live path not running');
    liveBinsBeforeStop = gw.bins.length;
    await gw.paths.stop(); // flushes what the watermark still held back
    result = summarizeRun(model, analyzer, gw.bins);
  }, 120_000);
  afterAll(async () => gw?.stop());

  it('took every frame: nothing refused, nothing late, paced at 10x', async () => {
    expect(report.refused).toBe(0);
    expect(gw.refusals).toEqual([]);
    expect(await frameCount(gw)).toBe(report.frames);
    const durationS = (report.last_ts - report.first_ts) / 1000;
    expect(report.wall_s).toBeGreaterThan(durationS / 10 - 1);
    expect(report.wall_s).toBeLessThan(durationS / 10 + 15);
    expect(report.last_ts).toBeLessThanOrEqual(Date.now()); // no reading from the gateway's future
  });

  it('released final bins while the replay ran, and each bin once', () => {
    expect(liveBinsBeforeStop).toBeGreaterThan(2);
    const indexes = gw.bins.map((bin) => bin.index);
    expect(new Set(indexes).size).toBe(indexes.length);
  });

  it('sums to exactly what analyze computes over the same samples', () => {
    // The replay shifted event time by whole bins; analyze sees the same shifted times.
    const shifted = rows.map((row) => ({ ...row, t: (Math.round(row.t * 1000) + report.shift_ms) / 1000 }));
    const { config } = gw;
    const offline = analyze({ floor: config.floor, analysis: config.analysis, tracks: shifted });
    const { heatmap: liveHeat, ...live } = result;
    const { heatmap: offlineHeat, ...expected } = offline;
    expect(live).toEqual(expected);
    expect(liveHeat.seconds).toHaveLength(offlineHeat.seconds.length);
    liveHeat.seconds.forEach((s, i) => {
      expect(s).toBeCloseTo(offlineHeat.seconds[i] as number, 9);
    });
    expect(result).toMatchObject({ tracks: 148, samples: 5024 });
  });

  it('gives the counts of analyze on the file as it is (event time only moved by whole bins)', () => {
    const { config } = gw;
    const original = analyze({ floor: config.floor, analysis: config.analysis, tracks: rows });
    expect(report.shift_ms % 60_000).toBe(0);
    expect(result.lines).toEqual(original.lines);
    expect(result.transitions).toEqual(original.transitions);
    expect(result.paths).toEqual(original.paths);
    for (const [zone, figures] of Object.entries(original.zones)) {
      expect(result.zones[zone]?.visits).toBe(figures.visits);
      // Epoch seconds carry ~2e-7 s of float resolution; the file's own clock starts at 0.
      expect(result.zones[zone]?.dwell_s.total).toBeCloseTo(figures.dwell_s.total, 4);
    }
  });

  it('published retained occupancy per zone with event-time stamps', () => {
    const occupancy = gw.published.filter((p) => p.topic.startsWith('omo/gateway/occupancy/'));
    const zones = new Set(occupancy.map((p) => p.topic.split('/')[3]));
    expect([...zones].sort()).toEqual(Object.keys(result.zones).sort());
    for (const message of occupancy) {
      expect(message.retain).toBe(true);
      const body = JSON.parse(message.payload);
      expect(Object.keys(body)).toEqual(['zone', 'count', 'ts']);
      expect(message.topic).toBe(`omo/gateway/occupancy/${body.zone}`);
      expect(body.ts).toBeGreaterThanOrEqual(report.first_ts - 5000);
      expect(body.ts).toBeLessThanOrEqual(report.last_ts);
    }
    expect(
      occupancy.some((m) => JSON.parse(m.payload).zone === 'pavement_centre' && JSON.parse(m.payload).count > 0),
    ).toBe(true);
  });
});
