import { describe, expect, it } from 'vitest';
import { FloorAnalyzer } from '../../src/paths/analyzer.js';
import { modelOf, rect, run, track } from './helpers.js';

const shop = {
  zones: [
    { id: 'a', kind: 'area' as const, polygon: rect(0, 0, 5, 10) },
    { id: 'b', kind: 'area' as const, polygon: rect(5, 0, 10, 10) },
    { id: 'c', kind: 'area' as const, polygon: rect(10, 0, 15, 10) },
    { id: 'back', kind: 'staff_only' as const, polygon: rect(15, 0, 20, 10) },
  ],
  lines: [{ id: 'door', from: [2, 10] as [number, number], to: [2, 0] as [number, number], mode: 'every' as const }],
};

describe('§5 Staff', () => {
  it('a track ever inside a staff_only zone is left out of every customer figure, from its first sample', () => {
    const customer = track('c', [
      [0, 1, 5],
      [1, 3, 5],
      [2, 6, 5],
      [3, 7, 5],
    ]);
    const staff = track('s', [
      [0, 1, 5],
      [1, 3, 5],
      [2, 6, 5],
      [3, 11, 5],
      [100, 16, 5],
      [101, 12, 5],
    ]);
    const both = run(shop, [...customer, ...staff]);
    const alone = run(shop, customer);
    expect(both.staff_tracks).toBe(1);
    expect(both.tracks).toBe(2);
    expect(both.samples).toBe(10);
    const { tracks: _t, samples: _s, staff_tracks: _st, ...figures } = both;
    const { tracks: _t2, samples: _s2, staff_tracks: _st2, ...aloneFigures } = alone;
    expect(figures.zones).toEqual(aloneFigures.zones);
    expect(figures.lines).toEqual(aloneFigures.lines);
    expect(figures.transitions).toEqual(aloneFigures.transitions);
    expect(figures.paths).toEqual(aloneFigures.paths);
    expect(figures.heatmap).toEqual(aloneFigures.heatmap);
    // Occupancy covers the same instants (the staff track's samples extend the reported bins) with the same values.
    expect(figures.occupancy.a?.[0]).toEqual(aloneFigures.occupancy.a?.[0]);
  });

  it('live: a track known as staff stops holding figures and no longer delays bins', () => {
    const model = modelOf(shop, {}, 10);
    const analyzer = new FloorAnalyzer(model, { trackTimeoutS: 60 });
    analyzer.push('cam', 's', 0, 1, 5);
    analyzer.push('cam', 's', 1, 6, 5);
    analyzer.push('cam', 'c', 25, 1, 5);
    expect(analyzer.advance(26)).toEqual([]); // s (from t = 0) may still turn out to be staff
    analyzer.push('cam', 's', 26, 16, 5);
    analyzer.push('cam', 'c', 27, 1, 5);
    // s is staff now and its bins 0 and 1 hold nothing; c started in bin 2, which stays open.
    expect(analyzer.advance(27)).toEqual([]);
    expect(analyzer.currentOccupancy(27)[0]).toBe(1);
    const bins = analyzer.finish();
    expect(analyzer.counts.staffTracks).toBe(1);
    expect(bins.every((b) => b.index === 2)).toBe(true);
  });
});

describe('§5 Area zones and paths', () => {
  it('visits ordered by start, consecutive repeats collapsed; transitions are consecutive entries', () => {
    const r = run(shop, [
      ...track('p', [
        [0, 1, 5],
        [2, 6, 5],
        [4, 1, 5],
        [6, 6, 5],
        [8, 11, 5],
      ]), // a b a b c
      ...track('q', [
        [0, 1, 5],
        [2, 6, 5],
        [4, 11, 5],
      ]), // a b c
      ...track('r', [[0, 30, 30]]), // outside every area zone: no path
    ]);
    expect(r.paths).toEqual([
      { zones: ['a', 'b', 'a', 'b', 'c'], count: 1 },
      { zones: ['a', 'b', 'c'], count: 1 },
    ]);
    expect(r.transitions).toEqual([
      { from: 'a', to: 'b', count: 3 },
      { from: 'b', to: 'c', count: 2 },
      { from: 'b', to: 'a', count: 1 },
    ]);
  });

  it('a visit dropped by min_dwell_s leaves the repeats around it to collapse', () => {
    const zones = shop.zones.map((z) => (z.id === 'b' ? { ...z, min_dwell_s: 3 } : z));
    const r = run(
      { ...shop, zones },
      track('p', [
        [0, 1, 5],
        [2, 6, 5],
        [3, 1, 5],
        [5, 1, 5],
      ]),
    );
    expect(r.paths).toEqual([{ zones: ['a'], count: 1 }]);
    expect(r.transitions).toEqual([]);
  });

  it('a quick excursion inside the exit grace keeps the first visit open: order by start gives a, b', () => {
    const r = run(
      shop,
      track('p', [
        [0, 1, 5],
        [0.5, 6, 5],
        [0.9, 1, 5],
        [3, 1, 5],
      ]),
    );
    expect(r.zones.a).toMatchObject({ visits: 1, dwell_s: { total: 3 } });
    expect(r.paths).toEqual([{ zones: ['a', 'b'], count: 1 }]);
  });

  it('a sample on the shared edge of two area zones is inside both; the tie is ordered by end, then config order', () => {
    const r = run(
      shop,
      track('p', [
        [0, 5, 5],
        [1, 6, 5],
      ]),
    );
    // a: visit [0, 0]; b: visit [0, 1] — same start, a ends first.
    expect(r.paths).toEqual([{ zones: ['a', 'b'], count: 1 }]);
  });
});
