/**
 * What the live-path checkpoint costs on disk (issue 8 "A crash loses seconds, not bins"; ARCHITECTURE
 * §10: ≤ 50 MB written per day by a busy store, of which the checkpoint may take 10 MB, i.e. ≤ 3.5 KB
 * per checkpoint at one every 30 s). The demo store (config/default.yaml, its seed) runs `--hours` of
 * simulated time (default 3) through the real live path — bus → event-time queue → journeys → engines
 * — with the real Checkpointer writing `<tmp>/paths-checkpoint.bin` every `analysis.checkpoint_s` of
 * event time (30 s). Reported: checkpoints written, skipped (unchanged) and removed, bytes per written
 * checkpoint (the file: header + brotli JSON) and what the process really sent to the storage layer
 * (/proc/self/io write_bytes: whole pages, fsyncs included; ext4's journal commits are the kernel's and
 * not in it), each extrapolated to a day of checkpoints at that load.
 * Run: `npx tsx test/bench/paths-checkpoint.bench.ts [--hours H] [--arrivals N]`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { profileKinds } from '../../devices/index.js';
import { EventBus } from '../../src/bus.js';
import { parseConfig } from '../../src/config/index.js';
import { createRegistry } from '../../src/metrics.js';
import { CheckpointFile } from '../../src/paths/checkpoint/checkpoint-file.js';
import { Checkpointer } from '../../src/paths/checkpoint/checkpointer.js';
import { LivePaths } from '../../src/paths/live/live-paths.js';
import { StoreSimulation } from '../../src/simulate/index.js';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const HOURS = arg('--hours', 3);
const DEMO = new URL('../../config/default.yaml', import.meta.url).pathname;
const config = parseConfig(readFileSync(DEMO, 'utf8'), DEMO, { env: {}, knownKinds: profileKinds });
const arrivals = arg('--arrivals', config.simulation.arrivals_per_min);

function writeBytes(): number {
  const line = readFileSync('/proc/self/io', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('write_bytes:'));
  return Number(line?.split(':')[1] ?? Number.NaN);
}

const dir = mkdtempSync(join(tmpdir(), 'omo-checkpoint-bench-'));
const metrics = createRegistry();
/** The store's clock: checkpoints are as far apart in wall time as live (which picks brotli's quality). */
let eventNow = 0;
const checkpointer = new Checkpointer({
  file: new CheckpointFile(join(dir, 'paths-checkpoint.bin')),
  intervalS: config.analysis.checkpoint_s,
  metrics,
  now: () => eventNow,
});
const bus = new EventBus();
const live = new LivePaths({ config, bus, metrics, publish: () => {}, onBin: () => {}, checkpoint: checkpointer });
await live.start();
const simulation = new StoreSimulation(config, {
  epochMs: Date.UTC(2026, 0, 5, 9),
  durationS: HOURS * 3600,
  arrivalsPerMin: arrivals,
});
const ioBefore = writeBytes();
let frames = 0;
for (const message of simulation.messages()) {
  if (message.stream !== 'tracks') continue;
  eventNow = message.event.ts;
  bus.emit('cameraTracks', message.event);
  frames += 1;
  if (frames % 10 === 0) live.advance();
  // One checkpoint at a time, as live; waiting here keeps every due checkpoint (the live gateway has
  // 30 s of wall time for each).
  await checkpointer.settled();
}
await checkpointer.settled();
const ioAfter = writeBytes();
await live.stop();
const truth = simulation.groundTruth();
const count = async (result: string) =>
  (await metrics.getSingleMetric('omo_paths_checkpoints_total')?.get())?.values.find((v) => v.labels.result === result)
    ?.value ?? 0;
const written = await count('written');
const bytes = (await metrics.getSingleMetric('omo_paths_checkpoint_bytes_total')?.get())?.values[0]?.value ?? 0;
const perDay = 86_400 / config.analysis.checkpoint_s;
const io = ioAfter - ioBefore;
const checkpoints = written + (await count('unchanged')) + (await count('removed'));
console.info(
  [
    `demo store, ${HOURS} h at ${arrivals} groups/min: ${truth.customers} customers (${Math.round(truth.customers / HOURS)}/h), ${frames} frames`,
    `checkpoints every ${config.analysis.checkpoint_s} s: ${written} written, ${await count('unchanged')} unchanged, ${await count('removed')} removed`,
    `file: ${Math.round(bytes / Math.max(1, written))} B per written checkpoint → ${(((bytes / checkpoints) * perDay) / 1e6).toFixed(2)} MB/day`,
    `write_bytes (/proc/self/io): ${Math.round(io / Math.max(1, checkpoints))} B per checkpoint → ${(((io / checkpoints) * perDay) / 1e6).toFixed(2)} MB/day`,
  ].join('\n'),
);
rmSync(dir, { recursive: true, force: true });
