/**
 * E2E (issue 9 "Commands"): `omo-edge track --mot DET.txt --out FILE --fps N` as a child process —
 * MOTChallenge detections in, MOTChallenge tracks out, byte for byte the tracker's rows; progress on a
 * long sequence; bad input refused naming the line and the field.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatTrackLine, parseMot } from '../../src/vision/mot/mot-file.js';
import { trackSequence } from '../../src/vision/mot/track-mot.js';
import type { Detection } from '../../src/vision/tracker/box.js';
import { trackerSettings } from '../../src/vision/tracker/settings.js';
import { runCli } from '../helpers/cli.js';
import { MODERATE_NOISE, syntheticDetections } from '../helpers/synthetic-detections.js';

let dir: string;
const groundTruth = parseMot(readFileSync(new URL('../fixtures/tud-campus/gt.txt', import.meta.url), 'utf8'), 'gt.txt');

/** MOTChallenge detection lines, as detector output files hold them. */
function detectionLines(frames: readonly Detection[][]): string {
  return frames
    .flatMap((detections, f) =>
      detections.map((d) => `${f + 1},-1,${d.box.map((v) => v.toFixed(3)).join(',')},${d.score.toFixed(6)},-1,-1,-1\n`),
    )
    .join('');
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'omo-track-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('E2E: omo-edge track', () => {
  it('writes the tracker’s tracks for TUD-Campus detections in MOTChallenge form', async () => {
    const det = join(dir, 'det.txt');
    const out = join(dir, 'tracks.txt');
    await writeFile(
      det,
      detectionLines(syntheticDetections(groundTruth, { width: 640, height: 480 }, MODERATE_NOISE, 1)),
    );
    const result = await runCli(['track', '--mot', det, '--out', out, '--fps', '25', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const text = await readFile(out, 'utf8');
    const lines = text.trimEnd().split('\n');
    for (const line of lines) expect(line).toMatch(/^\d+,\d+,-?[\d.]+,-?[\d.]+,[\d.]+,[\d.]+,1,-1,-1,-1$/);
    // The same file read back through the tracker in this process gives the same lines.
    const frames = Array.from({ length: 71 }, (): Detection[] => []);
    for (const row of parseMot(await readFile(det, 'utf8'), det))
      frames[row.frame - 1]?.push({ box: row.box, score: row.conf });
    const expected = trackSequence(frames, 25, trackerSettings()).map((r) => formatTrackLine(r.frame, r.id, r.box));
    expect(text).toBe(expected.join(''));
    expect(JSON.parse(result.stdout)).toEqual({
      frames: 71,
      detections: frames.flat().length,
      tracks: new Set(lines.map((line) => line.split(',')[1])).size,
      boxes: lines.length,
      fps: 25,
      out,
    });
  });

  it('reports progress on a long sequence and writes to stdout without --out', async () => {
    // 2,500 frames of one person walking back and forth: long enough for progress lines.
    const frames = Array.from({ length: 2500 }, (_, f): Detection[] => [
      { box: [100 + 50 * Math.sin(f / 50), 80, 40, 100], score: 0.9 },
    ]);
    const det = join(dir, 'long.txt');
    await writeFile(det, detectionLines(frames));
    const result = await runCli(['track', '--mot', det]);
    expect(result.code).toBe(0);
    const progress = result.stderr.split('\n').filter((line) => line.startsWith('track: frame '));
    expect(progress).toHaveLength(10);
    expect(progress.at(-1)).toBe('track: frame 2500 of 2500 (100%)');
    expect(result.stderr).toContain('track: 2500 frames, 2500 detections → 1 tracks, 2500 boxes\n');
    expect(result.stdout.split('\n')[0]).toMatch(/^1,1,/);
  });

  it('refuses bad input naming the line and field, and a missing --mot', async () => {
    const det = join(dir, 'bad.txt');
    await writeFile(det, '1,-1,10,10,40,100,0.9,-1,-1,-1\n2,-1,ten,10,40,100,0.9,-1,-1,-1\n');
    const bad = await runCli(['track', '--mot', det]);
    expect(bad).toMatchObject({ code: 1, stdout: '' });
    expect(bad.stderr).toBe(`omo-edge: ${det} line 2: bb_left must be a number, got "ten"\n`);
    await writeFile(det, '1,-1,10,10,40,100,37.5,-1,-1,-1\n');
    const score = await runCli(['track', '--mot', det]);
    expect(score.code).toBe(1);
    expect(score.stderr).toContain('has conf 37.5; detection scores must be confidences in [0, 1]');
    await writeFile(det, '1,-1,10,10,40,100,0.9,-1,-1,-1\n99999999,-1,10,10,40,100,0.9,-1,-1,-1\n');
    const far = await runCli(['track', '--mot', det]);
    expect(far.stderr).toBe(`omo-edge: ${det} line 2: frame must be an integer from 1 to 1000000, got 99999999\n`);
    const missing = await runCli(['track', '--out', join(dir, 'x.txt')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('track: --mot DET.txt is required');
  });
});
