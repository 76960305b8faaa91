/**
 * E2E: `omo-edge analyze` and `omo-edge replay` as the real CLI (`node --import tsx src/main.ts …` child
 * processes, test/helpers/cli.ts). analyze prints issue 3's JSON shape, the same bytes every run, and
 * refuses bad options with a usage error; replay registers its camera in the data directory's registry,
 * finds the running gateway (a real `omo-edge start` child) through runtime.json, publishes a CSV file
 * as that camera, and the gateway takes every frame.
 */
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { type RunningStart, runCli, spawnStart } from '../helpers/cli.js';
import { makeDataDir, metricValue, parseMetrics, waitFor, writeConfigFile } from '../helpers/gateway.js';
import { analyzeFile } from '../paths/helpers.js';
import { ZARA_YAML } from '../paths/live/zara01-views.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/zara01/${name}`, import.meta.url));
const ANALYZE = [
  'analyze',
  '--config',
  fixture('config.yaml'),
  '--tracks',
  fixture('obsmat.txt'),
  '--format',
  'obsmat',
];

const num = expect.any(Number);

describe('E2E: omo-edge analyze', () => {
  it('prints issue 3’s JSON shape, byte for byte the same on every run', async () => {
    const [first, second] = await Promise.all([runCli([...ANALYZE, '--json']), runCli([...ANALYZE, '--json'])]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.length).toBeGreaterThan(1000);
    expect(first.stdout).toBe(second.stdout);
    const printed = JSON.parse(first.stdout);
    // The shape issue 3 fixes (extra keys are fine).
    expect(printed).toMatchObject({ tracks: 148, samples: 5024, staff_tracks: 0 });
    for (const figures of Object.values(printed.zones)) {
      expect(figures).toMatchObject({
        visits: num,
        dwells: num,
        pass_throughs: num,
        dwell_s: { total: num, mean: num, p50: num, p90: num },
      });
    }
    expect(Object.keys(printed.lines).sort()).toEqual(['door', 'pavement']);
    for (const figures of Object.values(printed.lines)) {
      expect(figures).toMatchObject({ in: num, out: num, groups_in: num, groups_out: num });
    }
    expect(printed.transitions.length).toBeGreaterThan(4);
    for (const t of printed.transitions)
      expect(t).toEqual({ from: expect.any(String), to: expect.any(String), count: num });
    for (const p of printed.paths) expect(p).toEqual({ zones: expect.any(Array), count: num });
    const { heatmap } = printed;
    expect(heatmap).toMatchObject({ cell_m: 0.5, origin: [-7, 4.5], cols: 28, rows: 33 });
    expect(heatmap.seconds).toHaveLength(heatmap.cols * heatmap.rows);
    for (const series of Object.values(printed.occupancy) as unknown[][]) {
      expect(series.length).toBeGreaterThan(0);
      for (const bin of series) {
        expect(bin).toMatchObject({
          bin_start: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/),
          end: num,
          max: num,
          mean: num,
        });
      }
    }
    // And the figures are those of the engines over the file.
    const { config } = await loadConfig(fixture('config.yaml'));
    const expected = await analyzeFile(config, fixture('obsmat.txt'), 'obsmat');
    expect(printed).toEqual(JSON.parse(JSON.stringify(expected)));
  });

  it('--bin changes the bins; without --json a summary table', async () => {
    const [binned, text] = await Promise.all([runCli([...ANALYZE, '--bin', '300', '--json']), runCli(ANALYZE)]);
    expect(binned.code, binned.stderr).toBe(0);
    expect(JSON.parse(binned.stdout).bin_s).toBe(300);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^148 tracks, 5024 samples, 0 staff tracks left out; bins of 60 s/);
    expect(text.stdout).toMatch(/pavement_centre\s+141\s/);
  });

  it('refuses bad options with a usage error naming the option', async () => {
    const config = fixture('config.yaml');
    const [missing, format, bin] = await Promise.all([
      runCli(['analyze', '--config', config]),
      runCli(['analyze', '--config', config, '--tracks', 'x', '--format', 'xml']),
      runCli(['analyze', '--config', config, '--tracks', 'x', '--bin', '0']),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('analyze: --tracks FILE is required');
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('--format must be csv or obsmat, got "xml"');
    expect(bin.code).toBe(2);
    expect(bin.stderr).toContain('--bin must be an integer from 1 to 86400, got "0"');
  });
});

describe('E2E: omo-edge replay against a running omo-edge start', () => {
  let dataDir: string;
  let gateway: RunningStart | undefined;

  beforeAll(async () => {
    dataDir = await makeDataDir('omo-paths-cli-');
    const configFile = await writeConfigFile(
      dataDir,
      `${ZARA_YAML}\ndevices:\n  - { id: cam-cli, kind: camera, camera: { type: smart } }\n`,
    );
    const args = ['--config', configFile, '--data-dir', dataDir, '--mqtt-port', '0', '--http-port', '0'];
    gateway = await spawnStart(args, dataDir, { env: { OMO_WS_PORT: '0' } });
  });
  afterAll(async () => {
    await gateway?.stop();
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  });

  const scrape = async () => {
    const response = await fetch(`http://127.0.0.1:${gateway?.runtime.http}/metrics`);
    return parseMetrics(await response.text());
  };

  it('provisions the camera, finds the gateway through runtime.json, and every frame is accepted', async () => {
    const csv = join(dataDir, 'tracks.csv');
    await writeFile(csv, 't,id,x,y\n10,a,0,10\n10,b,1,12\n10.4,a,0,10.5\n11,a,0,11\n11,b,1,12.5\n');
    const args = ['replay', '--tracks', csv, '--camera', 'cam-cli', '--data-dir', dataDir, '--speed', '2', '--json'];
    const result = await runCli(args, { timeoutMs: 30_000 });
    expect(result.stderr).toContain('replay: registered cam-cli');
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      camera: 'cam-cli',
      topic: 'omo/camera/cam-cli/tracks',
      frames: 3,
      samples: 5,
      refused: 0,
    });
    expect(report.last_ts - report.first_ts).toBe(1000);
    expect(report.shift_ms % 60_000).toBe(0);
    // The replay has its PUBACKs; the frames reach the live path right after.
    const metrics = await waitFor(
      async () => {
        const samples = await scrape();
        return metricValue(samples, 'omo_paths_frames_total') >= 3 ? samples : null;
      },
      5000,
      'three frames in the gateway’s live path',
    );
    expect(metricValue(metrics, 'omo_paths_frames_total')).toBe(3);
    expect(metricValue(metrics, 'omo_paths_frames_dropped_total')).toBe(0);
    expect(metricValue(metrics, 'omo_ingest_refused_total')).toBe(0);
    expect(metricValue(metrics, 'omo_broker_refused_total')).toBe(0);
    expect(metricValue(metrics, 'omo_broker_auth_failures_total')).toBe(0);
    expect(metricValue(metrics, 'omo_ingest_messages_total', { kind: 'camera', stream: 'tracks' })).toBe(3);
  });

  it('refuses to run without a camera, and names a gateway it cannot find', async () => {
    const [noCamera, noGateway] = await Promise.all([
      runCli(['replay', '--tracks', 'x.csv']),
      runCli([
        'replay',
        '--tracks',
        fixture('obsmat.txt'),
        '--format',
        'obsmat',
        '--camera',
        'c',
        '--data-dir',
        join(dataDir, 'nowhere'),
      ]),
    ]);
    expect(noCamera.code).toBe(2);
    expect(noCamera.stderr).toContain('--camera ID is required');
    expect(noGateway.code).toBe(2);
    expect(noGateway.stderr).toContain('no --url and no running gateway found');
  });
});
