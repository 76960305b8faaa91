/**
 * E2E (issue 2, "Must show" 3; ARCHITECTURE §4, §11) through real MQTT into the composed gateway:
 * 1,000 malformed payloads of 22 kinds from one device while another streams valid readings at a steady
 * rate. Each malformed one gets an error reply naming the field (checked per kind), a dead-letter row
 * (read back through the admin API) and a counter by reason; the valid stream loses nothing and keeps its
 * order; the gateway stays healthy. Then an over-size packet is refused from its header without the
 * gateway's memory growing, and the other device is unaffected.
 */
import { type Socket, connect as tcpConnect } from 'node:net';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connackCode, connectPacket, publishHeader } from '../broker/helpers/mqtt-bytes.js';
import { type GatewayUnderTest, MINIMAL_YAML, metricValue, startGateway, waitFor } from '../helpers/gateway.js';

const FLOODER = 'flood-1';
const STEADY = 'steady-1';
const MAX_JSON_BYTES = 4096;
// The flood must meet the ingest, not the per-client rate limit (tested on its own in test/integration).
const YAML = `${MINIMAL_YAML}broker:
  limits: { publish_rate_per_s: 100000, publish_burst: 100000 }
ingest: { max_json_bytes: ${MAX_JSON_BYTES}, watermark_s: 5, max_future_s: 30 }
`;

interface Malformed {
  kind: string;
  stream: string;
  payload: (i: number, t0: number) => string | Buffer;
  reason: string;
  /** The reply's detail, which must name the field (or the payload as a whole) and why. */
  detail: RegExp;
}

const lanes = (t: number, lanesJson: string) => `{"ts": ${t}, "lanes": ${lanesJson}}`;
const nested = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

const MALFORMED: Malformed[] = [
  {
    kind: 'truncated JSON',
    stream: 'weight',
    payload: (i, t) => `{"ts": ${t}, "lanes": [{"lane": 1, "grams": ${i}`,
    reason: 'bad_json',
    detail: /^payload is not valid JSON: unexpected end of input \(unclosed object\) at position \d+$/,
  },
  {
    kind: 'NaN literal',
    stream: 'weight',
    payload: (_i, t) => lanes(t, '[{"lane": 1, "grams": NaN}]'),
    reason: 'bad_json',
    detail: /^payload is not valid JSON: unexpected 'N' where a value should be at position \d+$/,
  },
  {
    kind: 'binary garbage',
    stream: 'weight',
    payload: (i) => Buffer.from([0xff, 0xfe, i & 0xff, 0x00, 0x80, 0xc3]),
    reason: 'bad_json',
    detail: /^payload is not UTF-8 text \(byte 0xFF at offset 0\)/,
  },
  { kind: 'empty', stream: 'weight', payload: () => '', reason: 'bad_json', detail: /^payload is empty/ },
  {
    kind: 'wrong type',
    stream: 'weight',
    payload: (_i, t) => lanes(t, '[{"lane": "one", "grams": 5}]'),
    reason: 'schema',
    detail: /^lanes\[0\]\.lane must be an integer, got "one"$/,
  },
  {
    kind: 'array instead of object',
    stream: 'weight',
    payload: () => '[1, 2, 3]',
    reason: 'schema',
    detail: /^payload must be an object, got an array of 3$/,
  },
  {
    kind: 'missing field',
    stream: 'weight',
    payload: (_i, t) => `{"ts": ${t}}`,
    reason: 'schema',
    detail: /^lanes is required$/,
  },
  {
    kind: 'missing nested field',
    stream: 'weight',
    payload: (_i, t) => lanes(t, '[{"lane": 1}]'),
    reason: 'schema',
    detail: /^lanes\[0\]\.grams is required$/,
  },
  {
    kind: 'huge number',
    stream: 'weight',
    payload: (_i, t) => lanes(t, '[{"lane": 1, "grams": 1e300}]'),
    reason: 'schema',
    detail: /^lanes\[0\]\.grams must be <= 1000000, got 1e\+300$/,
  },
  {
    kind: 'number beyond a double',
    stream: 'weight',
    payload: (_i, t) => lanes(t, '[{"lane": 1, "grams": 1e999}]'),
    reason: 'not_finite',
    detail: /^lanes\[0\]\.grams must be a finite number/,
  },
  {
    kind: '"NaN" string',
    stream: 'temp',
    payload: (_i, t) => `{"ts": ${t}, "celsius": "NaN"}`,
    reason: 'not_finite',
    detail: /^celsius must be a finite number, got the string "NaN"$/,
  },
  {
    kind: '"Infinity" string',
    stream: 'weight',
    payload: (_i, t) => lanes(t, '[{"lane": 2, "grams": "-Infinity"}]'),
    reason: 'not_finite',
    detail: /^lanes\[0\]\.grams must be a finite number, got the string "-Infinity"$/,
  },
  {
    kind: 'negative lane',
    stream: 'weight',
    payload: (_i, t) => lanes(t, '[{"lane": -3, "grams": 5}]'),
    reason: 'schema',
    detail: /^lanes\[0\]\.lane must be >= 0, got -3$/,
  },
  {
    kind: 'deep nesting',
    stream: 'weight',
    payload: (_i, t) => lanes(t, `[{"lane": 1, "grams": ${nested(1500)}}]`),
    reason: 'schema',
    detail: /^lanes\[0\]\.grams must be a number, got an array of 1$/,
  },
  {
    kind: 'unknown field',
    stream: 'weight',
    payload: (_i, t) => `{"ts": ${t}, "lanes": [{"lane": 1, "grams": 5}], "firmware_debug": true}`,
    reason: 'schema',
    detail: /^firmware_debug is not a known field$/,
  },
  {
    kind: 'oversized JSON',
    stream: 'weight',
    payload: (_i, t) => `{"ts": ${t}, "lanes": [{"lane": 1, "grams": 5}], "pad": "${'x'.repeat(MAX_JSON_BYTES)}"}`,
    reason: 'oversize',
    detail: new RegExp(`^payload is \\d+ bytes, more than max_json_bytes ${MAX_JSON_BYTES}$`),
  },
  {
    kind: 'too many lanes',
    stream: 'weight',
    payload: (_i, t) => lanes(t, JSON.stringify(Array.from({ length: 65 }, (_, lane) => ({ lane, grams: 1 })))),
    reason: 'schema',
    detail: /^lanes must NOT have more than 64 items, got 65$/,
  },
  {
    kind: 'repeated lane',
    stream: 'weight',
    payload: (_i, t) => lanes(t, '[{"lane": 1, "grams": 5}, {"lane": 1, "grams": 6}]'),
    reason: 'schema',
    detail: /^lanes\[1\]\.lane repeats 1; each lane may appear once$/,
  },
  {
    kind: 'unknown stream',
    stream: 'firmware',
    payload: (_i, t) => lanes(t, '[{"lane": 1, "grams": 5}]'),
    reason: 'acl',
    detail: /^stream "firmware" is not one a shelf publishes/,
  },
  {
    kind: 'ts before 2000',
    stream: 'weight',
    payload: () => lanes(5, '[{"lane": 1, "grams": 5}]'),
    reason: 'schema',
    detail: /^ts must be >= 946684800000, got 5$/,
  },
  {
    kind: 'ts far in the future',
    stream: 'weight',
    payload: (i, t) => lanes(t + 86_400_000 + i, '[{"lane": 1, "grams": 5}]'),
    reason: 'too_new',
    detail: /^ts \d+ is [\d.]+ s ahead of the gateway clock \(max_future_s 30\)$/,
  },
  {
    kind: 'late ts',
    stream: 'weight',
    payload: (_i, t) => lanes(t - 60_000, '[{"lane": 1, "grams": 5}]'),
    reason: 'late',
    detail: /^ts \d+ is 60 s behind the newest reading of this device \(watermark_s 5\)$/,
  },
];

interface Reply {
  topic: string;
  reason: string;
  detail: string;
}

let gw: GatewayUnderTest;
let steady: MqttClient;
let steadyPassword: string;
const steadySent: number[] = [];
let steadyWeights: ReturnType<GatewayUnderTest['record']>;

beforeAll(async () => {
  gw = await startGateway({ yaml: YAML });
  steadyPassword = await gw.addDevice(STEADY, 'shelf');
  steady = await gw.connectDevice(STEADY, steadyPassword);
  steadyWeights = gw.record('shelfWeight');
});
afterAll(async () => gw?.stop());

/** Publishes a valid reading every `periodMs` until the returned stop() is called. */
function streamSteadily(periodMs: number): () => Promise<void> {
  let running = true;
  const done = (async () => {
    while (running) {
      const ts = (steadySent.at(-1) ?? Date.now()) + 1;
      steadySent.push(ts);
      await steady.publishAsync(`omo/shelf/${STEADY}/weight`, lanes(ts, '[{"lane": 1, "grams": 250}]'), { qos: 1 });
      await new Promise((resolve) => setTimeout(resolve, periodMs));
    }
  })();
  return async () => {
    running = false;
    await done;
  };
}

describe('E2E: 1,000 malformed payloads beside a valid stream', () => {
  it('answers, dead-letters and counts every one by field and reason; the valid stream loses nothing', async () => {
    const password = await gw.addDevice(FLOODER, 'shelf');
    const flooder = await gw.connectDevice(FLOODER, password);
    const replies: Reply[] = [];
    flooder.on('message', (_topic, payload) => replies.push(JSON.parse(payload.toString()) as Reply));
    await flooder.subscribeAsync(`omo/shelf/${FLOODER}/error`);
    const t0 = Date.now();
    // One accepted reading first: the watermark that makes the `late ts` kind late.
    await flooder.publishAsync(`omo/shelf/${FLOODER}/weight`, lanes(t0, '[{"lane": 1, "grams": 5}]'), { qos: 1 });

    const stopSteady = streamSteadily(5);
    const sent: Malformed[] = [];
    for (let i = 0; i < 1000; i++) {
      const kind = MALFORMED[i % MALFORMED.length] as Malformed;
      sent.push(kind);
      await flooder.publishAsync(`omo/shelf/${FLOODER}/${kind.stream}`, kind.payload(i, t0), { qos: i % 2 ? 1 : 0 });
    }
    await waitFor(() => replies.length >= 1000, 20_000, '1,000 error replies');
    await stopSteady();

    expect(replies).toHaveLength(1000);
    for (const [i, reply] of replies.entries()) {
      const kind = sent[i] as Malformed;
      expect(reply.topic, kind.kind).toBe(`omo/shelf/${FLOODER}/${kind.stream}`);
      expect(reply.reason, kind.kind).toBe(kind.reason);
      expect(reply.detail, kind.kind).toMatch(kind.detail);
    }
    expect(flooder.connected).toBe(true);

    // Every valid reading's ts reaches the bus exactly once, in the order sent.
    await waitFor(() => steadyWeights.filter((w) => w.deviceId === STEADY).length >= steadySent.length, 5000);
    expect(steadySent.length).toBeGreaterThan(50);
    expect(steadyWeights.filter((w) => w.deviceId === STEADY).map((w) => w.ts)).toEqual(steadySent);

    // One dead-letter row per refusal, the same reason and detail the device was told (newest first).
    const page = await gw.http(`/api/v1/dead-letters?device=${FLOODER}&limit=1000`, { token: gw.adminToken });
    expect(page.status).toBe(200);
    const rows = ((await page.json()) as { items: Reply[] }).items.reverse();
    expect(rows.map((r) => [r.topic, r.reason, r.detail])).toEqual(replies.map((r) => [r.topic, r.reason, r.detail]));
    expect(page.headers.get('x-total-count')).toBe('1000');

    const expected = new Map<string, number>();
    for (const kind of sent) expected.set(kind.reason, (expected.get(kind.reason) ?? 0) + 1);
    const samples = await gw.scrape();
    for (const [reason, count] of expected) {
      expect(metricValue(samples, 'omo_ingest_refused_total', { reason }), reason).toBe(count);
      const byReason = await gw.http(`/api/v1/dead-letters?reason=${reason}&limit=1000`, { token: gw.adminToken });
      expect(((await byReason.json()) as { items: unknown[] }).items.length, reason).toBe(count);
    }
    expect(metricValue(samples, 'omo_ingest_refused_total')).toBe(1000);
    expect(metricValue(samples, 'omo_broker_refused_total', { reason: 'acl' })).toBe(expected.get('acl'));
    expect(metricValue(samples, 'omo_ingest_messages_total', { kind: 'shelf', stream: 'weight' })).toBe(
      steadySent.length + 1,
    );

    const health = await gw.http('/healthz');
    expect(health.status).toBe(200);
    expect(((await health.json()) as { status: string }).status).toBe('ok');
  });
});

/** [MQTT-2.2.3]: four length bytes hold at most 268,435,455; the whole packet is then 1 + 4 + that. */
const MAX_REMAINING_LENGTH = 268_435_455;

/** Resolves once the socket has closed; writes `chunk` repeatedly (up to `totalBytes`) meanwhile. */
async function pushUntilClosed(socket: Socket, chunk: Buffer, totalBytes: number): Promise<number> {
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  let written = 0;
  let open = true;
  void closed.then(() => (open = false));
  while (open && written < totalBytes) {
    written += chunk.length;
    if (!socket.write(chunk)) await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), closed]);
  }
  await closed;
  return written;
}

describe('E2E: an over-size packet', () => {
  it('closes the sender from the header without buffering the payload; other devices carry on', async () => {
    const password = await gw.addDevice('big-1', 'shelf');
    const rssBefore = process.memoryUsage().rss;

    const socket = tcpConnect(gw.ports.mqtt, '127.0.0.1');
    socket.on('error', () => undefined); // EPIPE / ECONNRESET once the gateway has closed it: expected
    let received = Buffer.alloc(0);
    socket.on('data', (data: Buffer) => (received = Buffer.concat([received, data])));
    socket.write(connectPacket({ clientId: 'big-1', clean: true, username: 'big-1', password }));
    await waitFor(() => connackCode(received) !== undefined, 5000, 'CONNACK');
    expect(connackCode(received)).toBe(0);
    // The largest length MQTT can declare (256 MB); then 64 MB of body, which a buffering broker would hold.
    const topic = 'omo/shelf/big-1/weight';
    socket.write(publishHeader(topic, MAX_REMAINING_LENGTH - 2 - topic.length));
    const written = await pushUntilClosed(socket, Buffer.alloc(64 * 1024, 0x7b), 64 * 1024 * 1024);

    const rssAfter = process.memoryUsage().rss;
    expect(written).toBeLessThan(64 * 1024 * 1024);
    expect((rssAfter - rssBefore) / 2 ** 20).toBeLessThan(8);

    await waitFor(async () => metricValue(await gw.scrape(), 'omo_broker_refused_total', { reason: 'oversize' }) === 1);
    const rows = await gw.http('/api/v1/dead-letters?reason=oversize&device=big-1', { token: gw.adminToken });
    const [row] = ((await rows.json()) as { items: Reply[] }).items;
    expect(row).toMatchObject({ topic: 'omo/shelf/big-1/weight', reason: 'oversize' });
    expect(row?.detail).toMatch(
      /^packet of 268435460 bytes is over the \d+-byte limit \(broker\.limits\.max_packet_bytes\)/,
    );

    // The other device's connection and stream are untouched.
    expect(steady.connected).toBe(true);
    const ts = (steadySent.at(-1) ?? Date.now()) + 1;
    steadySent.push(ts);
    await steady.publishAsync(`omo/shelf/${STEADY}/weight`, lanes(ts, '[{"lane": 1, "grams": 250}]'), { qos: 1 });
    await waitFor(() => steadyWeights.some((w) => w.deviceId === STEADY && w.ts === ts), 5000, 'a reading after');
    expect((await gw.http('/healthz')).status).toBe(200);
  });
});
