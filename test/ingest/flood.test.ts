/**
 * Issue 2, "must show": 1,000 malformed payloads of varied kinds from one device while another streams
 * valid readings. Each malformed one is counted, answered and dead-lettered — repeats of one reason in
 * one trace interval sharing a reply and a row with their count (issue 8 point 6) — and the valid
 * stream loses nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../broker/helpers/wait.js';
import { type Harness, NOW, startHarness, weight } from './harness.js';

const ROGUE = 'omo/shelf/rogue-01';
const GOOD = 'omo/shelf/good-01/weight';

/** Ten kinds of bad input; message i uses kind i % 10. */
const malformed: ((i: number) => [stream: string, payload: string | Buffer, reason: string])[] = [
  (i) => ['weight', `{"ts": ${NOW}, "lanes": [{"lane": 1, "grams": ${i}`, 'bad_json'],
  (i) => ['weight', Buffer.from([0xc3, 0x28, i & 0xff, 0xff]), 'bad_json'],
  (i) => ['weight', weight(NOW, `1e${300 + (i % 9)}`), 'schema'],
  () => ['weight', weight(NOW, '1e999'), 'not_finite'],
  () => ['temp', `{"ts": ${NOW}, "celsius": "NaN"}`, 'not_finite'],
  (i) => ['weight', weight(NOW, `"${i}"`), 'schema'],
  (i) => ['weight', `{"ts": ${NOW + 3_600_000 + i}, "lanes": [{"lane": 1, "grams": 1}]}`, 'too_new'],
  (i) => [`nope${i % 3}`, '{}', 'unknown_topic'],
  () => ['weight', `{"ts": ${NOW}, "lanes": ${'['.repeat(600)}${']'.repeat(600)}}`, 'schema'],
  (i) => ['temp', `{"ts": ${NOW}, "celsius": 4, "extra_${i}": 1}`, 'schema'],
];

/** Refusals by reason among the 1,000. */
const expected = new Map<string, number>();
for (let i = 0; i < 1000; i++) {
  const reason = (malformed[i % malformed.length] as (typeof malformed)[number])(i)[2];
  expected.set(reason, (expected.get(reason) ?? 0) + 1);
}

describe('a flood of malformed payloads beside a valid stream', () => {
  let h: Harness;
  const validReceived: number[] = [];
  beforeAll(async () => {
    h = await startHarness({ max_json_bytes: 4096, refusal_trace_interval_s: 0.05 });
    h.bus.on('flood-test', 'shelfWeight', (event) => {
      if (event.deviceId === 'good-01') validReceived.push(event.lanes[0]?.grams ?? -1);
    });
    for (let i = 0; i < 1000; i++) {
      const [stream, payload] = (malformed[i % malformed.length] as (typeof malformed)[number])(i);
      h.send(`${ROGUE}/${stream}`, payload);
      h.send(GOOD, weight(NOW + i, i));
    }
    // The loop is synchronous, so every refusal falls in the first window of its reason: each reason is
    // traced at once, and once more with the count of the rest when the window ends.
    await waitFor('the windows to end', () => h.replies.length === 2 * expected.size);
  });
  afterAll(async () => {
    await h.close();
  });

  it('delivers every valid reading, in order', () => {
    expect(validReceived).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('answers each reason at once, then once with the count of its repeats, naming a field or the payload', () => {
    for (const reply of h.replies) {
      expect(reply.topic).toBe(`${ROGUE}/error`);
      const body = JSON.parse(reply.payload) as { detail: string; topic: string };
      expect(body.topic.startsWith(`${ROGUE}/`)).toBe(true);
      expect(body.detail).toMatch(/^(payload|lanes\[0\](\.grams)?|celsius|extra_\d+|ts \d+|stream "nope\d") /);
    }
    const replies = h.replies.map((reply) => JSON.parse(reply.payload) as { reason: string; repeats: number });
    for (const [reason, count] of expected) {
      const mine = replies.filter((reply) => reply.reason === reason).map((reply) => reply.repeats);
      expect(mine, reason).toEqual([1, count - 1]);
    }
  });

  it('writes two dead-letter rows per reason whose repeats add up to the refusals, none for the valid stream', () => {
    expect(h.deadLetters.count()).toBe(2 * expected.size);
    for (const [reason, count] of expected) {
      const rows = h.deadLetters.list({ limit: 10, offset: 0, reason });
      expect(
        rows.map((row) => row.repeats).reduce((a, b) => a + b, 0),
        reason,
      ).toBe(count);
    }
    expect(h.deadLetters.list({ limit: 10, offset: 0, deviceId: 'good-01' })).toEqual([]);
  });

  it('counts every refusal by reason, exactly', async () => {
    for (const [reason, count] of expected) {
      expect(await h.counter('omo_ingest_refused_total', { reason }), reason).toBe(count);
    }
    expect(await h.counter('omo_ingest_messages_total', { kind: 'shelf', stream: 'weight' })).toBe(1000);
  });
});
