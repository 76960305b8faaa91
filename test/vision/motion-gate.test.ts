/** Motion gating (src/vision/motion-gate.ts): a still scene skips the detector, motion and the interval do not. */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { MotionGate, motionThumbnail } from '../../src/vision/motion-gate.js';

const SETTINGS = { enabled: true, threshold: 25, min_area: 0.001, max_interval_s: 5 };

/** A 640×480 grey scene with a dark 60×160 "person" at `x`, plus per-pixel noise of ±`noise` grey levels. */
async function scene(x: number | undefined, noise = 0, seed = 1): Promise<Buffer> {
  const width = 640;
  const height = 480;
  const pixels = Buffer.alloc(width * height * 3, 150);
  let state = seed;
  for (let i = 0; i < pixels.length; i++) {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    pixels[i] = 150 + ((state % (2 * noise + 1)) - noise);
  }
  if (x !== undefined) {
    for (let v = 200; v < 360; v++)
      for (let u = x; u < x + 60; u++) pixels.fill(30, (v * width + u) * 3, (v * width + u) * 3 + 3);
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 85 })
    .toBuffer();
}

describe('motion gating', () => {
  it('detects the first frame, skips a still noisy scene, detects motion, and detects when the interval is up', async () => {
    const gate = new MotionGate(SETTINGS);
    const verdicts = [];
    // Same person, same place, fresh sensor noise each frame: still.
    verdicts.push(await gate.check(await scene(100, 6, 1), 0));
    verdicts.push(await gate.check(await scene(100, 6, 2), 200));
    verdicts.push(await gate.check(await scene(100, 6, 3), 400));
    // The person moves 40 px (a step at this scale): motion.
    verdicts.push(await gate.check(await scene(140, 6, 4), 600));
    verdicts.push(await gate.check(await scene(140, 6, 5), 800));
    // 5 s after the last detection, still or not, the detector runs.
    verdicts.push(await gate.check(await scene(140, 6, 6), 5600));
    expect(verdicts.map((v) => [v.detect, v.why])).toEqual([
      [true, 'first'],
      [false, 'still'],
      [false, 'still'],
      [true, 'motion'],
      [false, 'still'],
      [true, 'due'],
    ]);
    expect(verdicts[1]?.changed).toBe(0);
    expect(verdicts[3]?.changed).toBeGreaterThan(0.01);
  });

  it('notices someone walking into an empty scene', async () => {
    const gate = new MotionGate(SETTINGS);
    await gate.check(await scene(undefined, 4, 1), 0);
    expect(await gate.check(await scene(undefined, 4, 2), 200)).toMatchObject({ detect: false });
    expect(await gate.check(await scene(0, 4, 3), 400)).toMatchObject({ detect: true, why: 'motion' });
  });

  it('detects every frame when gating is off', async () => {
    const gate = new MotionGate({ ...SETTINGS, enabled: false });
    const still = await scene(100);
    expect(await gate.check(still, 0)).toEqual({ detect: true, why: 'always', changed: 1 });
    expect(await gate.check(still, 100)).toEqual({ detect: true, why: 'always', changed: 1 });
  });

  it('compares 96×64 grey copies and refuses a picture that is not one', async () => {
    expect((await motionThumbnail(await scene(0))).length).toBe(96 * 64);
    await expect(new MotionGate(SETTINGS).check(Buffer.from('not a jpeg'), 0)).rejects.toThrow(
      /unsupported image format/,
    );
  });
});
