/**
 * The uplink benchmark's baseline: the same records in the same 500-record envelopes published by a
 * bare mqtt.js client to the same Mosquitto, QoS 1, one message in flight per stream (the order rule the
 * uplink keeps) — no outbox, no SQLite, no acking. What the uplink reaches against this is the cost of
 * store-and-forward.
 */
import mqtt from 'mqtt';
import type { OutboxStream } from '../../src/store/outbox/outbox.js';

export async function bareMqttRecordsPerSecond(
  url: string,
  records: { stream: OutboxStream; record: object }[],
  batch = 500,
): Promise<{ records: number; seconds: number; perSecond: number }> {
  const byStream = new Map<OutboxStream, object[]>();
  for (const { stream, record } of records) {
    const list = byStream.get(stream) ?? [];
    list.push(record);
    byStream.set(stream, list);
  }
  const client = await mqtt.connectAsync(url, { clientId: 'bench-baseline', protocolVersion: 5 });
  const t0 = performance.now();
  let id = 0;
  await Promise.all(
    [...byStream].map(async ([stream, list]) => {
      for (let i = 0, seq = 1; i < list.length; i += batch, seq++) {
        const slice = list.slice(i, i + batch).map((record) => ({ id: `gw-baseline:${stream}:${++id}`, ...record }));
        const payload = JSON.stringify({
          schema: `omo-edge/${stream}/v1`,
          seq,
          sent_at: new Date().toISOString(),
          records: slice,
        });
        await client.publishAsync(`omo/baseline/v1/${stream}`, payload, { qos: 1 });
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  await client.endAsync();
  return { records: records.length, seconds, perSecond: Math.round(records.length / seconds) };
}
