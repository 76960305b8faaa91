/** The cross-field rules profiles enforce in decode, which a JSON Schema cannot state. */
import { describe, expect, it } from 'vitest';
import { type DecodeContext, DecodeError, type StreamProfile } from '../src/ingest/profile.js';
import { profiles } from './index.js';

const context: DecodeContext = { deviceId: 'dev-01', kind: 'x', receivedAt: 1732620000999 };

function stream(kind: string, name: string): StreamProfile {
  const found = profiles.get(kind)?.publishes[name];
  if (found === undefined) throw new Error(`no ${kind}/${name}`);
  return found;
}

function refusalOf(run: () => unknown): DecodeError {
  try {
    run();
  } catch (error) {
    if (error instanceof DecodeError) return error;
    throw error;
  }
  throw new Error('decode accepted the payload');
}

describe('cross-field rules', () => {
  it('refuses a lane reported twice, naming the second', () => {
    const weight = stream('shelf', 'weight');
    const payload = {
      ts: 1,
      lanes: [
        { lane: 2, grams: 1 },
        { lane: 3, grams: 1 },
        { lane: 2, grams: 5 },
      ],
    };
    const error = refusalOf(() => weight.decode(payload as never, context));
    expect([error.reason, error.field, error.message]).toEqual([
      'schema',
      'lanes[2].lane',
      'lanes[2].lane repeats 2; each lane may appear once',
    ]);
  });

  it('refuses a person id reported twice in one frame, also past the small-list fast path', () => {
    const tracks = stream('camera', 'tracks');
    const people = Array.from({ length: 40 }, (_, i) => ({ id: `p${i}`, x: 1, y: 1 }));
    people.push({ id: 'p7', x: 2, y: 2 });
    const error = refusalOf(() => tracks.decode({ ts: 1, space: 'floor', people } as never, context));
    expect(error.message).toBe('people[40].id repeats "p7"; each id may appear once');
  });

  it('refuses floor positions beyond the floor-plan limit but allows them as image pixels', () => {
    const tracks = stream('camera', 'tracks');
    const people = [
      { id: 'a', x: 1, y: 1 },
      { id: 'b', x: 3, y: 20000 },
    ];
    const error = refusalOf(() => tracks.decode({ ts: 1, space: 'floor', people } as never, context));
    expect(error.message).toBe('people[1].y must be within ±10000 m in space "floor", got 20000');
    expect(tracks.decode({ ts: 1, space: 'image', people } as never, context)).toMatchObject({ space: 'image' });
  });

  it('refuses a frame that is not a whole JPEG', () => {
    const frame = stream('camera', 'frame');
    const png = Buffer.from('89504e470d0a1a0a0000', 'hex');
    expect(refusalOf(() => frame.decode(png as never, context)).message).toBe(
      'payload must be a JPEG starting with the SOI marker FF D8 FF, got 89 50 4E',
    );
    const truncated = (frame.examples[0] as Buffer).subarray(0, 100);
    const error = refusalOf(() => frame.decode(truncated as never, context));
    expect([error.reason, error.field]).toEqual(['bad_jpeg', 'payload']);
    expect(error.message).toMatch(
      /^payload must end with the JPEG EOI marker FF D9 \(truncated frame\?\), got [0-9A-F]{2} [0-9A-F]{2}$/,
    );
    expect(refusalOf(() => frame.decode(Buffer.alloc(0) as never, context)).message).toMatch(/got nothing$/);
  });

  it('puts status extras in detail, camelCase, and stamps arrival time when ts is absent', () => {
    const status = stream('signage', 'status');
    const event = status.decode({ status: 'online', playlist_version: 'v3', screen_on: true } as never, context);
    expect(event).toEqual({
      deviceId: 'dev-01',
      kind: 'x',
      ts: context.receivedAt,
      status: 'online',
      detail: { playlistVersion: 'v3', screenOn: true },
    });
  });
});
