/**
 * E2E (issue 3 must-show "Replaying zara01 through MQTT at 10x gives the same aggregates as `analyze`"):
 * the real gateway (src/gateway.ts: broker, ingest, bus, live paths, aggregate store, HQ API) on port 0;
 * zara01 published as one camera by the replay publisher with a real mqtt.js client, ten times faster
 * than it happened. What the gateway stored must be exactly what `analyze` computes over the same samples
 * (event time, not arrival: arrival ran at a tenth of event time). The gateway is stopped — which flushes
 * the bins its watermark still held — and started again on the same data directory, and the figures are
 * read back as HQ reads them: /footfall, /zones/stats, /heatmap, /paths/* with an hq:read token.
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profileKinds } from '../../devices/index.js';
import { parseConfig } from '../../src/config/index.js';
import { type AnalyzeResult, analyze } from '../../src/paths/analyze.js';
import { parseObsmatTracks } from '../../src/paths/tracks-file.js';
import { framesOf, type ReplayReport, replayFrames } from '../../src/simulate/track-replay.js';
import {
  type GatewayUnderTest,
  makeDataDir,
  metricValue,
  type Sample,
  startGateway,
  waitFor,
} from '../helpers/gateway.js';
import { recordGatewayPublishes, retainedMessages, type SeenPublish } from '../paths/live/broker-peek.js';
import {
  addHqToken,
  type FlowMap,
  type FlowRow,
  type FootfallRow,
  flowMap,
  hqRows,
  lineTotals,
  minuteRange,
  type Range,
  storedFlows,
  type TopPathRow,
  type ZoneRow,
  zoneTotals,
} from '../paths/live/hq-figures.js';
import { fixture } from '../paths/live/zara01-views.js';

const rows = parseObsmatTracks(fixture('obsmat.txt'));
const YAML = `${fixture('config.yaml')}
devices:
  - { id: cam-zara, kind: camera, camera: { type: smart } }
`;
const config = parseConfig(YAML, 'zara01.yaml', { env: {}, knownKinds: profileKinds });
const OCCUPANCY = 'omo/gateway/occupancy/';

interface ApiOccupancy {
  items: { zone: string; kind: string; count: number; at: string | null }[];
}

describe('E2E: zara01 replayed over MQTT at 10x through the real gateway', () => {
  let dataDir: string;
  let token: string;
  let gw: GatewayUnderTest | undefined;
  let report: ReplayReport;
  let live: Sample[];
  let published: SeenPublish[];
  let retained: SeenPublish[];
  let occupancyNow: ApiOccupancy;
  let subscribeGrant: number[];
  let stored: { transitions: FlowMap; paths: FlowMap };
  let range: Range;
  let offline: AnalyzeResult;

  beforeAll(async () => {
    dataDir = await makeDataDir('omo-paths-replay-');
    token = await addHqToken(dataDir);
    gw = await startGateway({ yaml: YAML, dataDir });
    const running = gw;
    const password = await running.addDevice('cam-zara', 'camera');
    published = recordGatewayPublishes(running.gateway, OCCUPANCY);
    const frames = framesOf(rows);
    const url = `mqtt://127.0.0.1:${running.ports.mqtt}`;
    report = await replayFrames({ url, camera: 'cam-zara', password, frames, speed: 10, alignMs: 60_000 });
    await waitFor(
      async () => metricValue(await running.scrape(), 'omo_paths_frames_total') >= frames.length,
      10_000,
      'every replayed frame in the live path',
    );
    // Occupancy is refreshed on the gateway's 1 s timer: wait for the one at the final watermark (the
    // last reading minus watermark_s). The watermark then stands still and the timer re-publishes any
    // count it had to hold back (one message per zone per second): the retained values settle on it.
    const finalWatermark = new Date(report.last_ts - config.ingest.watermark_s * 1000).toISOString();
    [occupancyNow, retained] = await waitFor(
      async () => {
        const api = (await (await running.http('/api/v1/occupancy', { token })).json()) as ApiOccupancy;
        if (api.items[0]?.at !== finalWatermark) return null;
        const kept = await retainedMessages(running.gateway, `${OCCUPANCY}+`);
        const same = api.items.every((row) =>
          kept.find((m) => m.topic === `${OCCUPANCY}${row.zone}`)?.payload.includes(`"count":${row.count},`),
        );
        return same && kept.length === api.items.length ? ([api, kept] as const) : null;
      },
      5000,
      'retained occupancy equal to /api/v1/occupancy',
    );
    const probe = await running.connectDevice('cam-zara:probe', password, { username: 'cam-zara' });
    subscribeGrant = await probe.subscribeAsync(`${OCCUPANCY}+`).then(
      (grants) => grants.map((grant) => grant.qos),
      // mqtt.js rejects a subscription the broker refused; the SUBACK it got rides on the error.
      (error: { packet?: { granted?: number[] } }) => error.packet?.granted ?? [],
    );
    live = await running.scrape();
    await running.stop(); // flushes the frames, journeys and bins the watermark still held
    gw = undefined;

    // Replay shifted event time by whole bins; analyze sees the same shifted times.
    const shifted = rows.map((row) => ({ ...row, t: (Math.round(row.t * 1000) + report.shift_ms) / 1000 }));
    offline = analyze({ floor: config.floor, analysis: config.analysis, tracks: shifted });
    range = minuteRange(report.first_ts, report.last_ts);
    stored = await storedFlows(dataDir, config, range);
    gw = await startGateway({ yaml: YAML, dataDir });
  });

  afterAll(async () => {
    await gw?.stop();
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  });

  it('took every frame: nothing refused, nothing late, paced at 10x', () => {
    expect(report.refused).toBe(0);
    expect(metricValue(live, 'omo_ingest_refused_total')).toBe(0);
    expect(metricValue(live, 'omo_broker_refused_total')).toBe(0);
    expect(metricValue(live, 'omo_paths_frames_dropped_total')).toBe(0);
    expect(metricValue(live, 'omo_paths_frames_total')).toBe(report.frames);
    // Paced: never faster than 10x event time. Not bounded above: how far a loaded machine lags is not
    // the replay's contract, and an upper bound would fail on a machine busy with other work.
    const durationS = (report.last_ts - report.first_ts) / 1000;
    expect(report.wall_s).toBeGreaterThan(durationS / 10 - 1);
    expect(report.last_ts).toBeLessThanOrEqual(Date.now()); // no reading from the gateway's future
  });

  it('released and stored final bins while the replay ran', () => {
    expect(metricValue(live, 'omo_paths_bins_total')).toBeGreaterThan(2);
    expect(metricValue(live, 'omo_paths_bin_failures_total')).toBe(0);
    expect(metricValue(live, 'omo_aggregate_bins_written_total')).toBe(metricValue(live, 'omo_paths_bins_total'));
  });

  it('footfall per line (in, out, groups) from the HQ API equals analyze', async () => {
    const totals = lineTotals(await hqRows<FootfallRow>(gw as GatewayUnderTest, token, 'footfall', range));
    for (const [line, figures] of Object.entries(offline.lines)) {
      const { mode: _mode, ...counts } = figures;
      expect(totals[line], line).toEqual(counts);
    }
    expect(offline.lines.door?.in).toBe(9);
  });

  it('zone visits, dwells and dwell totals from the HQ API equal analyze; occupancy bin by bin', async () => {
    const rowsByBin = await hqRows<ZoneRow>(gw as GatewayUnderTest, token, 'zones/stats', range);
    const totals = zoneTotals(rowsByBin);
    for (const [zone, figures] of Object.entries(offline.zones)) {
      const { visits, dwells, pass_throughs } = figures;
      expect({ visits, dwells, pass_throughs }, zone).toEqual({
        visits: totals[zone]?.visits,
        dwells: totals[zone]?.dwells,
        pass_throughs: totals[zone]?.pass_throughs,
      });
      expect(totals[zone]?.dwell_total_s, zone).toBeCloseTo(figures.dwell_s.total, 6);
    }
    for (const [zone, series] of Object.entries(offline.occupancy)) {
      for (const bin of series) {
        const row = rowsByBin.find((r) => r.zone === zone && Date.parse(r.bin_start) === Date.parse(bin.bin_start));
        expect(row, `${zone} ${bin.bin_start}`).toBeDefined();
        expect([row?.occupancy_end, row?.occupancy_max], `${zone} ${bin.bin_start}`).toEqual([bin.end, bin.max]);
        expect(row?.occupancy_mean).toBeCloseTo(bin.mean, 9);
      }
    }
  });

  it('the heatmap from the HQ API equals analyze (float32 storage)', async () => {
    const query = new URLSearchParams({
      from: new Date(range.fromMs).toISOString(),
      to: new Date(range.toMs).toISOString(),
      bin: 'minute',
    });
    const response = await (gw as GatewayUnderTest).http(`/api/v1/heatmap?${query}`, { token });
    expect(response.status).toBe(200);
    const heat = (await response.json()) as { cols: number; rows: number; seconds: number[] };
    expect([heat.cols, heat.rows]).toEqual([offline.heatmap.cols, offline.heatmap.rows]);
    heat.seconds.forEach((s, cell) => {
      const expected = offline.heatmap.seconds[cell] as number;
      expect(Math.abs(s - expected), `cell ${cell}`).toBeLessThanOrEqual(1e-6 * Math.max(1, expected));
    });
  });

  it('stores the raw transitions and paths of analyze', () => {
    expect(stored.transitions).toEqual(
      flowMap(offline.transitions.map((t) => ({ zones: [t.from, t.to], count: t.count }))),
    );
    expect(stored.paths).toEqual(flowMap(offline.paths));
  });

  it('exports transitions and top paths k-anonymised: nothing below k, nothing lost', async () => {
    const k = config.analysis.k_anonymity;
    const transitions = await hqRows<FlowRow>(gw as GatewayUnderTest, token, 'paths/transitions', range);
    const total = offline.transitions.reduce((sum, t) => sum + t.count, 0);
    expect(transitions.reduce((sum, row) => sum + row.count, 0)).toBe(total);
    for (const row of transitions.filter((r) => !r.other)) {
      expect(row.count).toBeGreaterThanOrEqual(k);
      const raw = offline.transitions.find((t) => t.from === row.from && t.to === row.to);
      expect(row.count).toBeLessThanOrEqual(raw?.count ?? 0);
    }
    // Top paths fold over the whole range: the kept ones are exactly analyze's paths counted ≥ k times.
    const top = await hqRows<TopPathRow>(gw as GatewayUnderTest, token, 'paths/top', range);
    const frequent = offline.paths.filter((p) => p.count >= k);
    const rare = offline.paths.filter((p) => p.count < k);
    expect(Object.fromEntries(top.filter((r) => !r.other).map((r) => [r.path, r.count]))).toEqual(flowMap(frequent));
    expect(top.filter((r) => r.other).map((r) => [r.count, r.folded_flows])).toEqual([
      [rare.reduce((sum, p) => sum + p.count, 0), rare.length],
    ]);
  });

  it('gives the counts of analyze on the file as it is (event time only moved by whole bins)', () => {
    const original = analyze({ floor: config.floor, analysis: config.analysis, tracks: rows });
    expect(report.shift_ms % 60_000).toBe(0);
    expect(offline.lines).toEqual(original.lines);
    expect(offline.transitions).toEqual(original.transitions);
    expect(offline.paths).toEqual(original.paths);
    expect(offline).toMatchObject({ tracks: 148, samples: 5024 });
  });

  it('kept retained occupancy per zone, equal to /api/v1/occupancy, though no device may subscribe to it', () => {
    // The ACL grants a device only its own downlink topics: SUBACK 0x80 for the gateway's topics.
    expect(subscribeGrant).toEqual([128]);
    expect(occupancyNow.items.map((row) => row.zone)).toEqual(config.floor.zones.map((zone) => zone.id));
    const at = report.last_ts - config.ingest.watermark_s * 1000;
    expect(occupancyNow.items.every((row) => row.at === new Date(at).toISOString())).toBe(true);
    expect(retained.map((m) => m.topic)).toEqual(config.floor.zones.map((z) => `${OCCUPANCY}${z.id}`).sort());
    for (const message of [...retained, ...published]) {
      expect(message.retain).toBe(true);
      const body = JSON.parse(message.payload);
      expect(Object.keys(body)).toEqual(['zone', 'count', 'ts']);
      expect(message.topic).toBe(`${OCCUPANCY}${body.zone}`);
      expect(body.ts).toBeGreaterThanOrEqual(report.first_ts - 5000);
      expect(body.ts).toBeLessThanOrEqual(report.last_ts);
    }
    const centre = published.filter((m) => m.topic === `${OCCUPANCY}pavement_centre`).map((m) => JSON.parse(m.payload));
    expect(Math.max(...centre.map((body) => body.count))).toBeGreaterThan(1);
  });
});
