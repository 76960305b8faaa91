/**
 * `analyze` from files, as the CLI runs it (read the file, analyze with the loaded config): the zara01 obsmat and the same tracks
 * written as CSV give the same figures; the output is deterministic to the byte; --bin and --fps act.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { analyzeFile } from '../paths/helpers.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/zara01/${name}`, import.meta.url));
const { config } = await loadConfig(fixture('config.yaml'), { env: {} });
const work = mkdtempSync(join(tmpdir(), 'omo-analyze-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('analyze from track files', () => {
  it('obsmat and the same samples as CSV (header, shuffled rows) give identical JSON', async () => {
    const rows = readFileSync(fixture('obsmat.txt'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .map((c) => `${Number(c[0]) / 25},${Number(c[1])},${c[2]},${c[4]}`);
    // A deterministic shuffle: the analysis sorts samples per track by time.
    const shuffled = rows.map((row, i) => ({ row, key: (i * 7919) % rows.length })).sort((a, b) => a.key - b.key);
    const csv = join(work, 'zara01.csv');
    writeFileSync(csv, `t,id,x,y\n${shuffled.map((r) => r.row).join('\n')}\n`);
    const fromObsmat = await analyzeFile(config, fixture('obsmat.txt'), 'obsmat');
    const fromCsv = await analyzeFile(config, csv, 'csv');
    expect(JSON.stringify(fromCsv)).toBe(JSON.stringify(fromObsmat));
    expect(fromObsmat).toMatchObject({ tracks: 148, samples: 5024, staff_tracks: 0 });
  });

  it('prints the same bytes on every run, with every required key', async () => {
    const a = JSON.stringify(await analyzeFile(config, fixture('obsmat.txt'), 'obsmat'));
    const b = JSON.stringify(await analyzeFile(config, fixture('obsmat.txt'), 'obsmat'));
    expect(a).toBe(b);
    const result = JSON.parse(a);
    for (const key of [
      'zones',
      'lines',
      'transitions',
      'paths',
      'heatmap',
      'occupancy',
      'tracks',
      'samples',
      'staff_tracks',
    ]) {
      expect(result).toHaveProperty(key);
    }
    expect(Object.keys(result.zones)).toEqual([...Object.keys(result.zones)].sort());
    expect(result.zones.pavement_west).toHaveProperty('dwell_s.p90');
    expect(result.lines.door).toEqual(
      expect.objectContaining({ in: 9, out: 4, groups_in: expect.any(Number), groups_out: expect.any(Number) }),
    );
    expect(result.heatmap).toMatchObject({ cell_m: 0.5, origin: [-7, 4.5], cols: 28, rows: 33 });
    expect(result.heatmap.seconds).toHaveLength(28 * 33);
    expect(result.occupancy.shop_door[0]).toEqual({
      bin_start: '1970-01-01T00:00:00.000Z',
      end: expect.any(Number),
      max: expect.any(Number),
      mean: expect.any(Number),
    });
  });

  it('--bin sets the occupancy bins, --fps the frame clock', async () => {
    const byFive = await analyzeFile(config, fixture('obsmat.txt'), 'obsmat', { binS: 300 });
    expect(byFive.occupancy.shop_door?.map((b) => b.bin_start)).toEqual([
      '1970-01-01T00:00:00.000Z',
      '1970-01-01T00:05:00.000Z',
    ]);
    const slow = await analyzeFile(config, fixture('obsmat.txt'), 'obsmat', { fps: 2.5 });
    // Ten times slower clock: the same people stay ten times longer.
    const normal = await analyzeFile(config, fixture('obsmat.txt'), 'obsmat');
    expect(slow.zones.pavement_centre?.dwell_s.total).toBeCloseTo(
      (normal.zones.pavement_centre?.dwell_s.total ?? 0) * 10,
      6,
    );
  });

  it('a bad row is an error naming the file and line', async () => {
    const bad = join(work, 'bad.csv');
    writeFileSync(bad, 't,id,x,y\n0,a,1,1\n0.4,a,one,1\n');
    await expect(analyzeFile(config, bad, 'csv')).rejects.toThrow(`${bad} line 3: x is not a finite number ("one")`);
  });
});
