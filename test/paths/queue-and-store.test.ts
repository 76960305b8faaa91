import { describe, expect, it } from 'vitest';
import { estimateQueue, queueWindowBins } from '../../src/paths/queue.js';
import { storeVisitsOf } from '../../src/paths/store-visits.js';
import { rect, run, track } from './helpers.js';

describe('queue length and estimated wait', () => {
  it('reports the mean dwell of finished queue visits and Little’s law over the trailing window', () => {
    const queue = { zones: [{ id: 'till', kind: 'queue' as const, polygon: rect(0, 0, 4, 2), stale_s: 0.5 }] };
    // Three people queue one after another, each 20 s (seen every 0.5 s), leaving at 30, 50 and 70.
    const tracks = [0, 1, 2].flatMap((k) =>
      track(`p${k}`, [
        ...Array.from({ length: 41 }, (_, i) => [10 + 20 * k + i / 2, 1 + i / 20, 1] as const),
        [30.5 + 20 * k, 6, 1],
      ]),
    );
    const r = run(queue, tracks, {}, 60);
    const bins = r.queues.till ?? [];
    expect(bins.map((b) => b.bin_start)).toEqual(['1970-01-01T00:00:00.000Z', '1970-01-01T00:01:00.000Z']);
    // Window = 5 bins of 60 s; by the end of bin 1 all three visits (20 s each) have finished.
    const last = bins[1];
    expect(last).toMatchObject({ finished_visits: 3, wait_mean_dwell_s: 20, length: 0 });
    expect(last?.wait_littles_law_s).toBeCloseTo(61.5 / 3, 9); // person-seconds 3 × 20.5 / 3 visits
    expect(last?.mean_length).toBeCloseTo(61.5 / 300, 9);
    expect(bins[0]).toMatchObject({ finished_visits: 2, wait_mean_dwell_s: 20, length: 1 }); // p2 is queueing at 60
  });

  it('no finished visit in the window: the waits are null', () => {
    expect(estimateQueue([{ personSeconds: 30, finishedVisits: 0, dwellSum: 0, end: 1 }], 60)).toEqual({
      length: 1,
      mean_length: 0.5,
      finished_visits: 0,
      wait_mean_dwell_s: null,
      wait_littles_law_s: null,
    });
    expect(queueWindowBins(60)).toBe(5);
    expect(queueWindowBins(3600)).toBe(1);
  });
});

describe('store visit duration (entrance in → out)', () => {
  it('pairs the first in-crossing with the next out-crossing', () => {
    expect(
      storeVisitsOf([
        { direction: -1, t: 1 }, // out while outside: ignored (the track started inside)
        { direction: 1, t: 5 },
        { direction: 1, t: 6 }, // in while inside: ignored
        { direction: -1, t: 65 },
        { direction: 1, t: 70 },
      ]),
    ).toEqual({ visits: [{ start: 5, end: 65 }], open: 1 });
  });

  it('analyze reports store visits over entrance lines', () => {
    const floor = {
      lines: [{ id: 'door', from: [5, 10] as [number, number], to: [5, 0] as [number, number], entrance: true }],
    };
    const tracks = [
      ...track('a', [
        [0, 4, 5],
        [1, 6, 5],
        [40, 6, 5],
        [41, 4, 5],
      ]),
      ...track('b', [
        [0, 4, 5],
        [1, 6, 5],
        [101, 4, 5],
      ]),
      ...track('c', [
        [0, 4, 5],
        [1, 6, 5],
      ]),
    ];
    expect(run(floor, tracks).store_visits).toEqual({
      visits: 2,
      open: 1,
      duration_s: { total: 140, mean: 70, p50: 40, p90: 100 },
    });
  });
});
