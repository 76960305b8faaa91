/**
 * E2E: the whole gateway's uplink (issue 4 "Normal flow", "Outage", "Full outbox", "Operator view";
 * ARCHITECTURE §6, §7, §11). A real gateway in-process — broker, ingest, live path, aggregate store,
 * outbox and uplink as `src/gateway.ts` composes them — gets the zara01 camera tracks over MQTT from a
 * real mqtt.js client, with 10 s bins so seconds of test cover minutes of store; a real Mosquitto,
 * started here, is the cloud broker. What arrives there is checked as a cloud consumer would: every
 * payload valid against the envelope schema, ids unique and exactly the outbox's, order per stream,
 * and the figures equal to what the HQ API reports for the same minutes.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type GatewayUnderTest, metricValue, startGateway, waitFor } from '../helpers/gateway.js';
import { Mosquitto } from '../helpers/mosquitto.js';
import { CloudCollector } from '../uplink/cloud-collector.js';
import { expectOrderPerStream } from '../uplink/fixtures.js';
import { TrackFeeder, zara01Frames } from './helpers/track-feeder.js';
import {
  type BinRecord,
  CAMERA,
  gatewayYaml,
  latestPerBin,
  readOutbox,
  replayedRecords,
  sourceKeysUnderTwoIds,
} from './helpers/uplink-checks.js';

const STORE = 'e2e-store';
const GATEWAY = 'e2e-gw';
const BIN_MS = 10_000;
const MINUTE_MS = 60_000;

let broker: Mosquitto | undefined;
let cloud: CloudCollector | undefined;
let gw: GatewayUnderTest | undefined;
let feeder: TrackFeeder | undefined;

afterEach(async () => {
  await feeder?.stop();
  await gw?.stop();
  await cloud?.stop();
  await broker?.dispose();
  feeder = gw = cloud = broker = undefined;
});

interface Rig {
  broker: Mosquitto;
  cloud: CloudCollector;
  gw: GatewayUnderTest;
  password: string;
}

async function setUp(uplink: Record<string, unknown> = {}): Promise<Rig> {
  broker = await Mosquitto.launch({ persistence: true });
  cloud = new CloudCollector(broker.url, `omo/${STORE}/v1/#`);
  await cloud.start();
  gw = await startGateway({
    yaml: gatewayYaml({ storeId: STORE, gatewayId: GATEWAY, uplinkUrl: broker.url, binS: BIN_MS / 1000, uplink }),
  });
  const password = await gw.addDevice(CAMERA, 'camera');
  return { broker, cloud, gw, password };
}

/** zara01's length in event time, ms. */
function fileMs(): number {
  const frames = zara01Frames();
  return ((frames.at(-1)?.t ?? 0) - (frames[0]?.t ?? 0)) * 1000;
}

/** A feeder whose event time reaches the wall clock after about `wallS` seconds at `speed`. */
function feederFor(rig: Rig, speed: number, wallS: number, loops?: number): TrackFeeder {
  const startMs = Math.floor((Date.now() - wallS * 1000 * (speed - 1)) / BIN_MS) * BIN_MS;
  feeder = new TrackFeeder({
    url: `mqtt://127.0.0.1:${rig.gw.ports.mqtt}`,
    camera: CAMERA,
    password: rig.password,
    speed,
    startMs,
    ...(loops === undefined ? {} : { loops }),
  });
  return feeder;
}

async function healthz(
  rig: Rig,
): Promise<{ code: number; body: Record<string, unknown> & { uplink: Record<string, unknown> } }> {
  const response = await rig.gw.http('/healthz');
  return { code: response.status, body: (await response.json()) as never };
}

const outboxFile = (rig: Rig) => join(rig.gw.dataDir, 'outbox.db');

/**
 * Waits until the outbox has nothing pending and the cloud holds every id it assigned but those it
 * dropped (a dropped record may still have arrived: published, its PUBACK lost, then evicted).
 */
async function drained(rig: Rig, what: string): Promise<ReturnType<typeof readOutbox>> {
  let last = '';
  try {
    return await waitFor(
      () => {
        const ledger = readOutbox(outboxFile(rig), GATEWAY);
        const held = rig.cloud.uniqueRecords();
        const missing = [...ledger.assigned].filter((id) => !held.has(id)).length;
        last = `pending ${ledger.pending}, assigned ${ledger.assigned.size}, missing ${missing}, dropped ${ledger.droppedTotal}`;
        return ledger.pending === 0 && missing <= ledger.droppedTotal ? ledger : null;
      },
      20_000,
      what,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}: ${last}`);
  }
}

/** Sums of the cloud's records (highest revision per 10 s bin) per minute and key. */
function perMinute<T extends Record<string, number>>(
  records: Map<number, BinRecord>,
  rows: (record: BinRecord) => [string, T][],
): Map<string, T> {
  const sums = new Map<string, T>();
  for (const [start, record] of records) {
    const minute = Math.floor(start / MINUTE_MS) * MINUTE_MS;
    for (const [key, figures] of rows(record)) {
      const id = `${minute} ${key}`;
      const sum = sums.get(id) ?? (Object.fromEntries(Object.keys(figures).map((k) => [k, 0])) as T);
      for (const [k, v] of Object.entries(figures)) (sum as Record<string, number>)[k] = (sum[k] ?? 0) + v;
      sums.set(id, sum);
    }
  }
  return sums;
}

describe('E2E: gateway → outbox → uplink → Mosquitto', () => {
  it('uplinks the aggregates of camera tracks: valid, unique, in order, equal to the HQ API', async () => {
    const rig = await setUp();
    const speed = 60;
    const feed = feederFor(rig, speed, fileMs() / 1000 / speed, 1);
    await feed.start();
    await feed.done;
    const lastFrameTs = feed.stats.lastTs;
    // Nobody in view 20 s later: the watermark passes every bin and every track ends.
    await feed.publishEmptyFrame(lastFrameTs + 20_000);
    const lastBin = Math.floor(lastFrameTs / BIN_MS) * BIN_MS;
    await waitFor(() => latestPerBin(rig.cloud, 'footfall').has(lastBin), 20_000, 'the last bin at the cloud');
    const ledger = await drained(rig, 'the outbox to drain');

    expect(rig.cloud.invalid).toEqual([]);
    const data = rig.cloud.messages.filter((m) => m.envelope.seq > 0);
    const ids = data.flatMap((m) => m.envelope.records.map((r) => r.id));
    expect(ids.length).toBe(new Set(ids).size); // without faults, not even a replay
    expect(new Set(ids)).toEqual(ledger.assigned);
    expect(ledger.droppedTotal).toBe(0);
    expectOrderPerStream(rig.cloud.messages);
    for (const message of data) {
      const stream = message.topic.split('/').at(-1);
      expect(message.topic).toBe(`omo/${STORE}/v1/${stream}`);
      expect(message.envelope).toMatchObject({ schema: `omo-edge/${stream}/v1`, gateway: GATEWAY, store: STORE });
      for (const record of message.envelope.records) expect(record.id.startsWith(`${GATEWAY}:${stream}:`)).toBe(true);
    }
    expect(sourceKeysUnderTwoIds(rig.cloud)).toEqual([]);

    // Every 10 s bin with someone in it, from the first frame's bin to the last.
    const footfall = latestPerBin(rig.cloud, 'footfall');
    const zones = latestPerBin(rig.cloud, 'zones');
    const firstBin = Math.min(...footfall.keys());
    expect(footfall.size).toBeGreaterThanOrEqual(Math.floor(fileMs() / BIN_MS) - 2);
    expect(zones.size).toBe(footfall.size);
    expect(latestPerBin(rig.cloud, 'heatmap').size).toBeGreaterThan(footfall.size / 2);
    expect(latestPerBin(rig.cloud, 'paths').size).toBeGreaterThan(0);
    for (const record of footfall.values()) expect(record.bin_s).toBe(10);
    const crossings = [...footfall.values()].reduce((n, r) => n + Number(r.visitors_in) + Number(r.visitors_out), 0);
    expect(crossings).toBeGreaterThan(0);

    // The HQ API reports the same figures for the same minutes (its finest resolution is a minute).
    const from = new Date(Math.floor(firstBin / MINUTE_MS) * MINUTE_MS).toISOString();
    const to = new Date(Math.floor(lastBin / MINUTE_MS) * MINUTE_MS + MINUTE_MS).toISOString();
    const api = async (path: string) => {
      const response = await rig.gw.http(`/api/v1/${path}?from=${from}&to=${to}&bin=minute&limit=1000`, {
        token: rig.gw.adminToken,
      });
      expect(response.status).toBe(200);
      return ((await response.json()) as { items: Record<string, unknown>[] }).items;
    };
    const cloudLines = perMinute(footfall, (r) =>
      (r.lines as { line: string; in: number; out: number; groups_in: number; groups_out: number }[]).map((l) => [
        l.line,
        { in: l.in, out: l.out, groups_in: l.groups_in, groups_out: l.groups_out },
      ]),
    );
    const lineRows = await api('footfall');
    expect(lineRows.length).toBeGreaterThan(0);
    for (const row of lineRows) {
      const key = `${Date.parse(String(row.bin_start))} ${row.line}`;
      const cloudRow = cloudLines.get(key) ?? { in: 0, out: 0, groups_in: 0, groups_out: 0 };
      expect({ in: row.in, out: row.out, groups_in: row.groups_in, groups_out: row.groups_out }, key).toEqual(cloudRow);
    }
    const cloudZones = perMinute(zones, (r) =>
      (r.zones as { zone: string; visits: number; dwells: number; pass_throughs: number; dwell_total_s: number }[]).map(
        (z) => [
          z.zone,
          { visits: z.visits, dwells: z.dwells, pass_throughs: z.pass_throughs, dwell_total_s: z.dwell_total_s },
        ],
      ),
    );
    let visits = 0;
    for (const row of await api('zones/stats')) {
      const key = `${Date.parse(String(row.bin_start))} ${row.zone}`;
      const cloudRow = cloudZones.get(key) ?? { visits: 0, dwells: 0, pass_throughs: 0, dwell_total_s: 0 };
      expect({ visits: row.visits, dwells: row.dwells, pass_throughs: row.pass_throughs }, key).toEqual({
        visits: cloudRow.visits,
        dwells: cloudRow.dwells,
        pass_throughs: cloudRow.pass_throughs,
      });
      expect(Number(row.dwell_total_s)).toBeCloseTo(cloudRow.dwell_total_s, 6);
      visits += Number(row.visits);
    }
    expect(visits).toBeGreaterThan(0);

    // The operator view: /healthz and /metrics say connected, nothing waiting, the last ack, no drops.
    const health = await healthz(rig);
    expect(health.code).toBe(200);
    expect(health.body.status).toBe('ok');
    expect(health.body.uplink).toMatchObject({
      status: 'ok',
      connected: true,
      backlog: 0,
      dropped: 0,
      sent: ids.length,
    });
    expect(Date.now() - Date.parse(String(health.body.uplink.last_ack_at))).toBeLessThan(30_000);
    const metrics = await rig.gw.scrape();
    expect(metricValue(metrics, 'omo_uplink_connected')).toBe(1);
    expect(metricValue(metrics, 'omo_uplink_backlog_records')).toBe(0);
    expect(metricValue(metrics, 'omo_uplink_sent_records_total')).toBe(ids.length);
    expect(metricValue(metrics, 'omo_uplink_sent_records_total', { stream: 'footfall' })).toBe(footfall.size);
    expect(metricValue(metrics, 'omo_uplink_dropped_records_total')).toBe(0);
    expect(metricValue(metrics, 'omo_uplink_last_ack_timestamp_seconds')).toBeGreaterThan(Date.now() / 1000 - 30);
  }, 90_000);

  it('loses nothing while the cloud broker is down during traffic, and says so while it is', async () => {
    const rig = await setUp();
    const feed = feederFor(rig, 20, 10);
    await feed.start();
    await waitFor(() => latestPerBin(rig.cloud, 'footfall').size >= 3, 15_000, 'traffic before the outage');
    const outageStart = Date.now();
    await rig.broker.stop();
    const down = await waitFor(
      async () => {
        const health = await healthz(rig);
        return health.body.uplink.connected === false && Number(health.body.uplink.backlog) > 0 ? health : null;
      },
      10_000,
      'the gateway to notice the outage with records waiting',
    );
    expect(down.code).toBe(200); // the cloud being away degrades, it does not fail the gateway
    expect(down.body.status).toBe('degraded');
    expect(down.body.uplink.status).toBe('degraded');
    const downMetrics = await rig.gw.scrape();
    expect(metricValue(downMetrics, 'omo_uplink_connected')).toBe(0);
    expect(metricValue(downMetrics, 'omo_uplink_backlog_records')).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // more bins close while it is away
    const outageEnd = Date.now();
    await rig.broker.start();
    await new Promise((resolve) => setTimeout(resolve, 1500)); // traffic after the outage
    feed.pause();
    const ledger = await drained(rig, 'everything produced during the outage');

    expect(ledger.droppedTotal).toBe(0);
    const held = rig.cloud.uniqueRecords();
    expect(new Set(held.keys())).toEqual(ledger.assigned);
    const duringOutage = [...held.values()].filter((r) => {
      const at = Date.parse(String(r.produced_at));
      return at >= outageStart && at <= outageEnd;
    });
    expect(duringOutage.length).toBeGreaterThanOrEqual(4);
    expect(sourceKeysUnderTwoIds(rig.cloud)).toEqual([]);
    expect(rig.cloud.invalid).toEqual([]);
    expectOrderPerStream(rig.cloud.messages);
    const health = await healthz(rig);
    expect(health.body.uplink).toMatchObject({ status: 'ok', connected: true, backlog: 0, dropped: 0 });
    console.info(
      `outage: ${ledger.assigned.size} ids, ${duringOutage.length} produced while the broker was down, ${replayedRecords(rig.cloud)} replays removed by id`,
    );
  }, 90_000);

  it('drops the oldest when a tiny outbox fills during an outage, uplinks the count, stays healthy', async () => {
    const rig = await setUp({ outbox_max_bytes: 8192 });
    const feed = feederFor(rig, 20, 10);
    await feed.start();
    await waitFor(() => latestPerBin(rig.cloud, 'footfall').size >= 2, 15_000, 'traffic before the outage');
    await rig.broker.stop();
    const full = await waitFor(
      async () => {
        const health = await healthz(rig);
        return Number(health.body.uplink.dropped) > 0 ? health : null;
      },
      15_000,
      'the outbox to overflow',
    );
    expect(full.code).toBe(200);
    expect(full.body.status).toBe('degraded');
    expect(full.body.storage).toMatchObject({ status: 'ok' });
    expect(Number((full.body.storage as { outbox_bytes: number }).outbox_bytes)).toBeLessThanOrEqual(8192);
    const written = metricValue(await rig.gw.scrape(), 'omo_aggregate_bins_written_total');
    await waitFor(
      async () => metricValue(await rig.gw.scrape(), 'omo_aggregate_bins_written_total') > written + 2,
      10_000,
      'bins still written while the outbox is full',
    );
    await rig.broker.start();
    feed.pause();
    // Each report is itself appended to the full outbox and may push out one more record, which the
    // next report counts: wait for the report whose cumulative total is the outbox's final one.
    const reportedTotal = () =>
      Math.max(0, ...[...rig.cloud.uniqueRecords('alerts').values()].map((r) => Number(r.dropped_total ?? 0)));
    let ledger = await drained(rig, 'the survivors and the drop report');
    await waitFor(
      async () => {
        ledger = await drained(rig, 'the survivors');
        return reportedTotal() === ledger.droppedTotal;
      },
      15_000,
      'a drop report with the final total',
    );
    expect(ledger.droppedTotal).toBeGreaterThan(0);
    const reports = [...rig.cloud.uniqueRecords('alerts').values()].filter((r) => r.type === 'outbox_dropped');
    expect(reports.length).toBeGreaterThan(0);
    expect(reports.reduce((sum, r) => sum + Number(r.count), 0)).toBe(ledger.droppedTotal);
    const held = rig.cloud.uniqueRecords();
    for (const id of held.keys()) expect(ledger.assigned.has(id), id).toBe(true);
    expect(ledger.assigned.size - held.size).toBeLessThanOrEqual(ledger.droppedTotal);
    expect(ledger.assigned.size - held.size).toBeGreaterThan(0);
    const health = await healthz(rig);
    expect(health.code).toBe(200);
    expect(health.body.uplink).toMatchObject({
      status: 'ok',
      connected: true,
      backlog: 0,
      dropped: ledger.droppedTotal,
    });
    const metrics = await rig.gw.scrape();
    expect(metricValue(metrics, 'omo_uplink_dropped_records_total')).toBe(ledger.droppedTotal);
    expect(sourceKeysUnderTwoIds(rig.cloud)).toEqual([]);
    expect(rig.cloud.invalid).toEqual([]);
    console.info(`full outbox: ${ledger.assigned.size} ids, ${ledger.droppedTotal} dropped and reported`);
  }, 90_000);
});
