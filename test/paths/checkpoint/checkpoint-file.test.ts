/**
 * The checkpoint file and when it is written (issue 8): a half-written, truncated, corrupt, foreign or
 * other-version checkpoint is ignored and the live path starts fresh — never a crash; one of another
 * floor plan is ignored; one older than `analysis.max_hold_s` keeps its bins but ends its journeys; a
 * store with nothing open writes nothing, and a clean stop removes the file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/bus.js';
import type { GatewayConfig } from '../../../src/config/index.js';
import { createRegistry, type Registry } from '../../../src/metrics.js';
import type { BinData } from '../../../src/paths/aggregator.js';
import { CheckpointFile, decodeCheckpoint, encodeCheckpoint } from '../../../src/paths/checkpoint/checkpoint-file.js';
import { Checkpointer } from '../../../src/paths/checkpoint/checkpointer.js';
import { LivePaths } from '../../../src/paths/live/live-paths.js';
import type { Frame } from '../live/zara01-views.js';
import { demoConfig, demoFrames } from './demo-hour.js';

const EPOCH_MS = Date.UTC(2026, 0, 5, 9);
const config = demoConfig({ checkpoint_s: 10 });
let frames: Frame[];
let dir: string;
let n = 0;

interface Life {
  live: LivePaths;
  bus: EventBus;
  metrics: Registry;
  checkpointer: Checkpointer;
  bins: BinData[];
}

async function start(path: string, options: { config?: GatewayConfig; now?: () => number } = {}): Promise<Life> {
  const metrics = createRegistry();
  const now = options.now ?? Date.now;
  const checkpointer = new Checkpointer({ file: new CheckpointFile(path), intervalS: 10, metrics, now });
  const bus = new EventBus();
  const bins: BinData[] = [];
  const live = new LivePaths({
    config: options.config ?? config,
    bus,
    metrics,
    now,
    publish: () => {},
    tickMs: 3_600_000,
    onBin: (bin) => bins.push(bin),
    checkpoint: checkpointer,
  });
  await live.start();
  return { live, bus, metrics, checkpointer, bins };
}

async function feed(life: Life, list: readonly Frame[]): Promise<void> {
  for (const frame of list) {
    life.bus.emit('cameraTracks', frame);
    await life.checkpointer.settled();
  }
}

/** A checkpoint taken 5 minutes into the demo store, then the process "killed". */
async function checkpointed(): Promise<string> {
  const path = join(dir, `c${n++}.bin`);
  const life = await start(path);
  await feed(
    life,
    frames.filter((f) => f.ts < EPOCH_MS + 300_000),
  );
  life.bus.removeOwner('paths');
  return path;
}

const results = async (metrics: Registry) =>
  Object.fromEntries(
    ((await metrics.getSingleMetric('omo_paths_checkpoints_total')?.get())?.values ?? []).map((v) => [
      v.labels.result,
      v.value,
    ]),
  );

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'omo-checkpoint-file-'));
  frames = demoFrames(config, EPOCH_MS, 600);
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('checkpoint file', () => {
  it('reads back what it wrote, and refuses a truncated, altered or foreign file, saying why', () => {
    const payload = Buffer.from('some state');
    const data = encodeCheckpoint(1234.5, payload);
    expect(decodeCheckpoint(data)).toEqual({ savedAt: 1234.5, payload });
    expect(() => decodeCheckpoint(data.subarray(0, data.length - 3))).toThrow(/truncated: 7 of 10 payload bytes/);
    const altered = Buffer.from(data);
    altered.writeUInt8(data.readUInt8(data.length - 1) ^ 1, data.length - 1);
    expect(() => decodeCheckpoint(altered)).toThrow(/checksum mismatch/);
    expect(() => decodeCheckpoint(Buffer.from('{"version":1}'))).toThrow(/not a checkpoint/);
  });

  it('resumes open journeys and bins from a sound checkpoint', async () => {
    const life = await start(await checkpointed());
    expect(life.live.analyzer?.activeTracks()).toBeGreaterThan(3);
    expect(life.live.stitchCounts?.journeys).toBeGreaterThan(3);
  });

  it.each([
    ['a half-written checkpoint', (data: Buffer) => data.subarray(0, Math.floor(data.length / 2))],
    [
      'a corrupt checkpoint',
      (data: Buffer) => Buffer.from(data.map((byte, i) => (i === data.length - 5 ? byte ^ 0xff : byte))),
    ],
    ['a file that is no checkpoint', () => Buffer.from('garbage')],
    ['an empty file', () => Buffer.alloc(0)],
    ['a checkpoint of another version', () => encodeCheckpoint(Date.now(), Buffer.from('not brotli'))],
  ])('ignores %s and starts fresh', async (_, damage) => {
    const path = await checkpointed();
    writeFileSync(path, damage(readFileSync(path)));
    const life = await start(path);
    expect(life.live.analyzer?.activeTracks()).toBe(0);
    expect(life.live.stitchCounts?.journeys).toBe(0);
    await feed(life, frames.slice(0, 200)); // and runs on
    expect(life.live.analyzer?.counts.samples).toBeGreaterThan(0);
  });

  it('ignores the checkpoint of another floor plan', async () => {
    const path = await checkpointed();
    const other = { ...config, floor: { ...config.floor, zones: config.floor.zones.slice(1) } };
    const life = await start(path, { config: other });
    expect(life.live.analyzer?.activeTracks()).toBe(0);
  });

  it('older than analysis.max_hold_s: keeps its bins, ends its journeys at their last sample', async () => {
    const path = await checkpointed();
    const later = Date.now() + (config.analysis.max_hold_s + 60) * 1000;
    const life = await start(path, { now: () => later });
    expect(life.live.analyzer?.activeTracks()).toBe(0);
    await life.live.stop();
    const entrance = config.floor.lines.findIndex((line) => line.entrance);
    const ins = life.bins.reduce((sum, bin) => sum + (bin.lineIn[entrance] ?? 0), 0);
    expect(ins).toBeGreaterThan(3); // the in-crossings of the people inside at the checkpoint
  });

  it('writes nothing while nothing is open, and a clean stop removes the file', async () => {
    const path = join(dir, 'idle.bin');
    const life = await start(path);
    // An empty store: cameras send frames with nobody in them.
    await feed(
      life,
      Array.from({ length: 200 }, (_, i) => ({
        deviceId: 'cam-west',
        kind: 'camera',
        ts: EPOCH_MS + i * 200,
        space: 'floor' as const,
        people: [],
      })),
    );
    expect(await results(life.metrics)).toMatchObject({ removed: 1, unchanged: 3 });
    expect((await results(life.metrics)).written).toBeUndefined();
    expect(new CheckpointFile(path).read()).toBeUndefined();
    await feed(life, frames.slice(0, 600));
    expect((await results(life.metrics)).written).toBeGreaterThan(0);
    expect(new CheckpointFile(path).read()).toBeDefined();
    await life.live.stop();
    expect(new CheckpointFile(path).read()).toBeUndefined();
  });
});
