/**
 * E2E (issue 2, "Must show" 3, last sentence; ARCHITECTURE §11): a device declares a PUBLISH of 256 MB —
 * far above `broker.limits.max_packet_bytes` — and keeps sending. The composed gateway closes it from the
 * fixed header (src/broker/framing.ts) without buffering the body: its RSS stays within a few MB while
 * the sender pushes 64 MB at it. The refusal is counted and dead-lettered, and another device streaming
 * meanwhile loses nothing and stays connected.
 */
import { type Socket, connect as tcpConnect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connackCode, connectPacket, publishHeader } from '../broker/helpers/mqtt-bytes.js';
import { type GatewayUnderTest, MINIMAL_YAML, metricValue, startGateway, waitFor } from '../helpers/gateway.js';

/** [MQTT-2.2.3]: four length bytes hold at most 268,435,455; the whole packet is then 1 + 4 + that. */
const MAX_REMAINING_LENGTH = 268_435_455;
const PUSHED_BYTES = 64 * 1024 * 1024;
const TOPIC = 'omo/shelf/big-1/weight';
const STEADY_READINGS = 50;

let gw: GatewayUnderTest;
beforeAll(async () => {
  gw = await startGateway({ yaml: MINIMAL_YAML });
});
afterAll(async () => gw?.stop());

/** Writes `chunk` repeatedly (up to `totalBytes`, following back-pressure) until the socket closes. */
async function pushUntilClosed(socket: Socket, chunk: Buffer, totalBytes: number): Promise<number> {
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  let open = true;
  void closed.then(() => (open = false));
  let written = 0;
  while (open && written < totalBytes) {
    written += chunk.length;
    if (!socket.write(chunk)) await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), closed]);
  }
  await closed;
  return written;
}

/** Connects a raw TCP client as a device; resolves once the CONNACK has accepted it. */
async function rawDevice(id: string, password: string): Promise<Socket> {
  const socket = tcpConnect(gw.ports.mqtt, '127.0.0.1');
  socket.on('error', () => undefined); // EPIPE / ECONNRESET once the gateway has closed it: expected
  let received = Buffer.alloc(0);
  socket.on('data', (data: Buffer) => {
    received = Buffer.concat([received, data]);
  });
  socket.write(connectPacket({ clientId: id, clean: true, username: id, password }));
  await waitFor(() => connackCode(received) !== undefined, 5000, 'CONNACK');
  expect(connackCode(received)).toBe(0);
  return socket;
}

describe('E2E: an over-size packet', () => {
  it('closes the sender from the header without buffering the body; a streaming device carries on', async () => {
    const steady = await gw.connectDevice('steady-2', await gw.addDevice('steady-2', 'shelf'));
    const weights = gw.record('shelfWeight');
    // A fixed number of readings, each sent once the previous one's PUBACK came, beside the push: how
    // many fall before, during or after the close varies with machine speed, the outcome does not.
    const t0 = Date.now();
    const sent = Array.from({ length: STEADY_READINGS }, (_, i) => t0 + i + 1);
    const stream = (async () => {
      for (const ts of sent) {
        const reading = JSON.stringify({ ts, lanes: [{ lane: 1, grams: 100 }] });
        await steady.publishAsync('omo/shelf/steady-2/weight', reading, { qos: 1 });
      }
    })();

    const big = await rawDevice('big-1', await gw.addDevice('big-1', 'shelf'));
    const rssBefore = process.memoryUsage().rss;
    big.write(publishHeader(TOPIC, MAX_REMAINING_LENGTH - 2 - TOPIC.length));
    // One 64 KB buffer written over and over: the test itself allocates nothing while pushing.
    const written = await pushUntilClosed(big, Buffer.alloc(64 * 1024, 0x7b), PUSHED_BYTES);
    const grownMb = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
    await stream;

    // Closed long before the body was through (what was written sat in socket buffers), memory flat.
    expect(written).toBeLessThan(PUSHED_BYTES);
    expect(grownMb).toBeLessThan(8);

    const samples = await gw.scrape();
    expect(metricValue(samples, 'omo_broker_refused_total', { reason: 'oversize' })).toBe(1);
    expect(metricValue(samples, 'omo_ingest_refused_total', { reason: 'oversize' })).toBe(1);
    const page = await gw.http('/api/v1/dead-letters?reason=oversize', { token: gw.adminToken });
    const rows = ((await page.json()) as { items: Record<string, unknown>[] }).items;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ device_id: 'big-1', kind: 'shelf', topic: TOPIC, reason: 'oversize' });
    expect(rows[0]?.detail).toBe(
      'packet of 268435460 bytes is over the 2097152-byte limit (broker.limits.max_packet_bytes); connection closed',
    );

    // The other device: connected throughout, every reading on the bus once, in order.
    expect(steady.connected).toBe(true);
    await waitFor(() => weights.length >= sent.length, 10_000, 'the steady readings');
    expect(weights.map((w) => w.ts)).toEqual(sent);
    expect((await gw.http('/healthz')).status).toBe(200);
  });
});
