/**
 * One detector for all cameras (issue 9 points 2 and 4): round-robin over the cameras with a waiting
 * frame, the latest frame wins per camera (the replaced one answered `dropped` and counted), nothing
 * queues beyond one frame per camera, a bad frame fails alone. The work here is a gate the test opens,
 * so the order is exact whatever the machine's speed; the real detector behind the scheduler is in the
 * last test.
 */
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log.js';
import { serveCameras } from '../../../src/vision/detector/camera-detector.js';
import { createDetector } from '../../../src/vision/detector/detector.js';
import { FairScheduler, type FrameOutcome } from '../../../src/vision/detector/fair-scheduler.js';
import { FrameError } from '../../../src/vision/preprocess.js';
import { defaultSettings, MODEL_DIR, readFrame } from './helpers.js';

/** Work that finishes when the test says: `started` lists frames as they start, `finish()` ends the oldest. */
function gatedWork() {
  const started: string[] = [];
  const pending: (() => void)[] = [];
  const work = (cameraId: string, frame: Buffer) => {
    started.push(`${cameraId}:${frame.toString()}`);
    return new Promise<string>((resolve, reject) =>
      pending.push(() => (frame.toString() === 'bad' ? reject(new Error('bad frame')) : resolve(frame.toString()))),
    );
  };
  const finish = async () => {
    pending.shift()?.();
    // Let the scheduler take the next frame.
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { work, started, finish };
}

const frame = (text: string) => Buffer.from(text);

describe('FairScheduler', () => {
  it('serves the cameras with a waiting frame in turn, one job at a time', async () => {
    const { work, started, finish } = gatedWork();
    const scheduler = new FairScheduler(work);
    const outcomes: Promise<FrameOutcome<string>>[] = [];
    outcomes.push(scheduler.submit('a', frame('a1')));
    outcomes.push(scheduler.submit('b', frame('b1')));
    outcomes.push(scheduler.submit('c', frame('c1')));
    expect(started).toEqual(['a:a1']);
    await finish();
    outcomes.push(scheduler.submit('a', frame('a2')));
    expect(started).toEqual(['a:a1', 'b:b1']);
    await finish();
    await finish();
    await finish();
    expect(started).toEqual(['a:a1', 'b:b1', 'c:c1', 'a:a2']);
    expect(await Promise.all(outcomes)).toEqual(['a1', 'b1', 'c1', 'a2'].map((result) => ({ status: 'done', result })));
  });

  it('keeps the latest frame per camera; the replaced ones are dropped and counted; a flood cannot starve others', async () => {
    const { work, started, finish } = gatedWork();
    const scheduler = new FairScheduler(work);
    const flood: Promise<FrameOutcome<string>>[] = [];
    for (let i = 1; i <= 50; i++) flood.push(scheduler.submit('busy', frame(`f${i}`)));
    const quiet = scheduler.submit('quiet', frame('q1'));
    // f1 runs; f2…f49 were each replaced by the next; f50 and q1 wait, busy first (it was waiting first).
    await finish();
    await finish();
    await finish();
    expect(started).toEqual(['busy:f1', 'busy:f50', 'quiet:q1']);
    const outcomes = await Promise.all(flood);
    expect(outcomes.filter((o) => o.status === 'dropped')).toHaveLength(48);
    expect(outcomes.slice(1, 49).every((o) => o.status === 'dropped' && o.reason === 'superseded')).toBe(true);
    expect(await quiet).toEqual({ status: 'done', result: 'q1' });
    expect(Object.fromEntries(scheduler.stats())).toEqual({
      busy: { submitted: 50, done: 2, dropped: 48, failed: 0 },
      quiet: { submitted: 1, done: 1, dropped: 0, failed: 0 },
    });
  });

  it('a failing frame rejects its own submit only, and stop drops what waits', async () => {
    const { work, started, finish } = gatedWork();
    const scheduler = new FairScheduler(work);
    // The expectation is attached before the frame fails, so the rejection is never unhandled.
    const bad = expect(scheduler.submit('a', frame('bad'))).rejects.toThrow('bad frame');
    const waiting = scheduler.submit('b', frame('b1'));
    await finish();
    await bad;
    const stopping = scheduler.stop();
    await finish();
    await stopping;
    expect(await waiting).toEqual({ status: 'done', result: 'b1' });
    expect(started).toEqual(['a:bad', 'b:b1']);
    expect(await scheduler.submit('a', frame('late'))).toEqual({ status: 'dropped', reason: 'stopped' });
    expect(scheduler.stats().get('a')).toEqual({ submitted: 2, done: 0, dropped: 1, failed: 1 });
  });
});

describe('serveCameras (the real detector behind the scheduler)', () => {
  it("detects each camera's frames with its own masks, and refuses a bad frame with a FrameError", async () => {
    const detector = await createDetector(MODEL_DIR, defaultSettings('onnx'), createLogger('test:detector'));
    // cam-masked hides the right half of the picture, where two of frame 1's three people walk.
    const cameras = serveCameras(detector, [
      { id: 'cam-plain' },
      {
        id: 'cam-masked',
        masks: [
          [
            [384, 0],
            [768, 0],
            [768, 576],
            [384, 576],
          ],
        ],
      },
    ]);
    try {
      const jpeg = await readFrame(1);
      const [plain, masked, png] = await Promise.allSettled([
        cameras.submit('cam-plain', jpeg),
        cameras.submit('cam-masked', jpeg),
        cameras.submit('cam-png', Buffer.from('\x89PNG\r\n\x1a\n')),
      ]);
      expect(plain).toMatchObject({ status: 'fulfilled', value: { status: 'done' } });
      expect(masked).toMatchObject({ status: 'fulfilled', value: { status: 'done' } });
      const people = (o: typeof plain) =>
        o.status === 'fulfilled' && o.value.status === 'done' ? o.value.result.detections : [];
      expect(people(plain)).toHaveLength(3);
      expect(people(masked)).toHaveLength(1);
      expect(people(masked)[0]?.box[0]).toBeLessThan(384);
      expect(png).toMatchObject({ status: 'rejected', reason: expect.any(FrameError) });
      expect(cameras.stats().get('cam-png')).toEqual({ submitted: 1, done: 0, dropped: 0, failed: 1 });
    } finally {
      await cameras.stop();
    }
  });
});
