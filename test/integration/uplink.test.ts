/**
 * E2E: the uplink against a real Mosquitto as the cloud broker (issue 4, "Must show"): a simulated
 * hour arrives valid, unique and in order; an outage loses nothing; a full outbox drops the oldest
 * with an uplinked count; HQ's resend command re-sends a time range with the original ids.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UplinkConfig } from '../../src/config/schema.js';
import { createRegistry, type Registry } from '../../src/metrics.js';
import { Outbox } from '../../src/store/outbox/outbox.js';
import { Uplink } from '../../src/uplink/uplink.js';
import { Mosquitto, type MosquittoOptions } from '../helpers/mosquitto.js';
import { CloudCollector } from '../uplink/cloud-collector.js';
import {
  appendSimulatedHour,
  expectOrderPerStream,
  SimClock,
  seqOf,
  uplinkConfig,
  waitFor,
} from '../uplink/fixtures.js';

process.env.OMO_LOG_LEVEL ??= 'warn';

const HOUR_START = Date.parse('2024-03-01T09:00:00Z');
const GATEWAY = 'gw-1';
const STORE = 'store-7';

interface Rig {
  registry: Registry;
  broker: Mosquitto;
  cloud: CloudCollector;
  outbox: Outbox;
  uplink: Uplink;
  clock: SimClock | undefined;
}

let dir: string;
let rig: Partial<Rig> = {};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'omo-uplink-'));
  rig = {};
});

afterEach(async () => {
  await rig.uplink?.stop();
  await rig.outbox?.stop();
  await rig.cloud?.stop();
  await rig.broker?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function setUp(
  options: { broker?: MosquittoOptions; uplink?: Partial<UplinkConfig>; maxBytes?: number; clock?: SimClock } = {},
): Promise<Rig> {
  const broker = await Mosquitto.launch(options.broker);
  const cloud = new CloudCollector(broker.url, `omo/${STORE}/v1/#`);
  await cloud.start();
  const outbox = new Outbox({
    gatewayId: GATEWAY,
    path: join(dir, 'outbox.db'),
    maxBytes: options.maxBytes ?? 64 * 1024 ** 2,
    maxAgeMs: 168 * 3600_000,
    ...(options.clock ? { now: options.clock.now } : {}),
  });
  await outbox.start();
  const registry = createRegistry();
  const uplink = new Uplink({
    config: uplinkConfig(broker.url, options.uplink),
    storeId: STORE,
    gatewayId: GATEWAY,
    outbox,
    metrics: registry,
    configDir: dir,
  });
  rig = { registry, broker, cloud, outbox, uplink, clock: options.clock };
  return rig as Rig;
}

const dataMessages = (cloud: CloudCollector) => cloud.messages.filter((m) => m.envelope.seq > 0);

describe('E2E: uplink to a real Mosquitto', () => {
  it('delivers a simulated hour: every payload valid, ids unique, order per stream kept', async () => {
    const clock = new SimClock(HOUR_START);
    const { registry, cloud, outbox, uplink } = await setUp({ clock });
    await uplink.start();
    const produced = appendSimulatedHour(outbox, clock, HOUR_START);
    await waitFor(() => cloud.uniqueRecords().size === produced.length, 20_000, 'the whole hour');

    expect(cloud.invalid).toEqual([]);
    const ids = dataMessages(cloud).flatMap((m) => m.envelope.records.map((r) => r.id));
    expect(ids.length).toBe(produced.length); // no duplicates at all without faults
    expect(new Set(ids)).toEqual(new Set(produced.map((p) => p.id)));
    expectOrderPerStream(cloud.messages);
    for (const message of dataMessages(cloud)) {
      const stream = message.topic.split('/').at(-1);
      expect(message.envelope.schema).toBe(`omo-edge/${stream}/v1`);
      expect(message.envelope.gateway).toBe(GATEWAY);
      expect(message.envelope.store).toBe(STORE);
      expect(message.envelope.records.length).toBeLessThanOrEqual(50);
      for (const record of message.envelope.records) expect(record.id.startsWith(`${GATEWAY}:${stream}:`)).toBe(true);
    }
    const firstZone = cloud.uniqueRecords('zones').get(`${GATEWAY}:zones:1`);
    expect(firstZone).toMatchObject({
      zone: 'produce',
      bin_start: '2024-03-01T09:00:00.000Z',
      produced_at: '2024-03-01T09:01:05.000Z',
    });
    await waitFor(() => uplink.status().backlog === 0, 5000, 'the backlog to clear');
    expect(uplink.status()).toMatchObject({ connected: true, backlog: 0, dropped: 0, sent: produced.length });
    const metrics = await registry.metrics();
    expect(metrics).toContain('omo_uplink_connected 1');
    expect(metrics).toContain('omo_uplink_backlog_records{stream="zones"} 0');
    expect(metrics).toContain(`omo_uplink_sent_records_total{stream="zones"} ${60 * 6}`);
    expect(metrics).toContain('omo_uplink_dropped_records_total 0');
    expect(metrics).toMatch(/omo_uplink_last_ack_timestamp_seconds \d{10}/);
  });

  it('gzips payloads when configured and says so in the MQTT 5 user property', async () => {
    const { cloud, outbox, uplink } = await setUp({ uplink: { gzip: true } });
    await uplink.start();
    const ids = outbox.append('heatmap', [{ cells: Array.from({ length: 5000 }, (_, i) => i % 10) }]);
    await waitFor(() => cloud.uniqueRecords().has(ids[0] ?? ''), 10_000, 'the gzipped heatmap');
    const message = dataMessages(cloud).find((m) => m.topic.endsWith('/heatmap'));
    expect(message?.gzip).toBe(true);
    expect(cloud.invalid).toEqual([]);
  });

  it('loses nothing while the broker is down and restarted during traffic', async () => {
    const { broker, cloud, outbox, uplink } = await setUp({ broker: { persistence: true } });
    await uplink.start();
    const appended: string[] = [];
    let n = 0;
    const producer = setInterval(() => {
      appended.push(...outbox.append(n % 3 === 0 ? 'footfall' : 'zones', [{ n: n++ }, { n: n++ }]));
    }, 10);
    // Each phase waits for what it is about (the loss noticed, records appended meanwhile, the
    // reconnect), never for a fixed time that a loaded machine may not fill.
    const appendedSince = (from: number, what: string) =>
      waitFor(() => appended.length >= from + 20, 15_000, `20 records appended ${what}`);
    try {
      await waitFor(() => cloud.uniqueRecords().size > 50, 15_000, 'traffic before the outage');
      await broker.stop();
      await waitFor(() => !uplink.status().connected, 15_000, 'the uplink to notice the outage');
      await appendedSince(appended.length, 'while the broker is away');
      expect(uplink.status().connected).toBe(false);
      expect(uplink.status().backlog).toBeGreaterThan(0);
      await broker.start();
      await waitFor(() => uplink.status().connected, 15_000, 'the reconnect');
      await appendedSince(appended.length, 'after the reconnect');
    } finally {
      clearInterval(producer);
    }
    await waitFor(() => cloud.uniqueRecords().size === appended.length, 15_000, 'everything after the outage');
    expect(new Set(cloud.uniqueRecords().keys())).toEqual(new Set(appended));
    expect(cloud.invalid).toEqual([]);
    expectOrderPerStream(cloud.messages);
    expect(uplink.status().connected).toBe(true);
  });

  it('drops the oldest past a tiny byte bound and uplinks the drop count; stays healthy', async () => {
    const { cloud, outbox, uplink } = await setUp({ maxBytes: 4096 });
    const appended: string[] = [];
    for (let i = 0; i < 100; i += 1)
      appended.push(...outbox.append('footfall', [{ bin: i, in: i % 7, pad: 'x'.repeat(40) }]));
    const stats = outbox.stats();
    expect(stats.droppedTotal).toBeGreaterThan(0);
    expect(stats.bytes).toBeLessThanOrEqual(4096);
    expect(stats.droppedTotal + stats.backlog.footfall).toBe(100);

    await uplink.start();
    // Each report is appended to the full outbox, so it may itself push out one more oldest record,
    // which the next report (a housekeeping tick later) counts: the last cumulative total is the outbox's.
    const reported = () => [...cloud.uniqueRecords('alerts').values()];
    const settled = () => {
      const { droppedTotal, droppedUnreported, backlogTotal } = outbox.stats();
      const totals = reported().map((r) => Number(r.dropped_total));
      return backlogTotal === 0 && droppedUnreported === 0 && Math.max(0, ...totals) === droppedTotal;
    };
    await waitFor(settled, 10_000, 'the survivors and the drop reports');
    const dropped = outbox.stats().droppedTotal;
    await waitFor(() => cloud.uniqueRecords('footfall').size + dropped === 100, 10_000, 'delivery to the subscriber');
    const reports = reported();
    expect(reports.length).toBeGreaterThan(0);
    expect(reports.every((r) => r.type === 'outbox_dropped')).toBe(true);
    expect(Math.max(...reports.map((r) => Number(r.dropped_total)))).toBe(dropped);
    expect(reports.reduce((sum, r) => sum + Number(r.count), 0)).toBe(dropped);
    expect(reports.at(-1)?.dropped_by_stream).toEqual({ footfall: dropped });
    expect(dropped).toBeGreaterThanOrEqual(stats.droppedTotal);
    // The survivors are the newest: exactly the last 100 - dropped seqs, and with the drops they make 100.
    const seqs = [...cloud.uniqueRecords('footfall').keys()].map(seqOf).sort((a, b) => a - b);
    expect(seqs.length + dropped).toBe(100);
    expect(seqs[0]).toBe(dropped + 1);
    expect(seqs.at(-1)).toBe(100);

    const later = outbox.append('footfall', [{ bin: 100 }]);
    await waitFor(() => cloud.uniqueRecords('footfall').has(later[0] ?? ''), 10_000, 'a record after the drops');
    expect(uplink.status()).toMatchObject({ connected: true, backlog: 0, dropped });
    expect(outbox.stats().droppedUnreported).toBe(0);
    expect(cloud.invalid).toEqual([]);
  });

  it('answers the resend command: re-sends the range with original ids, refuses bad commands', async () => {
    const clock = new SimClock(HOUR_START);
    const { broker, cloud, outbox, uplink } = await setUp({ clock });
    await uplink.start();
    const produced = appendSimulatedHour(outbox, clock, HOUR_START);
    await waitFor(
      () => uplink.status().backlog === 0 && cloud.uniqueRecords().size === produced.length,
      20_000,
      'the hour',
    );
    const countBefore = cloud.recordCount();

    const hq = await mqtt.connectAsync(broker.url, { protocolVersion: 5, clientId: 'hq' });
    const replies: { topic: string; body: Record<string, unknown>; correlation: string | undefined }[] = [];
    hq.on('message', (topic, payload, packet) =>
      replies.push({
        topic,
        body: JSON.parse(payload.toString()),
        correlation: packet.properties?.correlationData?.toString(),
      }),
    );
    await hq.subscribeAsync(['hq/replies', `omo/${STORE}/v1/cmd/resend/reply`], { qos: 1 });
    try {
      const from = HOUR_START + 10 * 60_000;
      const to = HOUR_START + 20 * 60_000;
      const command = {
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        streams: ['footfall', 'zones'],
      };
      await hq.publishAsync(`omo/${STORE}/v1/cmd/resend`, JSON.stringify(command), {
        qos: 1,
        properties: { responseTopic: 'hq/replies', correlationData: Buffer.from('req-1') },
      });
      const expected = produced.filter(
        (p) => (p.stream === 'footfall' || p.stream === 'zones') && p.producedAt >= from && p.producedAt <= to,
      );
      expect(expected.length).toBe(10 * 8);
      await waitFor(() => replies.length === 1, 5000, 'the resend reply');
      expect(replies[0]).toMatchObject({
        topic: 'hq/replies',
        correlation: 'req-1',
        body: { ok: true, requeued: expected.length, oldest_available: '2024-03-01T09:01:05.000Z' },
      });
      await waitFor(() => cloud.recordCount() === countBefore + expected.length, 10_000, 'the re-sent records');
      const occurrences = new Map<string, number>();
      for (const m of dataMessages(cloud))
        for (const r of m.envelope.records) occurrences.set(r.id, (occurrences.get(r.id) ?? 0) + 1);
      const twice = [...occurrences].filter(([, n]) => n === 2).map(([id]) => id);
      expect(new Set(twice)).toEqual(new Set(expected.map((p) => p.id)));
      expect(cloud.uniqueRecords().size).toBe(produced.length);

      await hq.publishAsync(`omo/${STORE}/v1/cmd/resend`, JSON.stringify({ from: 'yesterday', to: command.to }), {
        qos: 1,
      });
      await waitFor(() => replies.length === 2, 5000, 'the refusal');
      expect(replies[1]?.topic).toBe(`omo/${STORE}/v1/cmd/resend/reply`);
      expect(replies[1]?.body).toEqual({
        ok: false,
        error: { code: 'bad_request', message: '"from" must be an ISO-8601 date-time with a zone, got "yesterday"' },
      });
    } finally {
      await hq.endAsync();
    }
  });

  it('publishes a retained online status, and a retained offline one on a clean stop', async () => {
    const { broker, uplink } = await setUp();
    await uplink.start();
    const retained = async () => {
      const reader = new CloudCollector(broker.url, `omo/${STORE}/v1/status`);
      await reader.start();
      await waitFor(() => reader.messages.length > 0, 5000, 'the retained status');
      await reader.stop();
      return reader.messages[0]?.envelope;
    };
    await waitFor(() => uplink.status().connected, 5000, 'connect');
    expect(await retained()).toMatchObject({ state: 'online', seq: 0, gateway: GATEWAY, store: STORE });
    await uplink.stop();
    expect(await retained()).toMatchObject({ state: 'offline', reason: 'stopped' });
  });
});
