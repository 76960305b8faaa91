/**
 * `omo-edge replay`'s pieces without a socket: a track file grouped into camera frames, and the time
 * shift that keeps every reading at or before the gateway clock with bins aligned.
 */
import { describe, expect, it } from 'vitest';
import { framesOf, MAX_PEOPLE_PER_FRAME, replayShiftMs } from '../../src/simulate/track-replay.js';

describe('replay frames and time shift', () => {
  it('groups a file into frames by time, in file order within a frame', () => {
    const frames = framesOf([
      { t: 1, id: 'b', x: 0, y: 0 },
      { t: 0.5, id: 'a', x: 1, y: 1 },
      { t: 1, id: 'a', x: 2, y: 2 },
    ]);
    expect(frames).toEqual([
      { t: 0.5, people: [{ id: 'a', x: 1, y: 1 }] },
      {
        t: 1,
        people: [
          { id: 'b', x: 0, y: 0 },
          { id: 'a', x: 2, y: 2 },
        ],
      },
    ]);
  });

  it('refuses a person twice in a frame and frames over the camera profile’s limit', () => {
    expect(() =>
      framesOf([
        { t: 3, id: 'a', x: 0, y: 0 },
        { t: 3, id: 'a', x: 1, y: 0 },
      ]),
    ).toThrow('id a has two samples at t = 3');
    const crowd = Array.from({ length: MAX_PEOPLE_PER_FRAME + 1 }, (_, i) => ({ t: 0, id: String(i), x: 0, y: 0 }));
    expect(() => framesOf(crowd)).toThrow('more than 512 people at t = 0');
  });

  it('puts no reading in the gateway’s future at any speed, and moves time by whole bins', () => {
    const start = Date.UTC(2026, 0, 5, 9, 17, 23, 456);
    for (const speed of [0.5, 1, 10, 100]) {
      const shift = replayShiftMs(4, 364, speed, start, 60_000);
      expect(shift % 60_000).toBe(0);
      for (const t of [4, 100, 364]) {
        const sentAt = start + ((t - 4) * 1000) / speed;
        expect(Math.round(t * 1000) + shift).toBeLessThanOrEqual(sentAt);
      }
      // ... and no more than a bin plus the part of the file the speed-up gains before now.
      expect(start - (4000 + shift)).toBeLessThanOrEqual(60_000 + 360_000 * Math.max(0, 1 - 1 / speed));
    }
  });
});
