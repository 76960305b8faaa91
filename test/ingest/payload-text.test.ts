/**
 * The cold-path explainers agree with the engines they explain: findJsonFault with V8's JSON.parse,
 * firstInvalidUtf8 with Node's isUtf8 (simdutf), over thousands of seeded random inputs.
 */
import { isUtf8 } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { describeJsonError, findJsonFault } from '../../src/ingest/json-error.js';
import { firstInvalidUtf8, payloadSample } from '../../src/ingest/payload-text.js';

/** mulberry32: a small seeded generator, so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const seeds = [
  '{"ts": 1732620000123, "lanes": [{"lane": 1, "grams": 2450.5}, {"lane": 2, "grams": -0.5e-3}]}',
  '{"a": [true, false, null, "x\\u00e9\\n\\"", {"b": {}}, []], "c": -0, "d": 1E+2}',
  '[1, [2, [3, [4]]], "\\ud83d\\ude00", "é€😀"]',
  '  "just a string"  ',
];
const alphabet = [
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '"',
  '\\',
  'u',
  '0',
  '-',
  '.',
  'e',
  '+',
  ' ',
  '\n',
  't',
  'n',
  '\u0001',
  'x',
];

function mutate(text: string, next: () => number): string {
  const chars = [...text];
  const edits = 1 + Math.floor(next() * 3);
  for (let k = 0; k < edits; k++) {
    const at = Math.floor(next() * (chars.length + 1));
    const op = next();
    const char = alphabet[Math.floor(next() * alphabet.length)] as string;
    if (op < 0.4) chars.splice(at, 1);
    else if (op < 0.7) chars.splice(at, 0, char);
    else chars.splice(at, 1, char);
  }
  return chars.join('');
}

describe('findJsonFault', () => {
  it('finds a fault exactly when JSON.parse refuses, over 20,000 mutated documents', () => {
    const next = random(2);
    let refused = 0;
    for (let i = 0; i < 20_000; i++) {
      const text = mutate(seeds[i % seeds.length] as string, next);
      let parses = true;
      try {
        JSON.parse(text);
      } catch {
        parses = false;
        refused++;
      }
      const fault = findJsonFault(text);
      expect(fault === undefined, text).toBe(parses);
      if (fault !== undefined) expect(fault.position).toBeLessThanOrEqual(text.length);
    }
    expect(refused).toBeGreaterThan(5000);
  });

  it('handles nesting deeper than any call stack', () => {
    expect(findJsonFault('['.repeat(200_000) + ']'.repeat(200_000))).toBeUndefined();
    expect(findJsonFault('['.repeat(200_000))).toEqual({
      position: 200_000,
      problem: 'unexpected end of input (unclosed array)',
    });
  });

  it.each([
    ['{"a":}', "unexpected '}' where a value should be at position 5"],
    ['{"a" 1}', "expected ':' after a property name, got '1' at position 5"],
    ["{'a': 1}", "expected a property name in double quotes, got ''' at position 1"],
    ['[1, 2,]', "unexpected ']' where a value should be at position 6"],
    ['{"a": 1}}', "unexpected '}' after the JSON value at position 8"],
    ['{"a": "x\ty"}', 'control character U+0009 inside a string at position 8'],
    ['{"a": "\\x"}', 'bad escape in a string at position 7'],
    ['{"a": "\\u12g4"}', 'bad \\u escape (needs 4 hex digits) at position 7'],
    ['{"a": "open', 'unterminated string at position 6'],
    ['{"a": NaN}', "unexpected 'N' where a value should be at position 6"],
    ['{"a": 01}', "expected ',' or '}', got '1' at position 7"],
  ])('explains %s', (text, explanation) => {
    let error: unknown;
    try {
      JSON.parse(text);
    } catch (caught) {
      error = caught;
    }
    expect(describeJsonError(text, error)).toBe(`payload is not valid JSON: ${explanation}`);
  });
});

describe('firstInvalidUtf8', () => {
  it('agrees with isUtf8 over 20,000 random buffers biased towards multi-byte sequences', () => {
    const next = random(7);
    const leads = [0x41, 0xc2, 0xc0, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0x80, 0xbf, 0xa0, 0x9f, 0x90, 0x8f];
    for (let i = 0; i < 20_000; i++) {
      const bytes = Buffer.from(
        Array.from({ length: 1 + Math.floor(next() * 8) }, () => leads[Math.floor(next() * leads.length)] as number),
      );
      expect(firstInvalidUtf8(bytes) === -1, bytes.toString('hex')).toBe(isUtf8(bytes));
    }
  });

  it('points at the lead byte of the first broken sequence', () => {
    expect(firstInvalidUtf8(Buffer.from('ok é € 😀'))).toBe(-1);
    expect(firstInvalidUtf8(Buffer.from([0x41, 0xe2, 0x82, 0x41]))).toBe(1);
    expect(firstInvalidUtf8(Buffer.from([0x41, 0xed, 0xa0, 0x80]))).toBe(1); // a UTF-16 surrogate
    expect(firstInvalidUtf8(Buffer.from([0xc0, 0xaf]))).toBe(0); // an overlong '/'
  });
});

describe('payloadSample', () => {
  it('keeps text as text and binary as hex, within the byte budget', () => {
    expect(payloadSample(Buffer.from('hello'), 3)).toBe('hel');
    expect(payloadSample(Buffer.from('€€'), 4)).toBe('€');
    expect(payloadSample(Buffer.from([0, 1, 0xff]), 2)).toBe('hex:0001');
    expect(payloadSample(Buffer.from('anything'), 0)).toBe('');
  });
});
