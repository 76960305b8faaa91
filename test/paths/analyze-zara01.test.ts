/**
 * `analyze` on real data (UCY zara01, 148 people in front of a shop) against an independent brute-force
 * computation of ARCHITECTURE §5 (zara01-brute-force.ts, no code shared with src/paths). Counts must agree
 * exactly; sums of seconds to 1e-9 (float addition order differs); percentiles exactly (they are values).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig } from '../../src/config/index.js';
import { type AnalyzeResult, analyze } from '../../src/paths/analyze.js';
import { parseObsmatTracks } from '../../src/paths/tracks-file.js';
import {
  type AxisLine,
  type Crossing,
  countedOf,
  countGroups,
  crossingsOf,
  inRect,
  nearestRankByDefinition,
  occupancyAt,
  type Rect,
  readObsmat,
  type Sample,
  toRect,
  type Visit,
  visitsOf,
} from './zara01-brute-force.js';

const dir = new URL('../fixtures/zara01/', import.meta.url);
const obsmat = readFileSync(new URL('obsmat.txt', dir), 'utf8');
// biome-ignore lint/suspicious/noExplicitAny: the YAML is checked by use; the test mutates copies of it
const baseConfig: any = parse(readFileSync(new URL('config.yaml', dir), 'utf8'));
const allTracks = readObsmat(obsmat);
const BIN_S = 60;

interface Expected {
  customers: Map<string, Sample[]>;
  staff: number;
  visits: Map<string, Visit[]>;
  crossings: Map<string, Map<string, Crossing[]>>;
  paths: Map<string, string[]>;
  heat: number[];
}

function bruteForce(config: typeof baseConfig): Expected {
  const rects: Rect[] = config.floor.zones.map(toRect);
  const lines: AxisLine[] = config.floor.lines;
  const staffZones = rects.filter((r) => r.kind === 'staff_only');
  const customers = new Map([...allTracks].filter(([, s]) => !s.some((p) => staffZones.some((r) => inRect(r, p)))));
  const visits = new Map<string, Visit[]>(rects.map((r) => [r.id, []]));
  const crossings = new Map<string, Map<string, Crossing[]>>(lines.map((l) => [l.id, new Map()]));
  const paths = new Map<string, string[]>();
  const [x0, y0] = config.floor.bounds.min;
  const [x1, y1] = config.floor.bounds.max;
  const cell = config.floor.heatmap_cell_m;
  const cols = Math.round((x1 - x0) / cell);
  const rows = Math.round((y1 - y0) / cell);
  const heat = new Array<number>(cols * rows).fill(0);
  for (const [id, samples] of customers) {
    const areaVisits: Visit[] = [];
    for (const r of rects) {
      const counted = visitsOf(samples, r).filter((v) => v.end - v.start >= r.minDwell);
      visits.get(r.id)?.push(...counted);
      if (r.kind === 'area') areaVisits.push(...counted);
    }
    const path: string[] = [];
    for (const v of areaVisits.sort((a, b) => a.start - b.start))
      if (path[path.length - 1] !== v.zone) path.push(v.zone);
    if (path.length > 0) paths.set(id, path);
    for (const line of lines) crossings.get(line.id)?.set(id, crossingsOf(id, samples, line));
    for (let i = 0; i + 1 < samples.length; i++) {
      const s = samples[i] as Sample;
      if (s.x < x0 || s.x > x1 || s.y < y0 || s.y > y1) continue;
      let c = 0;
      while (c < cols - 1 && !(s.x < x0 + (c + 1) * cell)) c++;
      let r = 0;
      while (r < rows - 1 && !(s.y < y0 + (r + 1) * cell)) r++;
      heat[r * cols + c] =
        (heat[r * cols + c] as number) + Math.min((samples[i + 1] as Sample).t - s.t, config.floor.heatmap_max_gap_s);
    }
  }
  return { customers, staff: allTracks.size - customers.size, visits, crossings, paths, heat };
}

/** `analyze` with the (mutated) YAML passed through the config loader, as the CLI does. */
function run(yaml: typeof baseConfig): AnalyzeResult {
  const config = parseConfig(JSON.stringify(yaml), 'zara01.json', { env: {} });
  return analyze(
    { floor: config.floor, analysis: config.analysis, tracks: parseObsmatTracks(obsmat) },
    { binS: BIN_S },
  );
}

function checkAgainstBruteForce(config: typeof baseConfig): { result: AnalyzeResult; expected: Expected } {
  const result = run(config);
  const expected = bruteForce(config);
  expect(result.tracks).toBe(148);
  expect(result.samples).toBe(5024);
  expect(result.staff_tracks).toBe(expected.staff);
  for (const r of config.floor.zones.map(toRect) as Rect[]) {
    const dwells = (expected.visits.get(r.id) ?? []).map((v) => v.end - v.start);
    const figures = result.zones[r.id];
    expect(figures?.visits, r.id).toBe(dwells.length);
    expect(figures?.dwells, r.id).toBe(dwells.filter((d) => d >= r.threshold).length);
    expect(figures?.pass_throughs, r.id).toBe(dwells.filter((d) => d < r.threshold).length);
    expect(figures?.dwell_s.total, r.id).toBeCloseTo(
      dwells.reduce((a, b) => a + b, 0),
      9,
    );
    expect(figures?.dwell_s.p50, r.id).toBe(nearestRankByDefinition(dwells, 50));
    expect(figures?.dwell_s.p90, r.id).toBe(nearestRankByDefinition(dwells, 90));
  }
  for (const line of config.floor.lines as AxisLine[]) {
    const counted = [...(expected.crossings.get(line.id)?.values() ?? [])].flatMap((c) => countedOf(c, line.mode));
    const ins = counted.filter((c) => c.dir === 1);
    const outs = counted.filter((c) => c.dir === -1);
    const { window, distance } = { window: config.analysis.group_window_s, distance: config.analysis.group_distance_m };
    expect(result.lines[line.id], line.id).toMatchObject({
      in: ins.length,
      out: outs.length,
      groups_in: countGroups(ins, window, distance),
      groups_out: countGroups(outs, window, distance),
    });
  }
  const transitions = new Map<string, number>();
  const paths = new Map<string, number>();
  for (const path of expected.paths.values()) {
    paths.set(path.join('>'), (paths.get(path.join('>')) ?? 0) + 1);
    for (let i = 1; i < path.length; i++) {
      const key = `${path[i - 1]}>${path[i]}`;
      transitions.set(key, (transitions.get(key) ?? 0) + 1);
    }
  }
  expect(new Map(result.transitions.map((t) => [`${t.from}>${t.to}`, t.count]))).toEqual(transitions);
  expect(new Map(result.paths.map((p) => [p.zones.join('>'), p.count]))).toEqual(paths);
  expect(result.heatmap.seconds).toHaveLength(expected.heat.length);
  result.heatmap.seconds.forEach((s, i) => {
    expect(s, `cell ${i}`).toBeCloseTo(expected.heat[i] as number, 9);
  });
  return { result, expected };
}

describe('analyze on UCY zara01 agrees with a brute-force computation of §5', () => {
  it('visits, dwell, crossings in net and every mode, groups, transitions, paths and heatmap', () => {
    const { result } = checkAgainstBruteForce(baseConfig);
    // The scene: people walk both ways along the pavement, some go into the shop and a few come out.
    expect(result.lines.door).toMatchObject({ in: 9, out: 4 });
    expect(result.transitions.length).toBeGreaterThan(5);
    expect(result.zones.window?.dwells).toBeGreaterThan(0);
  });

  it('with every line switched to the other mode', () => {
    const config = structuredClone(baseConfig);
    for (const line of config.floor.lines) line.mode = line.mode === 'net' ? 'every' : 'net';
    checkAgainstBruteForce(config);
  });

  it('with a staff_only zone people do enter: they vanish from every customer figure', () => {
    const config = structuredClone(baseConfig);
    const window = config.floor.zones.find((z: { id: string }) => z.id === 'window');
    window.kind = 'staff_only';
    const { result, expected } = checkAgainstBruteForce(config);
    expect(result.staff_tracks).toBeGreaterThan(5);
    expect(result.staff_tracks).toBe(expected.staff);
  });

  it('with a longer exit grace and a minimum dwell, visits merge and short ones vanish', () => {
    const config = structuredClone(baseConfig);
    for (const zone of config.floor.zones) {
      zone.exit_grace_s = 3;
      zone.min_dwell_s = 2;
      zone.dwell_threshold_s = 6;
    }
    checkAgainstBruteForce(config);
  });
});

describe('invariants on zara01', () => {
  it('ins − outs at the door equals the change in occupancy of the store side, per track and in total', () => {
    for (const mode of ['every', 'net'] as const) {
      const config = structuredClone(baseConfig);
      config.floor.lines = config.floor.lines
        .filter((l: { id: string }) => l.id === 'door')
        .map((l: object) => ({ ...l, mode }));
      const result = run(config);
      const store = toRect(config.floor.zones.find((z: { id: string }) => z.id === 'shop_door'));
      let change = 0;
      for (const samples of allTracks.values()) {
        change +=
          (inRect(store, samples[samples.length - 1] as Sample) ? 1 : 0) -
          (inRect(store, samples[0] as Sample) ? 1 : 0);
      }
      expect((result.lines.door?.in ?? 0) - (result.lines.door?.out ?? 0), mode).toBe(change);
    }
  });

  it('heatmap total equals the sum of capped sample gaps inside the bounds', () => {
    const result = run(baseConfig);
    const [x0, y0] = baseConfig.floor.bounds.min;
    const [x1, y1] = baseConfig.floor.bounds.max;
    let total = 0;
    let outside = 0;
    for (const samples of allTracks.values()) {
      for (let i = 0; i + 1 < samples.length; i++) {
        const s = samples[i] as Sample;
        const gap = Math.min((samples[i + 1] as Sample).t - s.t, 2);
        if (s.x >= x0 && s.x <= x1 && s.y >= y0 && s.y <= y1) total += gap;
        else outside += 1;
      }
    }
    expect(outside).toBeGreaterThan(0); // the bounds do cut off part of the road
    expect(result.heatmap.seconds.reduce((a, b) => a + b, 0)).toBeCloseTo(total, 6);
  });

  it('occupancy per bin matches the definition evaluated at every instant where it can change', () => {
    const result = run(baseConfig);
    const tracks = [...allTracks.values()];
    for (const r of (baseConfig.floor.zones as Parameters<typeof toRect>[0][]).map(toRect)) {
      if (r.kind === 'staff_only') continue;
      const active = (t: number) =>
        tracks.filter((s) => (s[0] as Sample).t <= t && t <= (s[s.length - 1] as Sample).t + r.stale);
      const occ = (t: number) => occupancyAt(active(t), r, t);
      const bins = result.occupancy[r.id] ?? [];
      expect(bins.length).toBe(7);
      for (const bin of bins) {
        const b = Date.parse(bin.bin_start) / 1000;
        const e = b + BIN_S;
        const instants = new Set<number>([b, e]);
        for (const s of tracks.flat()) for (const t of [s.t, s.t + r.stale]) if (t >= b && t <= e) instants.add(t);
        const sorted = [...instants].sort((p, q) => p - q);
        let max = 0;
        let area = 0;
        for (let i = 0; i < sorted.length; i++) {
          const t = sorted[i] as number;
          max = Math.max(max, occ(t));
          if (i + 1 < sorted.length) area += occ((t + (sorted[i + 1] as number)) / 2) * ((sorted[i + 1] as number) - t);
        }
        expect(bin, `${r.id} ${bin.bin_start}`).toMatchObject({ end: occ(e), max });
        expect(bin.mean, `${r.id} ${bin.bin_start}`).toBeCloseTo(area / BIN_S, 9);
      }
    }
  });
});
