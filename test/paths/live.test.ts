/**
 * The same engines live: zara01 fed sample by sample in event-time order across all 148 tracks, with the
 * watermark advancing every frame and tracks ending by the stale timeout, must give the figures of the
 * offline run — bins are released only when final.
 */
import { describe, expect, it } from 'vitest';
import type { BinData } from '../../src/paths/aggregator.js';
import { analyze, summarizeRun } from '../../src/paths/analyze.js';
import { FloorAnalyzer } from '../../src/paths/analyzer.js';
import { compileFloor } from '../../src/paths/floor-model.js';
import { zaraRows as rows, zaraConfig } from './live/zara01-views.js';

const config = zaraConfig();

describe('live analysis equals offline analysis (event time, not arrival)', () => {
  it('zara01 interleaved by time, released bin by bin', () => {
    const offline = analyze({ floor: config.floor, analysis: config.analysis, tracks: rows }, { binS: 30 });
    const model = compileFloor(config.floor, config.analysis, 30);
    const analyzer = new FloorAnalyzer(model, { trackTimeoutS: 5 });
    const released: BinData[] = [];
    const byTime = [...rows].sort((a, b) => a.t - b.t);
    let releasedEarly = 0;
    for (let i = 0; i < byTime.length; i++) {
      const row = byTime[i] as (typeof byTime)[number];
      expect(analyzer.push('cam1', row.id, row.t, row.x, row.y)).toBe(true);
      const next = byTime[i + 1];
      if (next === undefined || next.t !== row.t) {
        const bins = analyzer.advance(row.t);
        releasedEarly += bins.length;
        released.push(...bins);
      }
    }
    expect(analyzer.activeTracks()).toBeGreaterThan(0);
    released.push(...analyzer.finish());
    expect(releasedEarly).toBeGreaterThan(3); // bins did come out while the "day" was running
    const indexes = released.map((b) => b.index);
    expect(new Set(indexes).size).toBe(indexes.length); // each bin released once
    const live = summarizeRun(model, analyzer, released);
    const { heatmap: liveHeat, ...liveRest } = live;
    const { heatmap: offlineHeat, ...offlineRest } = offline;
    expect(liveRest).toEqual(offlineRest);
    liveHeat.seconds.forEach((s, i) => {
      expect(s).toBeCloseTo(offlineHeat.seconds[i] as number, 9);
    });
  });

  it('refuses a sample older than its track’s newest, and non-finite values', () => {
    const analyzer = new FloorAnalyzer(compileFloor(config.floor, config.analysis));
    expect(analyzer.push('cam1', '1', 10, 0, 10)).toBe(true);
    expect(analyzer.push('cam1', '1', 10, 0, 10.1)).toBe(true);
    expect(analyzer.push('cam1', '1', 9.9, 0, 10)).toBe(false);
    expect(analyzer.push('cam1', '1', 11, Number.NaN, 10)).toBe(false);
    expect(analyzer.push('cam2', '1', 5, 0, 10)).toBe(true); // another source, another track
    expect(analyzer.push('cam2', '2', Number.POSITIVE_INFINITY, 0, 10)).toBe(false); // no track is created
    expect(analyzer.counts).toMatchObject({ tracks: 2, samples: 3, refused: 3 });
    expect(analyzer.activeTracks()).toBe(2);
    analyzer.advance(100); // both silent for far longer than the track timeout: they end
    expect(analyzer.activeTracks()).toBe(0);
  });
});
