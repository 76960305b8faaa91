import { describe, expect, it } from 'vitest';
import { parseResendCommand } from '../../src/uplink/resend.js';

const parse = (body: unknown) =>
  parseResendCommand(Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)));

describe('parseResendCommand', () => {
  it('reads from, to (any zone) and optional streams', () => {
    expect(parse({ from: '2024-03-01T09:00:00Z', to: '2024-03-01T11:00:00+01:00' })).toEqual({
      fromMs: Date.parse('2024-03-01T09:00:00Z'),
      toMs: Date.parse('2024-03-01T10:00:00Z'),
    });
    expect(
      parse({ from: '2024-03-01T09:00Z', to: '2024-03-01T09:00Z', streams: ['zones', 'zones', 'paths'] }),
    ).toMatchObject({
      streams: ['zones', 'paths'],
    });
  });

  it.each([
    ['not json', 'resend command is not valid JSON'],
    [[], 'must be a JSON object with "from" and "to"'],
    [{ to: '2024-03-01T09:00:00Z' }, '"from" must be an ISO-8601 date-time with a zone, got undefined'],
    [{ from: '2024-03-01T09:00:00', to: '2024-03-01T10:00:00Z' }, '"from" must be an ISO-8601 date-time with a zone'],
    [
      { from: '2024-03-01T09:00:00Z', to: 1709287200000 },
      '"to" must be an ISO-8601 date-time with a zone, got 1709287200000',
    ],
    [{ from: '2024-03-01T10:00:00Z', to: '2024-03-01T09:00:00Z' }, '"from" (2024-03-01T10:00:00Z) is after "to"'],
    [{ from: '2024-03-01T09:00:00Z', to: '2024-03-01T10:00:00Z', streams: [] }, '"streams" must be a non-empty array'],
    [
      { from: '2024-03-01T09:00:00Z', to: '2024-03-01T10:00:00Z', streams: ['zones', 'video'] },
      '"streams"[1] is "video", not an uplink stream',
    ],
    [{ from: '2024-03-01T09:00:00Z', to: '2024-03-01T10:00:00Z', limit: 5 }, 'unknown key "limit"'],
    [`{"from":"${'x'.repeat(5000)}"}`, 'at most 4096'],
  ])('refuses %j: %s', (body, message) => {
    expect(() => parse(body)).toThrow(message);
  });
});
