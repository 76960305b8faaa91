/**
 * Bounded refusal traces (issue 8 point 6): per device and reason, one error reply and one dead-letter
 * row per trace interval, carrying `repeats`; the counter exact; other devices and reasons traced on
 * their own; what is still open written on stop.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../broker/helpers/wait.js';
import { type Harness, NOW, startHarness, weight } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const replies = (harness: Harness) =>
  harness.replies.map((reply) => ({
    ...(JSON.parse(reply.payload) as { reason: string; repeats: number; detail: string }),
    to: reply.topic,
  }));

describe('refusal traces', () => {
  it('traces the first refusal at once and its repeats in one row and reply when the interval ends', async () => {
    const harness = await startHarness({ refusal_trace_interval_s: 0.05 });
    h = harness;
    for (let i = 0; i < 5000; i++) harness.send('omo/shelf/rogue/weight', `{"ts": ${NOW}, "lanes": [${i}`);
    harness.send('omo/shelf/rogue/temp', '{"ts": 1}');
    harness.send('omo/shelf/other/weight', 'nope');
    harness.send('omo/shelf/good/weight', weight(NOW));

    // At once: the first of each (device, reason), nothing for the 4,999 repeats yet.
    expect(replies(harness).map((r) => [r.to, r.reason, r.repeats])).toEqual([
      ['omo/shelf/rogue/error', 'bad_json', 1],
      ['omo/shelf/rogue/error', 'schema', 1],
      ['omo/shelf/other/error', 'bad_json', 1],
    ]);
    await waitFor('the window to end', () => harness.replies.length === 4);
    const summary = replies(harness)[3];
    // The repeats' trace is the first of them: the payload with lanes [1.
    expect(summary).toMatchObject({ to: 'omo/shelf/rogue/error', reason: 'bad_json', repeats: 4999 });
    const rows = harness.deadLetters.list({ limit: 100, offset: 0, deviceId: 'rogue', reason: 'bad_json' });
    expect(rows.map((row) => [row.repeats, row.payload_sample])).toEqual([
      [4999, `{"ts": ${NOW}, "lanes": [1`],
      [1, `{"ts": ${NOW}, "lanes": [0`],
    ]);
    expect(harness.deadLetters.count()).toBe(4);
    expect(await harness.counter('omo_ingest_refused_total', { reason: 'bad_json' })).toBe(5001);
    expect(harness.events.filter((e) => e.name === 'shelfWeight')).toHaveLength(1);
  });

  it('writes one trace per interval through a steady flood, and traces at once again after a quiet interval', async () => {
    const harness = await startHarness({ refusal_trace_interval_s: 0.05 });
    h = harness;
    const send = () => harness.send('omo/shelf/rogue/temp', 'x');
    send();
    send();
    await waitFor('the first window to end', () => harness.replies.length === 2);
    send(); // in the second window, which its predecessor's repeats opened
    send();
    expect(harness.replies).toHaveLength(2);
    await waitFor('the second window to end', () => harness.replies.length === 3);
    expect(replies(harness).map((r) => r.repeats)).toEqual([1, 1, 2]);
    // The third window ends empty and closes; the next refusal is traced at once.
    await waitFor('the window to close', () => harness.ingest.openRefusalWindows === 0);
    send();
    expect(replies(harness)[3]?.repeats).toBe(1);
    expect(await harness.counter('omo_ingest_refused_total', { reason: 'bad_json' })).toBe(5);
    const rows = harness.deadLetters.list({ limit: 10, offset: 0 });
    expect(rows.reduce((sum, row) => sum + row.repeats, 0)).toBe(5);
  });

  it('writes the repeats of an open window when the ingest stops', async () => {
    const harness = await startHarness({ refusal_trace_interval_s: 3600 });
    for (let i = 0; i < 3; i++) harness.send('omo/shelf/rogue/temp', 'x');
    expect(harness.replies).toHaveLength(1);
    await harness.ingest.stop();
    expect(replies(harness).map((r) => r.repeats)).toEqual([1, 2]);
    expect(harness.deadLetters.list({ limit: 10, offset: 0 }).map((row) => row.repeats)).toEqual([2, 1]);
    await harness.close();
  });
});
