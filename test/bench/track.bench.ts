/**
 * Tracker benchmark (issue 9 "Must show": scored against SORT on the same detections with the same
 * evaluator). For each MOTChallenge sequence it runs our tracker (`omo-edge track`'s defaults) and SORT
 * (test/helpers/sort-baseline.ts, sort.py's defaults) on the same detections, scores both with CLEAR MOT
 * and IDF1 at IoU 0.5 (src/vision/mot/evaluate.ts), and reports the overall figures the way MOTChallenge
 * sums them (all sequences' misses, false positives and switches over all ground-truth boxes). It also
 * reports the tracker's time per frame (CPU of this process).
 *
 * Run: `npm run bench -- track [--mot-dir DIR] [--fps N]`. DIR holds one folder per sequence, each with
 * `det/det.txt` (or `det.txt`) and `gt/gt.txt` (or `gt.txt`); the frame rate comes from the folder's
 * seqinfo.ini, else from the MOT15 table below, else --fps (default 30). Without --mot-dir it runs the
 * synthetic TUD-Campus sets of test/vision/tracker/tud-campus.test.ts.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateMot, type MotScores } from '../../src/vision/mot/evaluate.js';
import { detectionsByFrame, type MotRow, parseMot } from '../../src/vision/mot/mot-file.js';
import { trackSequence } from '../../src/vision/mot/track-mot.js';
import type { Detection } from '../../src/vision/tracker/box.js';
import { trackerSettings } from '../../src/vision/tracker/settings.js';
import { sortSequence } from '../helpers/sort-baseline.js';
import { MODERATE_NOISE, syntheticDetections } from '../helpers/synthetic-detections.js';

/** Frame rates of the MOT15 training sequences (motchallenge.net, MOT15 sequence pages); they have no seqinfo.ini. */
const MOT15_FPS: Record<string, number> = {
  'ADL-Rundle-6': 30,
  'ADL-Rundle-8': 30,
  'ETH-Bahnhof': 14,
  'ETH-Pedcross2': 14,
  'ETH-Sunnyday': 14,
  'KITTI-13': 10,
  'KITTI-17': 10,
  'PETS09-S2L1': 7,
  'TUD-Campus': 25,
  'TUD-Stadtmitte': 25,
  'Venice-2': 30,
};

interface Sequence {
  name: string;
  fps: number;
  frames: Detection[][];
  groundTruth: MotRow[];
}

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : undefined;
}

function firstFile(dir: string, candidates: string[]): string {
  const found = candidates.map((c) => join(dir, c)).find((path) => existsSync(path));
  if (found === undefined) throw new Error(`${dir}: none of ${candidates.join(', ')}`);
  return found;
}

function frameRate(dir: string, name: string, fallback: number): number {
  const ini = join(dir, 'seqinfo.ini');
  const fromIni = existsSync(ini) ? /frameRate\s*=\s*([\d.]+)/.exec(readFileSync(ini, 'utf8'))?.[1] : undefined;
  return fromIni !== undefined ? Number(fromIni) : (MOT15_FPS[name] ?? fallback);
}

function sequencesIn(root: string, fallbackFps: number): Sequence[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map(({ name }) => {
      const dir = join(root, name);
      const det = firstFile(dir, ['det/det.txt', 'det.txt']);
      const gt = firstFile(dir, ['gt/gt.txt', 'gt.txt']);
      const groundTruth = parseMot(readFileSync(gt, 'utf8'), gt);
      const frames = detectionsByFrame(parseMot(readFileSync(det, 'utf8'), det), det);
      // Frames after the last detection still count for the ground truth.
      const last = groundTruth.reduce((max, row) => Math.max(max, row.frame), 0);
      while (frames.length < last) frames.push([]);
      return { name, fps: frameRate(dir, name, fallbackFps), frames, groundTruth };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

function syntheticSequences(): Sequence[] {
  const url = new URL('../fixtures/tud-campus/gt.txt', import.meta.url);
  const groundTruth = parseMot(readFileSync(url, 'utf8'), 'gt.txt');
  const image = { width: 640, height: 480 };
  return [1, 2, 3, 4, 5].flatMap((seed) => [
    {
      name: `TUD-Campus synthetic ${seed}`,
      fps: 25,
      groundTruth,
      frames: syntheticDetections(groundTruth, image, MODERATE_NOISE, seed),
    },
    {
      name: `TUD-Campus synthetic ${seed} cut 0.5`,
      fps: 25,
      groundTruth,
      frames: syntheticDetections(groundTruth, image, { ...MODERATE_NOISE, cut: 0.5 }, seed),
    },
  ]);
}

const pct = (v: number) => (100 * v).toFixed(1);
const cells = (s: MotScores) => `${pct(s.mota)} | ${pct(s.idf1)} | ${s.falsePositives} | ${s.misses} | ${s.idSwitches}`;

function overall(scores: MotScores[]): { mota: number; idf1: number } {
  const sum = (pick: (s: MotScores) => number) => scores.reduce((total, s) => total + pick(s), 0);
  const gt = sum((s) => s.groundTruth);
  const errors = sum((s) => s.misses + s.falsePositives + s.idSwitches);
  return { mota: 1 - errors / gt, idf1: (2 * sum((s) => s.idtp)) / (gt + sum((s) => s.hypotheses)) };
}

const dir = option('mot-dir');
const sequences = dir === undefined ? syntheticSequences() : sequencesIn(dir, Number(option('fps') ?? 30));
const settings = trackerSettings();
const ours: MotScores[] = [];
const sort: MotScores[] = [];
let cpuMs = 0;
let frames = 0;
process.stdout.write(
  '| sequence | fps | frames | ours MOTA | IDF1 | FP | FN | IDSW | SORT MOTA | IDF1 | FP | FN | IDSW |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n',
);
for (const sequence of sequences) {
  const before = process.cpuUsage();
  const tracks = trackSequence(sequence.frames, sequence.fps, settings);
  const used = process.cpuUsage(before);
  cpuMs += (used.user + used.system) / 1000;
  frames += sequence.frames.length;
  const a = evaluateMot(sequence.groundTruth, tracks);
  const b = evaluateMot(sequence.groundTruth, sortSequence(sequence.frames));
  ours.push(a);
  sort.push(b);
  process.stdout.write(
    `| ${sequence.name} | ${sequence.fps} | ${sequence.frames.length} | ${cells(a)} | ${cells(b)} |\n`,
  );
}
const o = overall(ours);
const s = overall(sort);
process.stdout.write(
  `\noverall (summed as MOTChallenge does): ours MOTA ${pct(o.mota)} IDF1 ${pct(o.idf1)}; SORT MOTA ${pct(s.mota)} IDF1 ${pct(s.idf1)}\n`,
);
process.stdout.write(`tracker: ${(cpuMs / frames).toFixed(3)} ms CPU per frame over ${frames} frames\n`);
