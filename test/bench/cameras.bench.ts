/**
 * Vision throughput with several plain cameras (issue 9 "Benchmark": total fps with 1, 2 and 4 cameras,
 * with and without motion gating, on footage with still periods). The real camera pipelines
 * (src/vision/camera-pipeline.ts: slot → motion gate → the one shared detector → tracker → bus) run
 * saturated: each camera is handed its next frame as soon as its last one's tracks are on the bus, so
 * the figure is what the gateway can analyse, not what the cameras send.
 *
 * Footage: the vtest clip in blocks of 5 s (25 frames) moving, then 5 s still — one frame repeated
 * with fresh sensor noise (±3 grey levels) in every copy, as a camera watching an empty aisle gives.
 *
 * Run: `npm run bench -- cameras [--seconds S]` (default 20 s per run, after a warm-up).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { EventBus } from '../../src/bus.js';
import { parseConfig } from '../../src/config/load.js';
import { cameraSourceSettings } from '../../src/config/schema-camera-source.js';
import { createLogger } from '../../src/log.js';
import { createRegistry } from '../../src/metrics.js';
import { CameraPipeline } from '../../src/vision/camera-pipeline.js';
import { loadCameraDetector } from '../../src/vision/detector/camera-detector.js';
import { MotionGate } from '../../src/vision/motion-gate.js';
import type { Frame, FrameSource } from '../../src/vision/sources/index.js';
import { CameraTracker } from '../../src/vision/tracker/camera-tracker.js';
import { visionMetrics } from '../../src/vision/vision-metrics.js';

const root = new URL('../..', import.meta.url).pathname;
const secondsArg = process.argv.indexOf('--seconds');
const SECONDS = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 20;
const BLOCK = 25;

/** A pretend camera that delivers its next frame when asked: the bench feeds it as fast as it is served. */
class FeedSource implements FrameSource {
  readonly kind = 'mqtt';
  constructor(private readonly onFrame: (frame: Frame) => void) {}
  start(): void {}
  async stop(): Promise<void> {}
  state() {
    return { up: true };
  }
  feed(jpeg: Buffer, ts: number): void {
    this.onFrame({ jpeg, ts });
  }
}

async function footage(): Promise<Buffer[]> {
  const clip = Array.from({ length: 200 }, (_, i) =>
    readFileSync(join(root, `test/fixtures/vtest/frame_${String(i + 1).padStart(4, '0')}.jpg`)),
  );
  const frames: Buffer[] = [];
  for (let start = 0; start + BLOCK <= clip.length; start += BLOCK) {
    frames.push(...clip.slice(start, start + BLOCK));
    const { data, info } = await sharp(clip[start + BLOCK - 1])
      .raw()
      .toBuffer({ resolveWithObject: true });
    for (let k = 0; k < BLOCK; k++) {
      const noisy = Buffer.from(data);
      for (let i = 0; i < noisy.length; i++)
        noisy[i] = Math.max(0, Math.min(255, (noisy[i] as number) + ((i * 7 + k * 13) % 7) - 3));
      frames.push(await sharp(noisy, { raw: info }).jpeg({ quality: 90 }).toBuffer());
    }
  }
  return frames;
}

async function run(cameras: number, gating: boolean, frames: readonly Buffer[]) {
  const config = parseConfig('store: { id: bench }\ngateway: { id: bench }\n', join(root, 'bench.yaml'), { env: {} });
  const log = createLogger('omo:bench');
  const bus = new EventBus();
  const metrics = visionMetrics(createRegistry());
  const ids = Array.from({ length: cameras }, (_, i) => `cam-${i + 1}`);
  const detector = await loadCameraDetector(
    config.vision.detector,
    ids.map((id) => ({ id })),
    { configDir: root, log },
  );
  const motion = { ...cameraSourceSettings({}).motion, enabled: gating };
  const counts = { detected: 0, still: 0 };
  const pipelines = ids.map((id, c) => {
    let source: FeedSource | undefined;
    let next = c * 37; // cameras start at different places in the footage
    const pipeline = new CameraPipeline({
      cameraId: id,
      source: (onFrame) => {
        source = new FeedSource(onFrame);
        return source;
      },
      gate: new MotionGate(motion),
      tracker: new CameraTracker({ id, kind: 'camera', camera: { type: 'plain', fps: 5 } }),
      detector: async () => detector,
      bus,
      metrics,
      log,
      debug: false,
    });
    // Frames are 0.2 s apart in event time, as the clip was filmed, whatever the wall clock does.
    const feed = () => source?.feed(frames[next % frames.length] as Buffer, 1_700_000_000_000 + 200 * next++);
    return { id, pipeline, feed };
  });
  bus.on('bench', 'cameraTracks', (event) => {
    const camera = pipelines.find((p) => p.id === event.deviceId);
    camera?.feed();
  });
  for (const p of pipelines) p.feed();
  await new Promise((resolve) => setTimeout(resolve, 3000)); // warm-up
  const before = pipelines.map((p) => ({ ...p.pipeline.counts }));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
  const elapsedS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  pipelines.forEach((p, i) => {
    counts.detected += p.pipeline.counts.detected - (before[i]?.detected ?? 0);
    counts.still += p.pipeline.counts.still - (before[i]?.still ?? 0);
  });
  bus.removeOwner('bench');
  await detector.stop();
  await Promise.all(pipelines.map((p) => p.pipeline.stop()));
  const total = counts.detected + counts.still;
  return {
    cameras,
    gating,
    fps: total / elapsedS,
    detectedFps: counts.detected / elapsedS,
    stillShare: total === 0 ? 0 : counts.still / total,
    cpuPct: ((cpu.user + cpu.system) / 1000 / (elapsedS * 1000)) * 100,
    rssMb: process.memoryUsage().rss / 2 ** 20,
    backend: detector.detector.backend,
  };
}

const frames = await footage();
const rows: string[] = [];
for (const cameras of [1, 2, 4]) {
  for (const gating of [false, true]) {
    const r = await run(cameras, gating, frames);
    rows.push(
      `| ${r.cameras} | ${r.gating ? 'on' : 'off'} | ${r.fps.toFixed(1)} | ${r.detectedFps.toFixed(1)} | ${(r.stillShare * 100).toFixed(0)} % | ${r.cpuPct.toFixed(0)} | ${r.rssMb.toFixed(0)} | ${r.backend} |`,
    );
    process.stderr.write(`${rows.at(-1)}\n`);
  }
}
process.stdout.write(
  [
    `Total frames analysed per second, ${SECONDS} s per run, footage 5 s moving / 5 s still; load average ${(await import('node:os')).loadavg()[0]?.toFixed(1)}`,
    '',
    '| cameras | motion gating | frames/s (all cameras) | detector runs/s | frames held by gating | CPU % (1 core = 100) | RSS MB | backend |',
    '|---:|---|---:|---:|---:|---:|---:|---|',
    ...rows,
    '',
  ].join('\n'),
);
