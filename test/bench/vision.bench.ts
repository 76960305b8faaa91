/**
 * `npm run bench -- vision` (issue 9 "Benchmark"; ARCHITECTURE §10: detector + pre/post-processing
 * ≤ 1.5× pure inference; ≥ 10 frames/s in total with onnx on 2 cores; ≤ 350 MB RSS with the detector).
 * Each backend runs in its own child process, so its RSS is its own. Per backend, on 40 real vtest
 * frames after 3 warm-up frames:
 * - pure inference: the backend alone on tensors prepared untimed — the baseline, in the same run;
 * - pipeline: JPEG → detections through the detector (decode, letterbox, normalise, inference, GFL, NMS);
 * - the shared detector behind the fair scheduler with 1, 2 and 4 cameras each sending the clip at 5 fps
 *   for 20 s (no motion gating here; that is the camera pipeline's): frames detected per second in total
 *   and frames dropped as superseded.
 * Options: --frames N (default 40), --seconds S (default 20).
 */
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setLogLevel } from '../../src/log.js';
import { serveCameras } from '../../src/vision/detector/camera-detector.js';
import { detectorOn } from '../../src/vision/detector/detector.js';
import { type BackendKey, chooseBackend } from '../../src/vision/detector/plugins.js';
import { prepareFrame } from '../../src/vision/preprocess.js';
import { defaultSettings, MODEL_DIR, vtestFrame } from '../vision/detector/helpers.js';

const { values } = parseArgs({
  options: { child: { type: 'string' }, frames: { type: 'string' }, seconds: { type: 'string' } },
});
const FRAMES = Number(values.frames ?? 40);
const SECONDS = Number(values.seconds ?? 20);
const CAMERA_FPS = 5;

interface BackendFigures {
  backend: string;
  runtime: string;
  loadMs: number;
  inference: Spread;
  decode: Spread;
  post: Spread;
  pipeline: Spread;
  cameras: { cameras: number; offered: number; detected: number; dropped: number; fps: number }[];
  /** After loading and 3 warm-up frames; then at the end; peak = the process's largest. */
  rssLoadedMb: number;
  rssMb: number;
  peakRssMb: number;
}

interface Spread {
  median: number;
  p90: number;
}

function spread(samples: number[]): Spread {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] as number;
  return { median: round(at(0.5)), p90: round(at(0.9)) };
}

const round = (value: number) => Math.round(value * 10) / 10;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function measure(backend: BackendKey): Promise<BackendFigures> {
  setLogLevel('warn');
  const settings = defaultSettings(backend);
  const loadStarted = performance.now();
  const choice = await chooseBackend(MODEL_DIR, settings, { error() {}, warn() {}, info() {}, debug() {} });
  const loadMs = performance.now() - loadStarted;
  const detector = detectorOn(choice, settings);
  const step = Math.max(1, Math.floor(200 / FRAMES));
  const jpegs = await Promise.all(Array.from({ length: FRAMES }, (_, i) => readFile(vtestFrame(1 + i * step))));
  for (const jpeg of jpegs.slice(0, 3)) await detector.detect(jpeg);

  const rssLoaded = process.memoryUsage().rss;
  const inference: number[] = [];
  for (const jpeg of jpegs) {
    // Prepared untimed, one at a time: 40 tensors of 2 MB held at once would inflate the RSS figures.
    const { tensor } = await prepareFrame(jpeg, choice.manifest.input);
    const started = performance.now();
    await choice.backend.run(tensor);
    inference.push(performance.now() - started);
  }
  const stages = { decode: [] as number[], post: [] as number[], total: [] as number[] };
  for (const jpeg of jpegs) {
    const { ms } = await detector.detect(jpeg);
    stages.decode.push(ms.decode);
    stages.post.push(ms.post);
    stages.total.push(ms.total);
  }

  const cameras: BackendFigures['cameras'] = [];
  const shared = serveCameras(detector, []);
  for (const count of [1, 2, 4]) {
    const ids = Array.from({ length: count }, (_, i) => `bench-${count}-${i}`);
    const pending: Promise<unknown>[] = [];
    const started = performance.now();
    for (let tick = 0; tick < SECONDS * CAMERA_FPS; tick++) {
      for (const [i, id] of ids.entries())
        pending.push(shared.submit(id, jpegs[(tick + i * 7) % jpegs.length] as Buffer));
      await sleep(Math.max(0, started + ((tick + 1) * 1000) / CAMERA_FPS - performance.now()));
    }
    await Promise.all(pending);
    const seconds = (performance.now() - started) / 1000;
    const counts = ids.map((id) => shared.stats().get(id));
    const detected = counts.reduce((sum, c) => sum + (c?.done ?? 0), 0);
    const dropped = counts.reduce((sum, c) => sum + (c?.dropped ?? 0), 0);
    cameras.push({ cameras: count, offered: pending.length, detected, dropped, fps: round(detected / seconds) });
  }
  const figures: BackendFigures = {
    backend,
    runtime: detector.runtime,
    loadMs: round(loadMs),
    inference: spread(inference),
    decode: spread(stages.decode),
    post: spread(stages.post),
    pipeline: spread(stages.total),
    cameras,
    rssLoadedMb: round(rssLoaded / 1e6),
    rssMb: round(process.memoryUsage().rss / 1e6),
    peakRssMb: round((process.resourceUsage().maxRSS * 1024) / 1e6),
  };
  await shared.stop();
  return figures;
}

function runChild(backend: BackendKey): BackendFigures | undefined {
  const self = fileURLToPath(import.meta.url);
  const options = [...(values.frames ? ['--frames', values.frames] : []), ...['--seconds', String(SECONDS)]];
  const result = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', backend, ...options], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (result.status !== 0) {
    process.stderr.write(`vision bench: the ${backend} run failed (exit ${result.status})\n`);
    return undefined;
  }
  return JSON.parse(result.stdout) as BackendFigures;
}

function printReport(all: BackendFigures[]): void {
  const out = (line = '') => process.stdout.write(`${line}\n`);
  out(`Frames: ${FRAMES} vtest frames (768x576 JPEG), 3 warm-up frames first; load average ${loadavg().map(round)}.`);
  out();
  out(
    '| backend | runtime | load ms | pure inference ms (median / p90) | decode ms | post ms | pipeline ms | pipeline / inference | RSS MB (loaded / end / peak) |',
  );
  out('|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const f of all) {
    out(
      `| ${f.backend} | ${f.runtime} | ${f.loadMs} | ${f.inference.median} / ${f.inference.p90} | ${f.decode.median} | ` +
        `${f.post.median} | ${f.pipeline.median} / ${f.pipeline.p90} | ${round(f.pipeline.median / f.inference.median)}× | ` +
        `${f.rssLoadedMb} / ${f.rssMb} / ${f.peakRssMb} |`,
    );
  }
  out();
  out(`Shared detector, each camera sending ${CAMERA_FPS} fps for ${SECONDS} s (no motion gating):`);
  out();
  out('| backend | cameras | frames offered | detected | dropped (superseded) | detected fps in total |');
  out('|---|---:|---:|---:|---:|---:|');
  for (const f of all) {
    for (const c of f.cameras)
      out(`| ${f.backend} | ${c.cameras} | ${c.offered} | ${c.detected} | ${c.dropped} | ${c.fps} |`);
  }
}

if (values.child !== undefined) {
  process.stdout.write(`${JSON.stringify(await measure(values.child as BackendKey))}\n`);
} else {
  const all = (['onnx', 'tfjs'] as const).map(runChild).filter((f): f is BackendFigures => f !== undefined);
  printReport(all);
  if (all.length < 2) process.exitCode = 1;
}
