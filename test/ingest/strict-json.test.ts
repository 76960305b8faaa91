/**
 * Strict JSON (issue 8 point 3): duplicate keys and control characters are found wherever they are,
 * named, and nothing valid is refused — including the texts that take the slow path (colons inside
 * strings, escapes). Then through the ingest: each is refused with its three traces.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { strictJsonProblem } from '../../src/ingest/strict-json.js';
import { type Harness, NOW, startHarness } from './harness.js';

const check = (text: string) => strictJsonProblem(text, JSON.parse(text));

describe('strictJsonProblem', () => {
  it.each([
    ['{"ts":1,"ts":2}', 'key "ts" appears twice in the payload object'],
    ['{"ts":1,"t\\u0073":2}', 'key "ts" appears twice in the payload object'],
    [
      '{"lanes":[{"lane":1,"grams":-5}],"ts":1,"lanes":[{"lane":1,"grams":5}]}',
      'key "lanes" appears twice in the payload object',
    ],
    ['{"lanes":[{"lane":1,"grams":5},{"lane":2,"grams":6,"grams":7}]}', 'key "grams" appears twice in lanes[1]'],
    ['{"a":{"b":[[{"c":1}],{"d":":","d":2}]}}', 'key "d" appears twice in a.b[1]'],
    ['{"x:y":"a:b","x:y":1}', 'key "x:y" appears twice in the payload object'],
  ])('refuses the duplicate in %s', (text, detail) => {
    expect(check(text)).toEqual({ reason: 'duplicate_key', detail });
  });

  it.each([
    [
      '{"status":"online","firmware":"2.4\\u0000.1"}',
      'firmware must not hold control characters, got U+0000 at index 3',
    ],
    ['{"firmware":"ok\\n"}', 'firmware must not hold control characters, got U+000A at index 2'],
    [
      '{"people":[{"id":"a"},{"id":"\u0085b"}]}',
      'people[1].id must not hold control characters, got U+0085 at index 0',
    ],
    ['{"x":"\\u007f"}', 'x must not hold control characters, got U+007F at index 0'],
    ['"\\u001b[31m"', 'the payload must not hold control characters, got U+001B at index 0'],
    ['{"a\\u0000":1}', 'a key in the payload object holds control characters: "a\\u0000"'],
  ])('refuses the control character in %s', (text, detail) => {
    expect(check(text)).toEqual({ reason: 'control_char', detail });
  });

  it.each([
    '{"ts":1732620000123,"lanes":[{"lane":1,"grams":2450.5},{"lane":2,"grams":0}]}',
    '{"status":"online","firmware":"v2.4.1:beta","note":"a \\"quoted\\": \\\\ back\\\\slash"}',
    '{"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]}',
    '{"é ≠ 🌡":"\\u00e9\\u00a0"}',
    '[]',
    '{}',
    '"plain"',
    '{"k":[],"l":{},"m":null,"n":true}',
  ])('accepts %s', (text) => {
    expect(check(text)).toBeUndefined();
  });
});

describe('strict JSON in the ingest', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it.each([
    [
      'omo/shelf/shelf-01/weight',
      `{"ts":${NOW},"ts":${NOW - 1}}`,
      'duplicate_key',
      'key "ts" appears twice in the payload object',
    ],
    [
      'omo/shelf/shelf-01/weight',
      `{"ts":${NOW},"lanes":[{"lane":1,"grams":-1e9}],"lanes":[{"lane":1,"grams":5}]}`,
      'duplicate_key',
      'key "lanes" appears twice in the payload object',
    ],
    [
      'omo/shelf/shelf-01/status',
      `{"status":"online","ts":${NOW},"firmware":"2.4.1\\u0000"}`,
      'control_char',
      'firmware must not hold control characters, got U+0000 at index 5',
    ],
  ])('%s %s → %s', async (topic, payload, reason, detail) => {
    h.send(topic, payload);
    expect(h.events.map((e) => e.name)).toEqual(['ingestRefused']);
    expect(h.replies.map((r) => JSON.parse(r.payload))).toEqual([{ topic, reason, detail, ts: NOW, repeats: 1 }]);
    expect(h.deadLetters.list({ limit: 10, offset: 0 })).toMatchObject([{ reason, detail, topic }]);
    expect(await h.counter('omo_ingest_refused_total', { reason })).toBe(1);
  });
});
