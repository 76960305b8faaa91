/**
 * A process that runs one FfmpegSource and prints its ffmpeg's pid, for the test that kills this
 * process with SIGKILL and checks ffmpeg does not outlive it. Run with
 * `node --import tsx test/vision/sources/ffmpeg-child.ts VIDEO FPS`.
 */
import { systemClock } from '../../../src/clock.js';
import { FfmpegSource } from '../../../src/vision/sources/ffmpeg.js';

const [video, fps] = process.argv.slice(2);
let printed = false;
const source: FfmpegSource = new FfmpegSource({
  input: video as string,
  isFile: true,
  fps: Number(fps),
  timeoutMs: 60_000,
  retryMinMs: 60_000,
  retryMaxMs: 60_000,
  maxBytes: 1 << 22,
  clock: systemClock,
  onFrame: () => {
    if (printed) return;
    printed = true;
    process.stdout.write(`${source.pid}\n`);
  },
  onFailure: (reason, detail) => process.stderr.write(`${reason}: ${detail}\n`),
});
source.start();
