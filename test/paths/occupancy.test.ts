import { describe, expect, it } from 'vitest';
import { rect, run, track } from './helpers.js';

const zone = { zones: [{ id: 'a', kind: 'area' as const, polygon: rect(0, 0, 10, 10) }] };
const occ = (tracks: ReturnType<typeof track>) => run(zone, tracks, {}, 10).occupancy.a;

describe('§5 Occupancy', () => {
  it('a track counts from an inside sample until the next sample', () => {
    const bins = occ(
      track('p', [
        [1, 5, 5],
        [2, 5, 5],
        [3, 5, 5],
        [4, 5, 5],
        [5, 5, 5],
        [6, 15, 5],
      ]),
    );
    expect(bins).toEqual([{ bin_start: '1970-01-01T00:00:00.000Z', end: 0, max: 1, mean: 0.5 }]);
  });

  it('an inside sample stays counted for exactly stale_s: a closed interval, visible at the bin end', () => {
    const bins = occ(
      track('p', [
        [0, 15, 5],
        [8, 5, 5],
      ]),
    );
    expect(bins).toEqual([
      { bin_start: '1970-01-01T00:00:00.000Z', end: 1, max: 1, mean: 0.2 },
      // The instant t = 10 is in this bin too: counted in its max, adds no person-seconds.
      { bin_start: '1970-01-01T00:00:10.000Z', end: 0, max: 1, mean: 0 },
    ]);
  });

  it('a gap longer than stale_s between inside samples is a gap in presence', () => {
    const bins = occ(
      track('p', [
        [0, 5, 5],
        [5, 5, 5],
        [6, 15, 5],
      ]),
    );
    expect(bins?.[0]).toMatchObject({ end: 0, max: 1, mean: 0.3 }); // [0, 2] and [5, 6)
  });

  it('max over the bin sees overlaps; mean is person-seconds / bin length; empty bins report zeros', () => {
    const bins = occ([
      ...track('p', [
        [1, 5, 5],
        [4, 5, 5],
        [5, 15, 5],
      ]),
      ...track('q', [
        [3, 5, 5],
        [4.5, 5, 5],
        [6, 15, 5],
      ]),
      ...track('r', [
        [35, 5, 5],
        [36, 15, 5],
      ]),
    ]);
    expect(bins?.map((b) => [b.end, b.max, b.mean])).toEqual([
      [0, 2, (2 + 1 + 1.5 + 1.5) / 10], // p: [1,3] then [4,5); q: [3,4.5) [4.5,6)
      [0, 0, 0],
      [0, 0, 0],
      [0, 1, 0.1],
    ]);
  });

  it('the newest sample at or before t decides: two samples at one instant, the later one wins', () => {
    const bins = occ(
      track('p', [
        [3, 5, 5],
        [3, 15, 5],
        [4, 15, 5],
      ]),
    );
    expect(bins?.[0]).toMatchObject({ end: 0, max: 0, mean: 0 });
  });

  it('a track whose next sample comes exactly stale_s later is present without a break', () => {
    const bins = occ(
      track('p', [
        [0, 5, 5],
        [2, 5, 5],
        [4, 5, 5],
        [9, 15, 5],
      ]),
    );
    expect(bins?.[0]).toMatchObject({ max: 1, mean: 0.6 }); // [0, 6]
  });
});
