/**
 * E2E: the whole gateway's uplink under cloud faults (issue 4 "Outage", "Full outbox", "Operator
 * view"; ARCHITECTURE §6, §7, §11). The rig of gateway-uplink.test.ts — a real gateway in-process fed
 * zara01 camera tracks, a real Mosquitto as the cloud broker — with the broker stopped during
 * traffic: everything produced meanwhile arrives, none twice once deduplicated by id, and /healthz
 * and /metrics say what is going on; with a tiny outbox bound the oldest records are dropped, the
 * count arrives on `alerts`, and the gateway stays healthy.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { metricValue, waitFor } from '../helpers/gateway.js';
import { expectOrderPerStream } from '../uplink/fixtures.js';
import { latestPerBin, replayedRecords, sourceKeysUnderTwoIds } from './helpers/uplink-checks.js';
import { UplinkRig } from './helpers/uplink-rig.js';

let started: UplinkRig | undefined;
afterEach(async () => {
  await started?.dispose();
  started = undefined;
});

describe('E2E: gateway uplink while the cloud broker is away', () => {
  it('loses nothing while the cloud broker is down during traffic, and says so while it is', async () => {
    const rig = await UplinkRig.start();
    started = rig;
    const feed = rig.feed(20, 10);
    await feed.start();
    await waitFor(() => latestPerBin(rig.cloud, 'footfall').size >= 3, 15_000, 'traffic before the outage');
    const outageStart = Date.now();
    await rig.broker.stop();
    const down = await waitFor(
      async () => {
        const health = await rig.healthz();
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
    // Waits for records, not for time (a fixed 1.5 s may hold fewer than 4 on a loaded machine): the
    // outbox file says how many ids were handed out meanwhile.
    const assignedSince = (from: number, more: number, what: string) =>
      waitFor(() => rig.ledger().assigned.size >= from + more, 30_000, what);
    await assignedSince(rig.ledger().assigned.size, 4, 'records produced while the broker is away');
    const outageEnd = Date.now();
    await rig.broker.start();
    await waitFor(async () => (await rig.healthz()).body.uplink.connected === true, 15_000, 'the reconnect');
    await assignedSince(rig.ledger().assigned.size, 2, 'records produced after the outage');
    feed.pause();
    const ledger = await rig.drained('everything produced during the outage');

    expect(ledger.droppedTotal).toBe(0);
    const held = rig.cloud.uniqueRecords();
    expect(new Set(held.keys())).toEqual(ledger.assigned);
    const duringOutage = [...held.values()].filter((record) => {
      const at = Date.parse(String(record.produced_at));
      return at >= outageStart && at <= outageEnd;
    });
    expect(duringOutage.length).toBeGreaterThanOrEqual(4);
    expect(sourceKeysUnderTwoIds(rig.cloud)).toEqual([]);
    expect(rig.cloud.invalid).toEqual([]);
    expectOrderPerStream(rig.cloud.messages);
    const health = await rig.healthz();
    expect(health.body.uplink).toMatchObject({ status: 'ok', connected: true, backlog: 0, dropped: 0 });
    console.info(
      `outage: ${ledger.assigned.size} ids, ${duringOutage.length} produced while the broker was down, ${replayedRecords(rig.cloud)} replays removed by id`,
    );
  });

  it('drops the oldest when a tiny outbox fills during an outage, uplinks the count, stays healthy', async () => {
    const rig = await UplinkRig.start({ outbox_max_bytes: 8192 });
    started = rig;
    const feed = rig.feed(20, 10);
    await feed.start();
    await waitFor(() => latestPerBin(rig.cloud, 'footfall').size >= 2, 15_000, 'traffic before the outage');
    await rig.broker.stop();
    const full = await waitFor(
      async () => {
        const health = await rig.healthz();
        return Number(health.body.uplink.dropped) > 0 ? health : null;
      },
      15_000,
      'the outbox to overflow',
    );
    expect(full.code).toBe(200);
    expect(full.body.status).toBe('degraded');
    expect(full.body.storage).toMatchObject({ status: 'ok' });
    expect(Number((full.body.outbox as { bytes: number }).bytes)).toBeLessThanOrEqual(8192);
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
      Math.max(
        0,
        ...[...rig.cloud.uniqueRecords('alerts').values()].map((report) => Number(report.dropped_total ?? 0)),
      );
    let ledger = await rig.drained('the survivors and the drop report');
    await waitFor(
      async () => {
        ledger = await rig.drained('the survivors');
        return reportedTotal() === ledger.droppedTotal;
      },
      15_000,
      'a drop report with the final total',
    );
    expect(ledger.droppedTotal).toBeGreaterThan(0);
    const reports = [...rig.cloud.uniqueRecords('alerts').values()].filter(
      (report) => report.type === 'outbox_dropped',
    );
    expect(reports.length).toBeGreaterThan(0);
    // Totals are cumulative, so a report the bound evicted before it left loses nothing: the next one
    // carries the larger total (their counts need not add up; their totals only grow).
    const totals = reports.map((report) => Number(report.dropped_total));
    expect(totals).toEqual([...totals].sort((a, b) => a - b));
    expect(reports.reduce((sum, report) => sum + Number(report.count), 0)).toBeLessThanOrEqual(ledger.droppedTotal);
    expect(reports.at(-1)?.dropped_by_stream).toBeTypeOf('object');
    const held = rig.cloud.uniqueRecords();
    for (const id of held.keys()) expect(ledger.assigned.has(id), id).toBe(true);
    expect(ledger.assigned.size - held.size).toBeLessThanOrEqual(ledger.droppedTotal);
    expect(ledger.assigned.size - held.size).toBeGreaterThan(0);
    const health = await rig.healthz();
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
  });
});
