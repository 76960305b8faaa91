/**
 * The demo's plain camera (src/simulate/plain-cameras.ts): cam-checkout sends the clip's frames at its fps,
 * the clip at its own 5 fps in a loop, and only while the store runs in real time.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatedMessage, StoreSimulation } from '../../src/simulate/index.js';
import { clipFrames, defaultClipDir } from '../../src/simulate/plain-cameras.js';
import { demoStore, EPOCH } from './stores.js';

let clipDir: string;
const CLIP: Buffer[] = [];

beforeAll(async () => {
  clipDir = await mkdtemp(join(tmpdir(), 'omo-clip-'));
  for (let i = 1; i <= 3; i++) {
    const jpeg = await sharp({ create: { width: 16, height: 12, channels: 3, background: { r: 60 * i, g: 0, b: 0 } } })
      .jpeg()
      .toBuffer();
    CLIP.push(jpeg);
    await sharp(jpeg).toFile(join(clipDir, `frame_000${i}.jpg`));
  }
});

afterAll(async () => {
  await rm(clipDir, { recursive: true, force: true });
});

function frames(options: { liveAt?: (atMs: number) => boolean; fps?: number }, durationS = 2) {
  const config = demoStore();
  const checkout = config.devices.find((d) => d.id === 'cam-checkout');
  if (checkout?.camera !== undefined && options.fps !== undefined) checkout.camera.fps = options.fps;
  const sim = new StoreSimulation(config, {
    epochMs: EPOCH,
    durationS,
    arrivalsPerMin: 0,
    staff: 0,
    plainCameras: { clipDir, ...(options.liveAt === undefined ? {} : { liveAt: options.liveAt }) },
  });
  return [...sim.messages()].filter((m): m is Extract<SimulatedMessage, { stream: 'frame' }> => m.stream === 'frame');
}

describe('the demo plain camera', () => {
  it('sends the clip frame by frame at 5 fps from cam-checkout, in a loop', () => {
    const sent = frames({});
    expect(sent.map((m) => m.at - EPOCH)).toEqual([0, 200, 400, 600, 800, 1000, 1200, 1400, 1600, 1800, 2000]);
    expect(new Set(sent.map((m) => m.deviceId))).toEqual(new Set(['cam-checkout']));
    expect(sent.map((m) => CLIP.findIndex((c) => c.equals(m.event.jpeg)))).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1]);
    expect(sent[0]?.event).toMatchObject({ deviceId: 'cam-checkout', kind: 'camera', ts: EPOCH });
  });

  it('plays the clip at its own rate whatever the camera fps: at 2 fps every 2.5th frame', () => {
    const sent = frames({ fps: 2 });
    expect(sent.map((m) => m.at - EPOCH)).toEqual([0, 500, 1000, 1500, 2000]);
    // Clip frames 0, 2.5, 5, 7.5, 10 → 0, 2, 5, 7, 10, modulo the 3 frames.
    expect(sent.map((m) => CLIP.findIndex((c) => c.equals(m.event.jpeg)))).toEqual([0, 2, 2, 1, 1]);
  });

  it('sends nothing while the store is not live (fast-forward)', () => {
    const sent = frames({ liveAt: (atMs) => atMs >= EPOCH + 1000 });
    expect(sent.map((m) => m.at - EPOCH)).toEqual([1000, 1200, 1400, 1600, 1800, 2000]);
  });

  it('ships the vtest clip: 200 frames', () => {
    expect(clipFrames(defaultClipDir())).toHaveLength(200);
    expect(() => clipFrames(clipDir.replace('clip', 'none'))).toThrow(/^no clip frames \(frame_0001\.jpg, …\) in /);
  });
});
