/**
 * The tracker over a whole MOTChallenge sequence (what `omo-edge track` and the tests run): frame n is
 * at (n − 1) / fps seconds, every frame — with detections or without — goes through the tracker in
 * order, and each frame's confirmed tracks become MOTChallenge rows.
 */

import type { Detection } from '../tracker/box.js';
import { BoxTracker } from '../tracker/box-tracker.js';
import type { TrackerSettings } from '../tracker/settings.js';
import type { MotRow } from './mot-file.js';

/** Frames are 1-based: frames[0] holds frame 1's detections. `onFrame` sees each frame number after it ran. */
export function trackSequence(
  frames: readonly (readonly Detection[])[],
  fps: number,
  settings: TrackerSettings,
  onFrame?: (frame: number) => void,
): MotRow[] {
  const tracker = new BoxTracker(settings);
  const rows: MotRow[] = [];
  frames.forEach((detections, i) => {
    const frame = i + 1;
    for (const track of tracker.update((i * 1000) / fps, detections)) {
      rows.push({ frame, id: track.id, box: track.box, conf: 1 });
    }
    onFrame?.(frame);
  });
  return rows;
}
