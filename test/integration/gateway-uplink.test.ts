/**
 * E2E: the whole gateway's uplink (issue 4 "Normal flow", "Operator view"; ARCHITECTURE §6, §7). A
 * real gateway in-process — broker, ingest, live path, aggregate store, outbox and uplink as
 * `src/gateway.ts` composes them — gets the zara01 camera tracks over MQTT from a real mqtt.js client,
 * with 10 s bins so seconds of test cover minutes of store; a real Mosquitto, started here, is the
 * cloud broker. What arrives there is checked as a cloud consumer would: every payload valid against
 * the envelope schema, ids unique and exactly the outbox's, order per stream, and the figures equal to
 * what the HQ API reports for the same minutes. Faults: gateway-uplink-faults.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { metricValue, waitFor } from '../helpers/gateway.js';
import { expectOrderPerStream } from '../uplink/fixtures.js';
import { type BinRecord, latestPerBin, sourceKeysUnderTwoIds } from './helpers/uplink-checks.js';
import { BIN_MS, GATEWAY, STORE, UplinkRig, zara01Ms } from './helpers/uplink-rig.js';

const MINUTE_MS = 60_000;

let started: UplinkRig | undefined;
afterEach(async () => {
  await started?.dispose();
  started = undefined;
});

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
    const began = Date.now();
    const rig = await UplinkRig.start();
    started = rig;
    const speed = 60;
    const feed = rig.feed(speed, zara01Ms() / 1000 / speed, 1);
    await feed.start();
    await feed.done;
    const lastFrameTs = feed.stats.lastTs;
    // Nobody in view 20 s later: the watermark passes every bin and every track ends.
    await feed.publishEmptyFrame(lastFrameTs + 20_000);
    const lastBin = Math.floor(lastFrameTs / BIN_MS) * BIN_MS;
    await waitFor(() => latestPerBin(rig.cloud, 'footfall').has(lastBin), 20_000, 'the last bin at the cloud');
    const ledger = await rig.drained('the outbox to drain');

    expect(rig.cloud.invalid).toEqual([]);
    const data = rig.cloud.messages.filter((m) => m.envelope.seq > 0);
    const ids = data.flatMap((m) => m.envelope.records.map((record) => record.id));
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
    expect(footfall.size).toBeGreaterThanOrEqual(Math.floor(zara01Ms() / BIN_MS) - 2);
    expect(zones.size).toBe(footfall.size);
    expect(latestPerBin(rig.cloud, 'heatmap').size).toBeGreaterThan(footfall.size / 2);
    expect(latestPerBin(rig.cloud, 'paths').size).toBeGreaterThan(0);
    for (const record of footfall.values()) expect(record.bin_s).toBe(10);
    const crossings = [...footfall.values()].reduce(
      (n, record) => n + Number(record.visitors_in) + Number(record.visitors_out),
      0,
    );
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
    const cloudLines = perMinute(footfall, (record) =>
      (record.lines as { line: string; in: number; out: number; groups_in: number; groups_out: number }[]).map((l) => [
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
    const cloudZones = perMinute(zones, (record) =>
      (
        record.zones as { zone: string; visits: number; dwells: number; pass_throughs: number; dwell_total_s: number }[]
      ).map((z) => [
        z.zone,
        { visits: z.visits, dwells: z.dwells, pass_throughs: z.pass_throughs, dwell_total_s: z.dwell_total_s },
      ]),
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
    const health = await rig.healthz();
    expect(health.code).toBe(200);
    expect(health.body.status).toBe('ok');
    expect(health.body.uplink).toMatchObject({
      status: 'ok',
      connected: true,
      backlog: 0,
      dropped: 0,
      sent: ids.length,
    });
    // An ack of this run (not how recent: the HQ comparisons above take long on a loaded machine).
    const lastAck = Date.parse(String(health.body.uplink.last_ack_at));
    expect(lastAck).toBeGreaterThanOrEqual(began);
    expect(lastAck).toBeLessThanOrEqual(Date.now());
    const metrics = await rig.gw.scrape();
    expect(metricValue(metrics, 'omo_uplink_connected')).toBe(1);
    expect(metricValue(metrics, 'omo_uplink_backlog_records')).toBe(0);
    expect(metricValue(metrics, 'omo_uplink_sent_records_total')).toBe(ids.length);
    expect(metricValue(metrics, 'omo_uplink_sent_records_total', { stream: 'footfall' })).toBe(footfall.size);
    expect(metricValue(metrics, 'omo_uplink_dropped_records_total')).toBe(0);
    expect(metricValue(metrics, 'omo_uplink_last_ack_timestamp_seconds')).toBeCloseTo(lastAck / 1000, 0);
  });
});
