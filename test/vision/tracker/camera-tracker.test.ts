/**
 * A plain camera's tracker output is a smart camera's `cameraTracks` event (issue 9 "Tracker"): foot
 * points through the calibration's homography onto the floor, string ids that a restarted gateway does
 * not reuse, stationary tracks held back unless the camera publishes them, and an event that survives
 * the smart camera's own stream schema and decode unchanged — so path analysis cannot tell them apart.
 */
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { profiles } from '../../../devices/index.js';
import type { BusEvents } from '../../../src/bus.js';
import type { DeviceConfig } from '../../../src/config/schema.js';
import type { JsonStream } from '../../../src/ingest/profile.js';
import { applyHomography, calibrate } from '../../../src/vision/homography.js';
import type { Detection } from '../../../src/vision/tracker/box.js';
import { CameraTracker } from '../../../src/vision/tracker/camera-tracker.js';
import { trackerSettings } from '../../../src/vision/tracker/settings.js';

/** A 640×480 view of a 10 m × 8 m floor seen at a slant: the far edge is narrower in the image. */
const calibration = {
  points: [
    { image: [40, 470] as [number, number], floor: [0, 0] as [number, number] },
    { image: [600, 470] as [number, number], floor: [10, 0] as [number, number] },
    { image: [480, 120] as [number, number], floor: [10, 8] as [number, number] },
    { image: [160, 120] as [number, number], floor: [0, 8] as [number, number] },
  ],
  max_error_m: 0.25,
};

function camera(tracker: Partial<ReturnType<typeof trackerSettings>> = {}, calibrated = true) {
  return {
    id: 'cam-checkout',
    kind: 'camera',
    camera: {
      type: 'plain',
      fps: 5,
      tracker: trackerSettings(tracker),
      ...(calibrated ? { calibration } : {}),
    },
  } satisfies Pick<DeviceConfig, 'id' | 'kind' | 'camera'>;
}

const START = Date.UTC(2026, 11, 3, 10);
const standing: Detection = { box: [300, 200, 40, 100], score: 0.9 };

function frames(tracker: CameraTracker, count: number, from = 0): BusEvents['cameraTracks'][] {
  return Array.from({ length: count }, (_, i) =>
    tracker.frame(START + (from + i) * 200, i + from === 0 ? [] : [standing]),
  );
}

describe('CameraTracker', () => {
  it('publishes confirmed people at their foot point on the floor, with string ids', () => {
    const events = frames(new CameraTracker(camera(), () => START), 5);
    expect(events.map((e) => e.people.length)).toEqual([0, 0, 0, 1, 1]);
    const [x, y] = applyHomography(calibrate(calibration.points).matrix, 320, 300);
    expect(events[4]).toEqual({
      deviceId: 'cam-checkout',
      kind: 'camera',
      ts: START + 800,
      space: 'floor',
      frame: 5,
      people: [{ id: `${(START / 1000).toString(36)}-1`, x, y }],
    });
    expect(x).toBeGreaterThan(0);
    expect(y).toBeGreaterThan(0);
  });

  it('gives the event a smart camera would: it passes the camera profile’s schema and decodes to itself', () => {
    const stream = profiles.get('camera')?.publishes.tracks as JsonStream<'cameraTracks'>;
    const event = frames(new CameraTracker(camera(), () => START), 5)[4] as BusEvents['cameraTracks'];
    const payload = JSON.parse(JSON.stringify(stream.encode(event)));
    // Validated as the ingest validates a smart camera's payload (src/ingest/routes.ts).
    const validate = new Ajv({ strict: true }).compile(stream.schema);
    expect(validate(payload), JSON.stringify(validate.errors)).toBe(true);
    const decoded = stream.decode(payload, { deviceId: event.deviceId, kind: event.kind, receivedAt: event.ts });
    expect(decoded).toEqual(event);
  });

  it('does not reuse ids after a restart', () => {
    const before = frames(new CameraTracker(camera(), () => START), 5)[4]?.people[0]?.id;
    const after = frames(new CameraTracker(camera(), () => START + 60_000), 5)[4]?.people[0]?.id;
    expect(before).not.toBe(after);
  });

  it('holds back a stationary track unless the camera publishes stationary tracks', () => {
    const hidden = new CameraTracker(camera({ stationary_s: 2 }), () => START);
    const shown = new CameraTracker(camera({ stationary_s: 2, publish_stationary: true }), () => START);
    // Still from frame 1: stationary from frame 11 (2 s later).
    const counts = (tracker: CameraTracker) => frames(tracker, 15).map((e) => e.people.length);
    expect(counts(hidden)).toEqual([0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0]);
    expect(hidden.counts).toEqual({ frames: 15, confirmed: 12, stationaryHeld: 4, offFloor: 0 });
    expect(counts(shown)).toEqual([0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('keeps people through a still scene without the detector', () => {
    const tracker = new CameraTracker(camera(), () => START);
    frames(tracker, 5);
    const held = Array.from({ length: 20 }, (_, i) => tracker.still(START + (5 + i) * 200));
    expect(held.every((e) => e.people.length === 1 && e.people[0]?.id.endsWith('-1'))).toBe(true);
  });

  it('reports image pixels, as an uncalibrated smart camera does, when the camera has no calibration', () => {
    const event = frames(new CameraTracker(camera({}, false), () => START), 5)[4];
    expect(event?.space).toBe('image');
    expect(event?.people.map(({ x, y }) => [x, y])).toEqual([[320, 300]]);
  });
});
