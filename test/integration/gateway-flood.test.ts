/**
 * E2E (issue 2, "Must show" 3; ARCHITECTURE §4, §11) through real MQTT into the composed gateway:
 * 1,000 malformed payloads of 22 kinds from one device, with one valid reading from another device sent
 * after every tenth of them (100 in all). Every malformed one is counted by reason, exactly; the device
 * is answered and the refusal dead-lettered (read back through the admin API) with the detail naming the
 * field (checked against its kind) — repeats of one reason within the trace interval sharing one reply
 * and one row with their count (issue 8 point 6), so the `repeats` of the rows add up to the refusals;
 * exactly the 100 valid readings arrive, once each and in order; the gateway stays healthy. The
 * over-size packet is in gateway-oversize.test.ts.
 *
 * The valid readings are counted, not timed: a stream "every 5 ms until the flood ends" sent 49 readings
 * on a slow run and 300 on a fast one, so a count threshold made the outcome depend on machine speed.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayUnderTest, MINIMAL_YAML, metricValue, startGateway, waitFor } from '../helpers/gateway.js';

const FLOODER = 'flood-1';
const STEADY = 'steady-1';
const MAX_JSON_BYTES = 4096;
const FLOOD_SIZE = 1000;
/** One valid reading after every VALID_EVERY malformed ones, sent while the flood is still in flight. */
const VALID_EVERY = 10;
// The flood must meet the ingest, not the per-client rate limit (tested on its own in test/integration).
const YAML = `${MINIMAL_YAML}broker:
  limits: { publish_rate_per_s: 100000, publish_burst: 100000 }
ingest: { max_json_bytes: ${MAX_JSON_BYTES}, watermark_s: 5, max_future_s: 30, refusal_trace_interval_s: 0.2 }
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
const lane1 = (t: number, grams: string) => lanes(t, `[{"lane": 1, "grams": ${grams}}]`);
const nested = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
const kind = (...[kind, stream, payload, reason, detail]: [string, string, Malformed['payload'], string, RegExp]) => ({
  kind,
  stream,
  payload,
  reason,
  detail,
});

/** 22 kinds of bad input (ARCHITECTURE §11); message i is of kind i % 22. */
const MALFORMED: Malformed[] = [
  kind(
    'truncated JSON',
    'weight',
    (i, t) => `{"ts": ${t}, "lanes": [{"lane": 1, "grams": ${i}`,
    'bad_json',
    /^payload is not valid JSON: unexpected end of input \(unclosed object\) at position \d+$/,
  ),
  kind(
    'NaN literal',
    'weight',
    (_i, t) => lane1(t, 'NaN'),
    'bad_json',
    /^payload is not valid JSON: unexpected 'N' where a value should be at position \d+$/,
  ),
  kind(
    'binary garbage',
    'weight',
    (i) => Buffer.from([0xff, 0xfe, i & 0xff, 0x00, 0x80, 0xc3]),
    'bad_json',
    /^payload is not UTF-8 text \(byte 0xFF at offset 0\)/,
  ),
  kind('empty', 'weight', () => '', 'bad_json', /^payload is empty/),
  kind(
    'wrong type',
    'weight',
    (_i, t) => lanes(t, '[{"lane": "one", "grams": 5}]'),
    'schema',
    /^lanes\[0\]\.lane must be an integer, got "one"$/,
  ),
  kind(
    'array instead of object',
    'weight',
    () => '[1, 2, 3]',
    'schema',
    /^payload must be an object, got an array of 3$/,
  ),
  kind('missing field', 'weight', (_i, t) => `{"ts": ${t}}`, 'schema', /^lanes is required$/),
  kind(
    'missing nested field',
    'weight',
    (_i, t) => lanes(t, '[{"lane": 1}]'),
    'schema',
    /^lanes\[0\]\.grams is required$/,
  ),
  kind(
    'huge number',
    'weight',
    (_i, t) => lane1(t, '1e300'),
    'schema',
    /^lanes\[0\]\.grams must be <= 1000000, got 1e\+300$/,
  ),
  kind(
    'number beyond a double',
    'weight',
    (_i, t) => lane1(t, '1e999'),
    'not_finite',
    /^lanes\[0\]\.grams must be a finite number/,
  ),
  kind(
    '"NaN" string',
    'temp',
    (_i, t) => `{"ts": ${t}, "celsius": "NaN"}`,
    'not_finite',
    /^celsius must be a finite number, got the string "NaN"$/,
  ),
  kind(
    '"-Infinity" string',
    'weight',
    (_i, t) => lane1(t, '"-Infinity"'),
    'not_finite',
    /^lanes\[0\]\.grams must be a finite number, got the string "-Infinity"$/,
  ),
  kind(
    'negative lane',
    'weight',
    (_i, t) => lanes(t, '[{"lane": -3, "grams": 5}]'),
    'schema',
    /^lanes\[0\]\.lane must be >= 0, got -3$/,
  ),
  kind(
    'deep nesting',
    'weight',
    (_i, t) => lane1(t, nested(1500)),
    'schema',
    /^lanes\[0\]\.grams must be a number, got an array of 1$/,
  ),
  kind(
    'unknown field',
    'weight',
    (_i, t) => `{"ts": ${t}, "lanes": [], "firmware_debug": true}`,
    'schema',
    /^firmware_debug is not a known field$/,
  ),
  kind(
    'oversized JSON',
    'weight',
    (_i, t) => `{"ts": ${t}, "pad": "${'x'.repeat(MAX_JSON_BYTES)}"}`,
    'oversize',
    new RegExp(`^payload is \\d+ bytes, more than max_json_bytes ${MAX_JSON_BYTES}$`),
  ),
  kind(
    'too many lanes',
    'weight',
    (_i, t) => lanes(t, JSON.stringify(Array.from({ length: 65 }, (_, lane) => ({ lane, grams: 1 })))),
    'schema',
    /^lanes must NOT have more than 64 items, got 65$/,
  ),
  kind(
    'repeated lane',
    'weight',
    (_i, t) => lanes(t, '[{"lane": 1, "grams": 5}, {"lane": 1, "grams": 6}]'),
    'schema',
    /^lanes\[1\]\.lane repeats 1; each lane may appear once$/,
  ),
  kind(
    'unknown stream',
    'firmware',
    (_i, t) => lane1(t, '5'),
    'acl',
    /^stream "firmware" is not one a shelf publishes/,
  ),
  kind('ts before 2000', 'weight', () => lane1(5, '5'), 'schema', /^ts must be >= 946684800000, got 5$/),
  kind(
    'ts far in the future',
    'weight',
    (i, t) => lane1(t + 86_400_000 + i, '5'),
    'too_new',
    /^ts \d+ is [\d.]+ s ahead of the gateway clock \(max_future_s 30\)$/,
  ),
  kind(
    'late ts',
    'weight',
    (_i, t) => lane1(t - 60_000, '5'),
    'late',
    /^ts \d+ is 60 s behind the newest reading of this device \(watermark_s 5\)$/,
  ),
];

interface Reply {
  topic: string;
  reason: string;
  detail: string;
  repeats: number;
}

const total = (traces: Reply[]) => traces.reduce((sum, trace) => sum + trace.repeats, 0);

let gw: GatewayUnderTest;
let steady: MqttClient;
let steadyWeights: ReturnType<GatewayUnderTest['record']>;

beforeAll(async () => {
  gw = await startGateway({ yaml: YAML });
  steady = await gw.connectDevice(STEADY, await gw.addDevice(STEADY, 'shelf'));
  steadyWeights = gw.record('shelfWeight');
});
afterAll(async () => gw?.stop());

describe('E2E: 1,000 malformed payloads beside a valid stream', () => {
  it('counts every one, answers and dead-letters them by field and reason with repeats; the valid stream loses nothing', async () => {
    const password = await gw.addDevice(FLOODER, 'shelf');
    const flooder = await gw.connectDevice(FLOODER, password);
    const replies: Reply[] = [];
    flooder.on('message', (_topic, payload) => replies.push(JSON.parse(payload.toString()) as Reply));
    await flooder.subscribeAsync(`omo/shelf/${FLOODER}/error`);
    const t0 = Date.now();
    // One accepted reading first: the watermark that makes the `late ts` kind late.
    await flooder.publishAsync(`omo/shelf/${FLOODER}/weight`, lanes(t0, '[{"lane": 1, "grams": 5}]'), { qos: 1 });

    // The flooder's QoS 0 messages are not awaited by PUBACK, so valid readings meet a queue of bad ones.
    const sent: Malformed[] = [];
    const steadySent: number[] = [];
    const steadyAcks: Promise<unknown>[] = [];
    for (let i = 0; i < FLOOD_SIZE; i++) {
      const kind = MALFORMED[i % MALFORMED.length] as Malformed;
      sent.push(kind);
      await flooder.publishAsync(`omo/shelf/${FLOODER}/${kind.stream}`, kind.payload(i, t0), { qos: i % 2 ? 1 : 0 });
      if (i % VALID_EVERY === VALID_EVERY - 1) {
        const ts = t0 + steadySent.length + 1;
        steadySent.push(ts);
        const reading = lanes(ts, '[{"lane": 1, "grams": 250}]');
        steadyAcks.push(steady.publishAsync(`omo/shelf/${STEADY}/weight`, reading, { qos: 1 }));
      }
    }
    await Promise.all(steadyAcks);
    await waitFor(() => total(replies) >= FLOOD_SIZE, 60_000, 'error replies standing for every malformed payload');

    expect(total(replies)).toBe(FLOOD_SIZE);
    for (const reply of replies) {
      // The trace of a repeat is the first refusal of its window: some kind of that reason and stream.
      const kinds = MALFORMED.filter(
        (k) => k.reason === reply.reason && reply.topic === `omo/shelf/${FLOODER}/${k.stream}`,
      );
      expect(
        kinds.some((k) => k.detail.test(reply.detail)),
        `${reply.reason}: ${reply.detail}`,
      ).toBe(true);
    }
    expect(flooder.connected).toBe(true);

    // Every valid reading's ts reaches the bus exactly once, in the order sent.
    expect(steadySent).toHaveLength(FLOOD_SIZE / VALID_EVERY);
    const steadySeen = () => steadyWeights.filter((w) => w.deviceId === STEADY);
    await waitFor(() => steadySeen().length >= steadySent.length, 10_000, 'the valid readings');
    expect(steadySeen().map((w) => w.ts)).toEqual(steadySent);

    // One dead-letter row per trace, as the device was told (newest first); their repeats add up.
    const page = await gw.http(`/api/v1/dead-letters?device=${FLOODER}&limit=${FLOOD_SIZE}`, { token: gw.adminToken });
    expect(page.status).toBe(200);
    const rows = ((await page.json()) as { items: Reply[] }).items.reverse();
    const trace = (r: Reply) => [r.topic, r.reason, r.detail, r.repeats];
    expect(rows.map(trace)).toEqual(replies.map(trace));
    expect(page.headers.get('x-total-count')).toBe(String(replies.length));
    expect(replies.length).toBeLessThan(FLOOD_SIZE);

    const expected = new Map<string, number>();
    for (const kind of sent) expected.set(kind.reason, (expected.get(kind.reason) ?? 0) + 1);
    const samples = await gw.scrape();
    for (const [reason, count] of expected) {
      expect(metricValue(samples, 'omo_ingest_refused_total', { reason }), reason).toBe(count);
      const byReason = await gw.http(`/api/v1/dead-letters?reason=${reason}&limit=${FLOOD_SIZE}`, {
        token: gw.adminToken,
      });
      expect(total(((await byReason.json()) as { items: Reply[] }).items), reason).toBe(count);
    }
    expect(metricValue(samples, 'omo_ingest_refused_total')).toBe(FLOOD_SIZE);
    expect(metricValue(samples, 'omo_broker_refused_total', { reason: 'acl' })).toBe(expected.get('acl'));
    expect(metricValue(samples, 'omo_ingest_messages_total', { kind: 'shelf', stream: 'weight' })).toBe(
      steadySent.length + 1,
    );

    const health = await gw.http('/healthz');
    expect(health.status).toBe(200);
    expect(((await health.json()) as { status: string }).status).toBe('ok');
  });
});
