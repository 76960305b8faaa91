/**
 * The small pieces around the live path: the event-time frame queue (order, ties, late frames), the
 * replay's frames and time shift (never a reading from the gateway's future, bins aligned), and camera
 * adjacency from coverage polygons.
 */
import { describe, expect, it } from 'vitest';
import { CameraMap, polygonDistance } from '../../../src/paths/live/cameras.js';
import { FrameQueue } from '../../../src/paths/live/frame-queue.js';
import { framesOf, MAX_PEOPLE_PER_FRAME, replayShiftMs } from '../../../src/paths/live/replay.js';

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

describe('replay frames and time shift', () => {
  it('groups a file into frames by time, in file order within a frame', () => {
    const frames = framesOf([
      { t: 1, id: 'b', x: 0, y: 0 },
      { t: 0.5, id: 'a', x: 1, y: 1 },
      { t: 1, id: 'a', x: 2, y: 2 },
    ]);
    expect(frames).toEqual([
      { t: 0.5, people: [{ id: 'a', x: 1, y: 1 }] },
      {
        t: 1,
        people: [
          { id: 'b', x: 0, y: 0 },
          { id: 'a', x: 2, y: 2 },
        ],
      },
    ]);
  });

  it('refuses a person twice in a frame and frames over the camera profile’s limit', () => {
    expect(() =>
      framesOf([
        { t: 3, id: 'a', x: 0, y: 0 },
        { t: 3, id: 'a', x: 1, y: 0 },
      ]),
    ).toThrow('id a has two samples at t = 3');
    const crowd = Array.from({ length: MAX_PEOPLE_PER_FRAME + 1 }, (_, i) => ({ t: 0, id: String(i), x: 0, y: 0 }));
    expect(() => framesOf(crowd)).toThrow('more than 512 people at t = 0');
  });

  it('puts no reading in the gateway’s future at any speed, and moves time by whole bins', () => {
    const start = Date.UTC(2026, 0, 5, 9, 17, 23, 456);
    for (const speed of [0.5, 1, 10, 100]) {
      const shift = replayShiftMs(4, 364, speed, start, 60_000);
      expect(shift % 60_000).toBe(0);
      for (const t of [4, 100, 364]) {
        const sentAt = start + ((t - 4) * 1000) / speed;
        expect(Math.round(t * 1000) + shift).toBeLessThanOrEqual(sentAt);
      }
      // ... and no more than a bin plus the part of the file the speed-up gains before now.
      expect(start - (4000 + shift)).toBeLessThanOrEqual(60_000 + 360_000 * Math.max(0, 1 - 1 / speed));
    }
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
