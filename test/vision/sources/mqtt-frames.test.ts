/** Frames a camera publishes (src/vision/sources/mqtt-frames.ts): paced to the camera's fps, down when silent. */
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/bus.js';
import { FpsGate, MqttFrames } from '../../../src/vision/sources/mqtt-frames.js';

describe('frames published over MQTT', () => {
  it('admits a camera sending at its fps with jitter, and cuts a 50 fps flood to its fps', () => {
    const jittery = new FpsGate(200);
    const times = Array.from({ length: 50 }, (_, i) => i * 200 + (i % 2 === 0 ? 90 : -90));
    expect(times.filter((t) => jittery.admit(t + 1000))).toHaveLength(50);
    // One frame 190 ms late, the next on time: both taken (a grid anchored on the late one would refuse).
    const late = new FpsGate(200);
    expect([190, 205, 400, 600, 800].map((t) => late.admit(t))).toEqual([true, true, true, true, true]);
    const flooded = new FpsGate(200);
    const flood = Array.from({ length: 500 }, (_, i) => i * 20);
    // 10 s of 50 fps at 5 fps: 50 frames refilled, and the bucket's two at the start.
    expect(flood.filter((t) => flooded.admit(t))).toHaveLength(51);
  });

  it('takes only its own camera’s frames, counts the ones over fps, and is down after timeout_s of silence', async () => {
    const bus = new EventBus();
    let now = 1_000_000;
    const frames: number[] = [];
    let overFps = 0;
    const source = new MqttFrames({
      bus,
      cameraId: 'cam-a',
      fps: 5,
      timeoutMs: 10_000,
      clock: { now: () => now },
      onFrame: (frame) => frames.push(frame.ts),
      onFailure: () => undefined,
      onOverFps: () => {
        overFps++;
      },
    });
    source.start();
    expect(source.state()).toEqual({ up: true });
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xd9]);
    for (let i = 0; i < 10; i++) {
      now += 100; // 10 fps
      bus.emit('cameraFrame', { deviceId: 'cam-a', kind: 'camera', ts: now, jpeg });
      bus.emit('cameraFrame', { deviceId: 'cam-b', kind: 'camera', ts: now, jpeg });
    }
    // 1 s at 10 fps: 5 on the grid and the early one at the start.
    expect(frames).toHaveLength(6);
    expect(overFps).toBe(4);
    now += 10_001;
    expect(source.state()).toEqual({ up: false, reason: 'no frame on omo/camera/cam-a/frame for 10 s' });
    await source.stop();
    expect(bus.listenerCount('cameraFrame')).toBe(0);
  });
});
