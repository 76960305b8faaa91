/**
 * The small pieces around the live path: the event-time frame queue (order, ties, late frames) and
 * camera adjacency from coverage polygons.
 */
import { describe, expect, it } from 'vitest';
import { CameraMap, polygonDistance } from '../../../src/paths/live/cameras.js';
import { FrameQueue } from '../../../src/paths/live/frame-queue.js';

const frame = (camera: string, ts: number) => ({ camera, ts, people: [] });

describe('frame queue', () => {
  it('releases up to the watermark in (ts, camera) order, keeping arrival order for equal keys', () => {
    const queue = new FrameQueue();
    for (const f of [frame('b', 300), frame('a', 100), frame('b', 100), frame('a', 200), frame('a', 200)])
      queue.push(f);
    expect(queue.release(200).map((f) => `${f.camera}${f.ts}`)).toEqual(['a100', 'b100', 'a200', 'a200']);
    expect(queue.size).toBe(1);
  });

  it('calls a frame late when it is older than a watermark already released, even if nothing was there', () => {
    const queue = new FrameQueue();
    queue.push(frame('a', 1000));
    expect(queue.release(500)).toEqual([]);
    expect(queue.push(frame('b', 499))).toBe(false);
    expect(queue.push(frame('b', 500))).toBe(true); // at the watermark: bins before it are still open
    expect(queue.release(Number.POSITIVE_INFINITY).map((f) => f.ts)).toEqual([500, 1000]);
  });
});

describe('cameras', () => {
  it('neighbour when coverages overlap or come within the gate; a camera without coverage neighbours all', () => {
    const square = (x: number): [number, number][] => [
      [x, 0],
      [x + 10, 0],
      [x + 10, 10],
      [x, 10],
    ];
    expect(polygonDistance(square(0), square(5))).toBe(0);
    expect(polygonDistance(square(0), square(10.5))).toBeCloseTo(0.5, 9);
    const cameras = new CameraMap(
      [
        { id: 'a', kind: 'camera', camera: { type: 'smart', fps: 5, coverage: square(0) } },
        { id: 'b', kind: 'camera', camera: { type: 'smart', fps: 5, coverage: square(10.5) } },
        { id: 'c', kind: 'camera', camera: { type: 'smart', fps: 5, coverage: square(30) } },
        { id: 'd', kind: 'camera', camera: { type: 'smart', fps: 5 } },
      ],
      1,
    );
    expect(cameras.adjacent('a', 'b')).toBe(true);
    expect(cameras.adjacent('a', 'c')).toBe(false);
    expect(cameras.adjacent('c', 'd')).toBe(true);
    expect(cameras.homography('a')).toEqual({ problem: 'camera a has no calibration in the config' });
    expect(cameras.homography('zz')).toEqual({ problem: "camera zz is not in the config's devices" });
  });
});
