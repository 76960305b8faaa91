/**
 * One plain camera's tracker, what the camera pipeline calls per frame (issue 9 "Tracker"): detections
 * in, the `cameraTracks` bus event out — the very event a smart camera's `tracks` stream decodes to
 * (devices/lib/camera-streams.ts), so path analysis cannot tell the two apart (ARCHITECTURE §2).
 *
 * Each confirmed track seen in the frame becomes one person at its foot point (the bottom centre of the
 * box, where the person stands) mapped through the camera's homography onto the floor. A camera without
 * a calibration reports the foot points in image pixels (`space: 'image'`), exactly as an uncalibrated
 * smart camera does; path analysis then drops them and says why. Every frame yields an event, an empty
 * one when nobody is in view: to path analysis that is how time passes for a camera.
 */
import type { BusEvents } from '../../bus.js';
import type { DeviceConfig } from '../../config/schema.js';
import { applyHomography, calibrate, type Matrix3 } from '../homography.js';
import type { Detection } from './box.js';
import { footPoint } from './box.js';
import { BoxTracker, type TrackedBox } from './box-tracker.js';
import { type TrackerSettings, trackerSettings } from './settings.js';

/** The bus's floor coordinates stop at ±10 km, as the smart camera's stream does (camera-streams.ts). */
const FLOOR_LIMIT_M = 1e4;

export interface CameraTrackerCounts {
  frames: number;
  /** Confirmed tracks seen, summed over frames (the people published plus those held back below). */
  confirmed: number;
  /** Held back because they are stationary and the camera does not publish stationary tracks. */
  stationaryHeld: number;
  /** Held back because the foot point maps to no point on the floor (at or beyond the horizon). */
  offFloor: number;
}

export class CameraTracker {
  readonly counts: CameraTrackerCounts = { frames: 0, confirmed: 0, stationaryHeld: 0, offFloor: 0 };
  private readonly tracker: BoxTracker;
  private readonly settings: TrackerSettings;
  private readonly homography: Matrix3 | undefined;
  /** Ids are `<session>-<n>`: never reused within a run, nor by a restarted gateway (a new session). */
  private readonly session: string;

  /**
   * `device` is the camera's entry of the validated config (its calibration was checked there). `now`
   * is the clock the session prefix of the ids is taken from.
   */
  constructor(
    private readonly device: Pick<DeviceConfig, 'id' | 'kind' | 'camera'>,
    now: () => number = Date.now,
  ) {
    this.settings = device.camera?.tracker ?? trackerSettings();
    this.tracker = new BoxTracker(this.settings);
    const points = device.camera?.calibration?.points;
    this.homography = points === undefined ? undefined : calibrate(points).matrix;
    this.session = Math.floor(now() / 1000).toString(36);
  }

  /** A frame the detector looked at (event time `ts`, ms): the event to put on the bus. */
  frame(ts: number, detections: readonly Detection[]): BusEvents['cameraTracks'] {
    return this.event(ts, this.tracker.update(ts, detections));
  }

  /** A frame motion gating let through without detection: everyone stays where they were. */
  still(ts: number): BusEvents['cameraTracks'] {
    return this.event(ts, this.tracker.hold(ts));
  }

  private event(ts: number, tracks: readonly TrackedBox[]): BusEvents['cameraTracks'] {
    const counts = this.counts;
    counts.frames++;
    counts.confirmed += tracks.length;
    const people: BusEvents['cameraTracks']['people'] = [];
    for (const track of tracks) {
      if (track.stationary && !this.settings.publish_stationary) {
        counts.stationaryHeld++;
        continue;
      }
      const [u, v] = footPoint(track.box);
      const [x, y] = this.homography === undefined ? [u, v] : applyHomography(this.homography, u, v);
      if (!(Math.abs(x) <= FLOOR_LIMIT_M && Math.abs(y) <= FLOOR_LIMIT_M)) {
        counts.offFloor++;
        continue;
      }
      people.push({ id: `${this.session}-${track.id}`, x, y });
    }
    return {
      deviceId: this.device.id,
      kind: this.device.kind,
      ts,
      space: this.homography === undefined ? 'image' : 'floor',
      frame: counts.frames,
      people,
    };
  }
}
