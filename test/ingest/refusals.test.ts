/**
 * Every class of bad input (ARCHITECTURE §11) leaves exactly the three traces of §4 — one error reply
 * naming the field, one dead-letter row, one counter increment — plus one `ingestRefused` event, and
 * never reaches the bus as a reading.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, NOW, startHarness, weight } from './harness.js';

const SHELF = 'omo/shelf/shelf-01';
const CAMERA = 'omo/camera/cam-01';
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

interface Case {
  name: string;
  topic: string;
  payload: string | Buffer;
  reason: string;
  detail: string;
}

const cases: Case[] = [
  {
    name: 'unknown stream',
    topic: `${SHELF}/humidity`,
    payload: '{"ts": 1}',
    reason: 'unknown_topic',
    detail: 'stream "humidity" is not one a shelf publishes (status, weight, temp)',
  },
  {
    name: 'kind without a profile',
    topic: 'omo/fridge/fr-01/temp',
    payload: '{}',
    reason: 'unknown_topic',
    detail: 'kind "fridge" has no device profile',
  },
  {
    name: 'oversize JSON',
    topic: `${SHELF}/weight`,
    payload: `{"ts": ${NOW}, "lanes": [], "pad": "${'x'.repeat(2000)}"}`,
    reason: 'oversize',
    detail: 'payload is 2045 bytes, more than max_json_bytes 1024',
  },
  {
    name: 'oversize frame',
    topic: `${CAMERA}/frame`,
    payload: Buffer.alloc(5000, 0xff),
    reason: 'oversize',
    detail: 'payload is 5000 bytes, more than max_frame_bytes 4096',
  },
  {
    name: 'bad JSON',
    topic: `${SHELF}/weight`,
    payload: `{"ts": ${NOW}, "lanes": [{"lane": 1 "grams": 2}]}`,
    reason: 'bad_json',
    detail: `payload is not valid JSON: expected ',' or '}', got '"' at position 43`,
  },
  {
    name: 'truncated JSON',
    topic: `${SHELF}/weight`,
    payload: `{"ts": ${NOW}, "lanes": [{"lane": 1`,
    reason: 'bad_json',
    detail: 'payload is not valid JSON: unexpected end of input (unclosed object) at position 42',
  },
  {
    name: 'empty payload',
    topic: `${SHELF}/temp`,
    payload: '',
    reason: 'bad_json',
    detail: 'payload is empty; expected a JSON object',
  },
  {
    name: 'binary garbage to a JSON stream',
    topic: `${SHELF}/weight`,
    payload: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x00, 0x9c]),
    reason: 'bad_json',
    detail: 'payload is not UTF-8 text (byte 0xFF at offset 2); JSON streams take UTF-8 JSON',
  },
  {
    name: 'control bytes that are valid UTF-8',
    topic: `${SHELF}/weight`,
    payload: Buffer.from([0x00, 0x01, 0x02]),
    reason: 'bad_json',
    detail: 'payload is not valid JSON: unexpected U+0000 where a value should be at position 0',
  },
  {
    name: 'number above its bound',
    topic: `${SHELF}/weight`,
    payload: weight(NOW, '1e300'),
    reason: 'schema',
    detail: 'lanes[0].grams must be <= 1000000, got 1e+300',
  },
  {
    name: 'wrong type',
    topic: `${SHELF}/weight`,
    payload: weight(NOW, '"12"'),
    reason: 'schema',
    detail: 'lanes[0].grams must be a number, got "12"',
  },
  {
    name: 'number too large for a double',
    topic: `${SHELF}/weight`,
    payload: weight(NOW, '1e400'),
    reason: 'not_finite',
    detail: 'lanes[0].grams must be a finite number, got a number too large to represent (Infinity)',
  },
  {
    name: 'the string "NaN"',
    topic: `${SHELF}/temp`,
    payload: `{"ts": ${NOW}, "celsius": "NaN"}`,
    reason: 'not_finite',
    detail: 'celsius must be a finite number, got the string "NaN"',
  },
  {
    name: 'the string "-Infinity"',
    topic: `${SHELF}/weight`,
    payload: weight(NOW, '"-Infinity"'),
    reason: 'not_finite',
    detail: 'lanes[0].grams must be a finite number, got the string "-Infinity"',
  },
  {
    name: 'missing field',
    topic: `${SHELF}/weight`,
    payload: `{"ts": ${NOW}}`,
    reason: 'schema',
    detail: 'lanes is required',
  },
  {
    name: 'unknown field',
    topic: `${SHELF}/weight`,
    payload: `{"ts": ${NOW}, "lanes": [{"lane": 1, "grams": 5, "weight": 5}]}`,
    reason: 'schema',
    detail: 'lanes[0].weight is not a known field',
  },
  {
    name: 'value outside an enumeration',
    topic: `${CAMERA}/tracks`,
    payload: `{"ts": ${NOW}, "space": "world", "people": []}`,
    reason: 'schema',
    detail: 'space must be one of "floor", "image", got "world"',
  },
  {
    name: 'a top-level array',
    topic: `${SHELF}/temp`,
    payload: '[]',
    reason: 'schema',
    detail: 'payload must be an object, got an array of 0',
  },
  {
    name: 'deep nesting in a known field',
    topic: `${SHELF}/weight`,
    payload: `{"ts": ${NOW}, "lanes": [${nested(400)}]}`,
    reason: 'schema',
    detail: 'lanes[0] must be an object, got an array of 1',
  },
  {
    name: 'deep nesting beyond what a recursive parser survives',
    topic: `${SHELF}/weight`,
    payload: `{"ts": ${NOW}, "lanes": ${'['.repeat(900)}`,
    reason: 'bad_json',
    detail: 'payload is not valid JSON: unexpected end of input (unclosed array) at position 931',
  },
  {
    name: 'too long a string',
    topic: 'omo/signage/screen-01/play',
    payload: `{"ts": ${NOW}, "content_id": "${'a'.repeat(200)}", "duration_s": 15}`,
    reason: 'schema',
    detail: 'content_id must NOT have more than 128 characters, got 200',
  },
  {
    name: 'a timestamp too far ahead',
    topic: `${SHELF}/temp`,
    payload: `{"ts": ${NOW + 60_000}, "celsius": 4.2}`,
    reason: 'too_new',
    detail: `ts ${NOW + 60_000} is 60 s ahead of the gateway clock (max_future_s 30)`,
  },
  {
    name: "a device's first reading from before the back-fill window",
    topic: `${SHELF}/temp`,
    payload: `{"ts": ${NOW - 3_601_000}, "celsius": 4.2}`,
    reason: 'too_old',
    detail: `ts ${NOW - 3_601_000} is 3601 s behind the gateway clock (max_past_s 3600)`,
  },
  {
    name: 'a timestamp before 2000',
    topic: `${SHELF}/temp`,
    payload: '{"ts": 1732620000, "celsius": 4.2}',
    reason: 'schema',
    detail: 'ts must be >= 946684800000, got 1732620000',
  },
  {
    name: 'a lane reported twice',
    topic: `${SHELF}/weight`,
    payload: `{"ts": ${NOW}, "lanes": [{"lane": 1, "grams": 5}, {"lane": 1, "grams": 6}]}`,
    reason: 'schema',
    detail: 'lanes[1].lane repeats 1; each lane may appear once',
  },
  {
    name: 'a PNG sent as a frame',
    topic: `${CAMERA}/frame`,
    payload: Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
    reason: 'bad_jpeg',
    detail: 'payload must be a JPEG starting with the SOI marker FF D8 FF, got 89 50 4E',
  },
];

describe('refusals', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it.each(cases)('$name → $reason', async ({ topic, payload, reason, detail }) => {
    h.send(topic, payload);
    const [, kind, deviceId] = topic.split('/');

    expect(h.replies).toHaveLength(1);
    expect(h.replies[0]?.topic).toBe(`omo/${kind}/${deviceId}/error`);
    expect(JSON.parse(h.replies[0]?.payload ?? '')).toEqual({ topic, reason, detail, ts: NOW, repeats: 1 });

    const rows = h.deadLetters.list({ limit: 10, offset: 0 });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ device_id: deviceId, kind, topic, reason, detail, received_at: NOW, repeats: 1 });
    expect(rows[0]?.payload_bytes).toBe(payload.length);

    expect(await h.counter('omo_ingest_refused_total', { reason })).toBe(1);
    expect(h.events).toEqual([{ name: 'ingestRefused', event: { deviceId, topic, reason, detail, ts: NOW } }]);
  });

  it('refuses a reading older than the watermark but merges one within it', async () => {
    h.send(`${SHELF}/weight`, weight(NOW));
    h.send(`${SHELF}/weight`, weight(NOW - 4000));
    h.send(`${SHELF}/weight`, weight(NOW - 6000));
    // Another device has its own watermark.
    h.send('omo/shelf/shelf-02/weight', weight(NOW - 6000));

    expect(h.events.map((e) => e.name)).toEqual(['shelfWeight', 'shelfWeight', 'ingestRefused', 'shelfWeight']);
    expect(h.replies).toHaveLength(1);
    expect(JSON.parse(h.replies[0]?.payload ?? '')).toMatchObject({
      reason: 'late',
      detail: `ts ${NOW - 6000} is 6 s behind the newest reading of this device (watermark_s 5)`,
    });
    expect(h.deadLetters.list({ limit: 10, offset: 0, reason: 'late' })).toHaveLength(1);
    expect(await h.counter('omo_ingest_refused_total', { reason: 'late' })).toBe(1);
  });

  it('accepts a first reading just inside the back-fill window, and the demo store may widen it', () => {
    h.send(`${SHELF}/temp`, `{"ts": ${NOW - 3_599_000}, "celsius": 4.2}`);
    h.send('omo/shelf/shelf-02/temp', `{"ts": ${NOW - 7_200_000}, "celsius": 4.2}`);
    h.ingest.allowPast(7300);
    h.send('omo/shelf/shelf-02/temp', `{"ts": ${NOW - 7_200_000}, "celsius": 4.2}`);
    expect(h.events.map((e) => e.name)).toEqual(['shelfTemperature', 'ingestRefused', 'shelfTemperature']);
  });

  it('lets only accepted readings move the watermark', () => {
    // Refused (duplicate lane) with a new ts: must not make the next on-time reading late.
    h.send(`${SHELF}/weight`, weight(NOW - 10_000));
    h.send(`${SHELF}/weight`, `{"ts": ${NOW}, "lanes": [{"lane": 1, "grams": 5}, {"lane": 1, "grams": 6}]}`);
    h.send(`${SHELF}/weight`, weight(NOW - 9000));
    expect(h.events.map((e) => e.name)).toEqual(['shelfWeight', 'ingestRefused', 'shelfWeight']);
  });

  it('keeps a binary sample as hex and a text sample as text, both cut to the sample size', () => {
    h.send(`${SHELF}/weight`, Buffer.from([0xff, 0x00, 0x41]));
    h.send(`${SHELF}/weight`, `{"ts": ${NOW}, "lanes": [{"lane": 1, "grams": "${'€'.repeat(40)}"}]}`);
    const [text, binary] = h.deadLetters.list({ limit: 10, offset: 0 });
    expect(binary?.payload_sample).toBe('hex:ff0041');
    // 64 bytes allowed: 54 of prefix, then 3-byte "€"s; byte 64 falls inside the fourth, which is left out.
    expect(text?.payload_sample).toBe(`{"ts": ${NOW}, "lanes": [{"lane": 1, "grams": "${'€'.repeat(3)}`);
    expect(Buffer.byteLength(text?.payload_sample ?? '')).toBeLessThanOrEqual(64);
  });

  it('answers broker refusals the same way; an unauthenticated sender is counted, never written', async () => {
    h.ingest.refuse({
      deviceId: 'shelf-01',
      kind: 'shelf',
      topic: 'omo/shelf/shelf-02/weight',
      reason: 'acl',
      detail: 'shelf-01 may not publish to omo/shelf/shelf-02/weight',
      receivedAt: NOW,
    });
    h.ingest.refuse({
      deviceId: null,
      kind: null,
      topic: 'omo/x',
      reason: 'oversize',
      detail: 'packet',
      receivedAt: NOW,
    });
    expect(h.replies.map((r) => r.topic)).toEqual(['omo/shelf/shelf-01/error']);
    expect(h.deadLetters.list({ limit: 10, offset: 0 })).toMatchObject([{ device_id: 'shelf-01', reason: 'acl' }]);
    expect(await h.counter('omo_ingest_refused_total', { reason: 'acl' })).toBe(1);
    expect(await h.counter('omo_ingest_refused_total', { reason: 'oversize' })).toBe(1);
    expect(h.events.filter((e) => e.name === 'ingestRefused')).toHaveLength(2);
  });

  it('still dead-letters and counts when the error reply cannot be sent', async () => {
    const failing = await startHarness({}, () => {
      throw new Error('broker closed');
    });
    failing.send(`${SHELF}/temp`, 'nope');
    expect(failing.deadLetters.count()).toBe(1);
    expect(await failing.counter('omo_ingest_refused_total', { reason: 'bad_json' })).toBe(1);
    await failing.close();
  });
});
