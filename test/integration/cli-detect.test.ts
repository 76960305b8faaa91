/**
 * E2E (issue 9 point 6): `omo-edge detect` as an installer runs it — exactly the JSON the issue gives
 * (an object for one image, an array for several), a readable table without --json, and clear errors
 * with exit codes: a PNG among the images (reported, the others still printed, exit 1), a model file
 * missing from the configured folder (exit 1, naming it), an unknown backend (usage error, exit 2).
 */
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { MODEL_DIR, vtestFrame } from '../vision/detector/helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'omo-detect-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const HANG_MS = 180_000;

describe('omo-edge detect', () => {
  it('prints per image file, size, backend, people, boxes with scores and ms — an array for several', async () => {
    const result = await runCli(['detect', vtestFrame(1), vtestFrame(20), '--json'], { timeoutMs: HANG_MS });
    expect(result.code, result.stderr).toBe(0);
    const reports = JSON.parse(result.stdout) as Record<string, unknown>[];
    expect(reports).toHaveLength(2);
    for (const [i, report] of reports.entries()) {
      expect(Object.keys(report)).toEqual(['file', 'width', 'height', 'backend', 'people', 'detections', 'ms']);
      expect(report).toMatchObject({ file: vtestFrame(i === 0 ? 1 : 20), width: 768, height: 576, backend: 'onnx' });
      expect(Object.keys(report.ms as object)).toEqual(['decode', 'inference', 'total']);
      const detections = report.detections as { box: number[]; score: number }[];
      expect(detections).toHaveLength(report.people as number);
      for (const detection of detections) {
        expect(Object.keys(detection)).toEqual(['box', 'score']);
        expect(detection.box).toHaveLength(4);
        expect(detection.score).toBeGreaterThanOrEqual(0.5);
      }
    }
    expect(reports.map((r) => r.people)).toEqual([3, 5]);
  });

  it('one image gives one object; --threshold counts at that threshold; --backend tfjs runs tfjs', async () => {
    const result = await runCli(['detect', vtestFrame(1), '--json', '--threshold', '0.3', '--backend', 'tfjs'], {
      timeoutMs: HANG_MS,
    });
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ backend: 'tfjs', people: 7 });
    expect(Math.min(...report.detections.map((d: { score: number }) => d.score))).toBeGreaterThanOrEqual(0.3);
  });

  it('prints a table without --json; a PNG is reported on stderr and makes the exit code 1', async () => {
    const png = join(dir, 'not-a-frame.png');
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#888' } })
      .png()
      .toFile(png);
    const result = await runCli(['detect', png, vtestFrame(1)], { timeoutMs: HANG_MS });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`detect: ${png}: not a JPEG (`);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^backend onnx \(onnxruntime-node .*\), threshold 0\.5$/);
    expect(lines[2]).toMatch(/^file +size +people +decode_ms +inference_ms +total_ms +scores/);
    expect(lines[3]).toMatch(new RegExp(`^${vtestFrame(1)} +768x576 +3 +`));
    expect(lines).toHaveLength(5);
  });

  it('a model file missing from the configured folder: exit 1, naming the file', async () => {
    const model = join(dir, 'broken-model');
    await rm(model, { recursive: true, force: true });
    await mkdir(model);
    await copyFile(join(MODEL_DIR, 'manifest.json'), join(model, 'manifest.json'));
    const config = join(dir, 'store.yaml');
    await writeFile(
      config,
      'store: { id: s1 }\ngateway: { id: g1 }\nvision:\n  detector:\n    model: ./broken-model\n',
    );
    const result = await runCli(['detect', vtestFrame(1), '--config', config], { timeoutMs: HANG_MS });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    // Both backends were tried (fallback is on by default) and both reasons are given.
    expect(result.stderr).toContain(
      `omo-edge: no detector backend could load: onnx: model file ${join(model, 'nanodet.onnx')} is missing`,
    );
    expect(result.stderr).toContain(`tfjs: model file ${join(model, 'nanodet.json')} is missing`);
  });

  it('refuses an unknown backend as a usage error', async () => {
    const result = await runCli(['detect', vtestFrame(1), '--backend', 'cuda'], { timeoutMs: HANG_MS });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--backend must be one of onnx, tfjs, got "cuda"');
  });
});
