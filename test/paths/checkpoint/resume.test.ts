/**
 * Issue 8 "A crash loses seconds, not bins", in process: an hour of the demo store through the live path
 * with a real checkpoint file (every 30 s of store time, the default), "killed" ten times — the LivePaths
 * instance dropped without stop(), nothing flushed — and a new one started on the same file each time.
 * The store is emulated as the aggregate store keeps bins: the last version of each.
 *   - Killed right after a checkpoint and fed again from its watermark (no frame lost), the hour's
 *     counts are those of the hour run straight through: entrance in and out, zone visits (dwells of
 *     every zone), store visits, transitions and paths, bin by bin. What a checkpoint leaves out
 *     (heatmap seconds; revisions of bins that went out, which settle) changes no count here.
 *   - The control: the same kills without a checkpoint lose the bins not out yet and split the open
 *     journeys, and in − out goes negative.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/bus.js';
import { createRegistry } from '../../../src/metrics.js';
import type { BinData } from '../../../src/paths/aggregator.js';
import { CheckpointFile } from '../../../src/paths/checkpoint/checkpoint-file.js';
import { Checkpointer } from '../../../src/paths/checkpoint/checkpointer.js';
import { LivePaths } from '../../../src/paths/live/live-paths.js';
import type { Frame } from '../live/zara01-views.js';
import { demoConfig, demoFrames, lowestOccupancy, totalsOf } from './demo-hour.js';

const EPOCH_MS = Date.UTC(2026, 0, 5, 9);
/** Kills at these fractions of the hour (arbitrary, spread), each at the next checkpoint after it. */
const KILLS = [0.06, 0.13, 0.21, 0.3, 0.38, 0.47, 0.55, 0.66, 0.78, 0.9];
const config = demoConfig();
let frames: Frame[];
let dir: string;

interface Run {
  stored: Map<number, BinData>;
  /** Open tracks (journeys) restored at each restart. */
  restored: number[];
}

/** The hour; with `checkpoint`, killed after the first checkpoint past each of KILLS, else killed there. */
async function run(name: string, checkpoint: boolean, kills: readonly number[]): Promise<Run> {
  const stored = new Map<number, BinData>();
  const restored: number[] = [];
  const file = new CheckpointFile(join(dir, `${name}.bin`));
  let next = 0;
  for (let life = 0; life <= kills.length; life++) {
    let alive = true;
    const metrics = createRegistry();
    const checkpointer = new Checkpointer({ file, intervalS: config.analysis.checkpoint_s, metrics, now: Date.now });
    const bus = new EventBus();
    const live = new LivePaths({
      config,
      bus,
      metrics,
      publish: () => {},
      tickMs: 3_600_000,
      onBin: (bin) => {
        if (alive) stored.set(bin.index, bin);
      },
      ...(checkpoint ? { checkpoint: checkpointer } : {}),
    });
    await live.start();
    restored.push(live.analyzer?.activeTracks() ?? 0);
    const killAt = (kills[life] ?? 2) * frames.length;
    const written = () => file.read()?.savedAt;
    const before = written();
    for (; next < frames.length; next++) {
      bus.emit('cameraTracks', frames[next] as Frame);
      if (next % 100 === 99) live.advance();
      await checkpointer.settled();
      if (next >= killAt && (!checkpoint || written() !== before)) break;
    }
    if (life === kills.length) {
      await live.stop();
      break;
    }
    // kill -9: nothing flushed, nothing more handed on.
    alive = false;
    bus.removeOwner('paths');
    if (checkpoint) {
      // The cameras go on from where the checkpoint's watermark is: no frame lost.
      const watermark = (await loadWatermark(file)) ?? 0;
      next = frames.findIndex((frame) => frame.ts > watermark);
    } else next += 1;
  }
  return { stored, restored };
}

async function loadWatermark(file: CheckpointFile): Promise<number | undefined> {
  const checkpointer = new Checkpointer({ file, intervalS: 30, metrics: createRegistry(), now: Date.now });
  return checkpointer.load()?.state.watermarkTs;
}

const flows = (bins: Iterable<BinData>) => {
  const out: Record<string, number> = {};
  for (const bin of bins)
    for (const [kind, map] of [
      ['t', bin.transitions],
      ['p', bin.paths],
    ] as const)
      for (const [key, count] of map) out[`${kind}:${key}`] = (out[`${kind}:${key}`] ?? 0) + count;
  return out;
};

let straight: Run;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'omo-checkpoint-resume-'));
  frames = demoFrames(config, EPOCH_MS);
  straight = await run('straight', false, []);
}, 300_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('checkpoint: ten kills in an hour of the demo store', () => {
  it('resumed without a frame lost, the counts are those of the hour without kills', async () => {
    const killed = await run('killed', true, KILLS);
    expect(killed.restored.slice(1).every((n) => n > 0)).toBe(true); // journeys were open at every kill
    expect(totalsOf(config, killed.stored.values())).toEqual(totalsOf(config, straight.stored.values()));
    expect(flows(killed.stored.values())).toEqual(flows(straight.stored.values()));
    expect(lowestOccupancy(config, killed.stored.values())).toBeGreaterThanOrEqual(0);
    const perBin = (r: Run) => [...r.stored.values()].map((bin) => [bin.index, [...bin.lineIn], [...bin.lineOut]]);
    expect(perBin(killed).sort()).toEqual(perBin(straight).sort());
  }, 300_000);

  it('without a checkpoint the same kills lose bins and split journeys (the control)', async () => {
    const control = await run('control', false, KILLS);
    const totals = totalsOf(config, control.stored.values());
    const expected = totalsOf(config, straight.stored.values());
    expect(totals.in).toBeLessThan(expected.in * 0.9);
    expect(totals.storeVisits).toBeLessThan(expected.storeVisits * 0.8);
    expect(lowestOccupancy(config, control.stored.values())).toBeLessThan(0);
  }, 300_000);
});
