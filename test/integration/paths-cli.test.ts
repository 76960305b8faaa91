/**
 * E2E: `omo-edge analyze` and `omo-edge replay` as child processes. analyze prints the figures of
 * runAnalyzeCommand as JSON, the same bytes every run, and refuses bad options with a usage error;
 * replay registers its camera in the data directory's registry, waits for the running gateway to pick it
 * up, publishes a CSV file as that camera, and reports what went out.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runAnalyzeCommand } from '../../src/paths/analyze.js';
import { type PathsGateway, startPathsGateway } from '../paths/live/gateway-harness.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/zara01/${name}`, import.meta.url));

function cli(args: string[], timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/paths/live/cli-child.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, OMO_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`cli ${args.join(' ')} timed out\n${stderr}`));
    }, timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('E2E: omo-edge analyze', () => {
  it('prints the figures as JSON, byte for byte the same on every run', async () => {
    const args = ['--config', fixture('config.yaml'), '--tracks', fixture('obsmat.txt'), '--format', 'obsmat'];
    const [first, second] = await Promise.all([
      cli(['analyze', ...args, '--json']),
      cli(['analyze', ...args, '--json']),
    ]);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(second.stdout);
    const config = parse(readFileSync(fixture('config.yaml'), 'utf8'));
    const expected = await runAnalyzeCommand({ config, tracksFile: fixture('obsmat.txt'), format: 'obsmat' });
    expect(JSON.parse(first.stdout)).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(JSON.parse(first.stdout)).toMatchObject({ tracks: 148, samples: 5024, staff_tracks: 0 });
  });

  it('--bin changes the bins; without --json a summary table', async () => {
    const args = ['--config', fixture('config.yaml'), '--tracks', fixture('obsmat.txt'), '--format', 'obsmat'];
    const binned = JSON.parse((await cli(['analyze', ...args, '--bin', '300', '--json'])).stdout);
    expect(binned.bin_s).toBe(300);
    const text = await cli(['analyze', ...args]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^148 tracks, 5024 samples, 0 staff tracks left out; bins of 60 s/);
    expect(text.stdout).toMatch(/pavement_centre\s+141\s/);
  });

  it('refuses bad options with a usage error naming the option', async () => {
    const config = fixture('config.yaml');
    const [missing, format, bin] = await Promise.all([
      cli(['analyze', '--config', config]),
      cli(['analyze', '--config', config, '--tracks', 'x', '--format', 'xml']),
      cli(['analyze', '--config', config, '--tracks', 'x', '--bin', '0']),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('analyze: --tracks FILE is required');
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('--format must be csv or obsmat, got "xml"');
    expect(bin.stderr).toContain('--bin must be an integer from 1 to 86400, got "0"');
  });
});

describe('E2E: omo-edge replay', () => {
  let gw: PathsGateway;
  beforeAll(async () => {
    gw = await startPathsGateway(`${readFileSync(fixture('config.yaml'), 'utf8')}
devices:
  - { id: cam-cli, kind: camera, camera: { type: smart } }
`);
  });
  afterAll(async () => gw?.stop());

  it('provisions the camera in the data directory and publishes a CSV file as its tracks', async () => {
    const csv = join(gw.dataDir, 'tracks.csv');
    writeFileSync(csv, 't,id,x,y\n10,a,0,10\n10,b,1,12\n10.4,a,0,10.5\n11,a,0,11\n11,b,1,12.5\n');
    const result = await cli([
      'replay',
      '--tracks',
      csv,
      '--camera',
      'cam-cli',
      '--data-dir',
      gw.dataDir,
      '--url',
      gw.mqttUrl,
      '--speed',
      '2',
      '--json',
    ]);
    expect(result.stderr).toContain('replay: registered cam-cli');
    expect(result.code).toBe(0);
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
    expect(gw.registry.get('cam-cli')?.kind).toBe('camera');
    const frames = await gw.metrics.getSingleMetric('omo_paths_frames_total')?.get();
    expect(frames?.values.reduce((n, v) => n + v.value, 0)).toBe(3);
  });

  it('refuses to run without a camera, and names a gateway it cannot find', async () => {
    const noCamera = await cli(['replay', '--tracks', 'x.csv']);
    expect(noCamera.code).toBe(2);
    expect(noCamera.stderr).toContain('--camera ID is required');
    const noGateway = await cli([
      'replay',
      '--tracks',
      fixture('obsmat.txt'),
      '--format',
      'obsmat',
      '--camera',
      'c',
      '--data-dir',
      join(gw.dataDir, 'nowhere'),
    ]);
    expect(noGateway.code).toBe(2);
    expect(noGateway.stderr).toContain('no --url and no running gateway found');
  });
});
