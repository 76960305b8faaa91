import { describe, expect, it } from 'vitest';
import { rect, run, track } from './helpers.js';

const zone = (extra: Record<string, number> = {}) => ({
  zones: [{ id: 'a', kind: 'area' as const, polygon: rect(0, 0, 10, 10), ...extra }],
});

describe('§5 Visit', () => {
  it('a sample on the boundary is inside', () => {
    const r = run(
      zone(),
      track('p', [
        [0, 10, 5],
        [1, 12, 5],
      ]),
    );
    expect(r.zones.a).toMatchObject({ visits: 1, pass_throughs: 1, dwell_s: { total: 0 } });
  });

  it('runs closer than exit_grace_s merge; a gap of exactly exit_grace_s does not', () => {
    const merged = run(
      zone(),
      track('p', [
        [0, 5, 5],
        [1, 5, 5],
        [1.5, 15, 5],
        [1.9, 5, 5],
        [3, 15, 5],
      ]),
    );
    expect(merged.zones.a).toMatchObject({ visits: 1, dwell_s: { total: 1.9 } });
    const split = run(
      zone(),
      track('p', [
        [0, 5, 5],
        [1, 5, 5],
        [1.5, 15, 5],
        [2, 5, 5],
        [3, 15, 5],
      ]),
    );
    expect(split.zones.a).toMatchObject({ visits: 2, dwell_s: { total: 1 } });
    const wider = run(
      zone({ exit_grace_s: 5 }),
      track('p', [
        [0, 5, 5],
        [1, 5, 5],
        [1.5, 15, 5],
        [5.9, 5, 5],
      ]),
    );
    expect(wider.zones.a).toMatchObject({ visits: 1, dwell_s: { total: 5.9 } });
  });

  it('consecutive inside samples are one run however far apart in time', () => {
    const r = run(
      zone(),
      track('p', [
        [0, 5, 5],
        [50, 5, 5],
      ]),
    );
    expect(r.zones.a).toMatchObject({ visits: 1, dwells: 1, dwell_s: { total: 50 } });
  });

  it('a track inside at its first sample starts its visit there; one that ends inside closes at its last sample', () => {
    const r = run(
      zone(),
      track('p', [
        [100, 5, 5],
        [103, 6, 5],
        [112, 7, 5],
      ]),
    );
    expect(r.zones.a).toMatchObject({ visits: 1, dwells: 1, dwell_s: { total: 12, p50: 12 } });
  });

  it('visits shorter than min_dwell_s count nowhere, not even in paths', () => {
    const tracks = [
      ...track('short', [
        [0, 5, 5],
        [0.5, 5, 5],
        [1.6, 15, 5],
      ]),
      ...track('long', [
        [0, 5, 5],
        [2, 5, 5],
        [3.5, 15, 5],
      ]),
    ];
    const r = run(zone({ min_dwell_s: 1 }), tracks);
    expect(r.zones.a).toMatchObject({ visits: 1, dwell_s: { total: 2 } });
    expect(r.paths).toEqual([{ zones: ['a'], count: 1 }]);
  });

  it('dwell ≥ dwell_threshold_s is a dwell, shorter is a pass-through; a single inside sample is a visit of 0 s', () => {
    const tracks = [
      ...track('ten', [
        [0, 5, 5],
        [10, 5, 5],
        [12, 15, 5],
      ]),
      ...track('almost', [
        [0, 5, 5],
        [9.99, 5, 5],
        [12, 15, 5],
      ]),
      ...track('blink', [
        [0, 15, 5],
        [1, 5, 5],
        [2, 15, 5],
      ]),
    ];
    const r = run(zone(), tracks);
    expect(r.zones.a).toMatchObject({ visits: 3, dwells: 1, pass_throughs: 2, dwell_s: { p50: 9.99, p90: 10 } });
    expect(r.zones.a?.dwell_s.mean).toBeCloseTo(19.99 / 3, 12);
  });

  it('samples out of order in the file are sorted per track; equal times keep file order and are all used', () => {
    const r = run(
      zone(),
      track('p', [
        [3, 15, 5],
        [0, 5, 5],
        [2, 5, 5],
        [2, 15, 5],
      ]),
    );
    // Sorted: 0 in, 2 in, 2 out, 3 out: one visit 0→2.
    expect(r.zones.a).toMatchObject({ visits: 1, dwell_s: { total: 2 } });
    expect(r.samples).toBe(4);
  });
});
