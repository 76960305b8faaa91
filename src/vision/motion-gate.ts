/**
 * Motion gating (issue 9 point 2, Frigate's approach: CPU is scarce on a Pi): before a frame goes to the
 * detector, a small greyscale copy of it is compared with the copy of the frame before. Where few pixels
 * changed the scene is still, and the detector is skipped — the tracker keeps its confirmed tracks where
 * they were. At least every `max_interval_s` a frame is detected anyway, so a person who walks in slowly
 * or stands still is still found, and a track that really ended still ends.
 *
 * The copy is 96×64 grey: sharp decodes the JPEG at 1/8 scale (libjpeg's DCT scaling, no full decode)
 * and averages down, which also smooths sensor noise; a difference over 6,144 pixels costs microseconds.
 */
import sharp from 'sharp';

export const MOTION_WIDTH = 96;
export const MOTION_HEIGHT = 64;

export interface MotionSettings {
  enabled: boolean;
  /** Grey-level change at which a pixel counts as changed. */
  threshold: number;
  /** Share of pixels that must change for motion. */
  min_area: number;
  max_interval_s: number;
}

export type GateVerdict =
  /** Run the detector: the first frame, motion, the interval is up, or gating is off. */
  | { detect: true; why: 'first' | 'motion' | 'due' | 'always'; changed: number }
  /** Skip the detector: nothing moved. */
  | { detect: false; why: 'still'; changed: number };

/** The small grey copy of a JPEG the gate compares. */
export async function motionThumbnail(jpeg: Buffer): Promise<Buffer> {
  return sharp(jpeg).resize(MOTION_WIDTH, MOTION_HEIGHT, { fit: 'fill' }).greyscale().raw().toBuffer();
}

/** Share of pixels whose grey level differs by at least `threshold` between two thumbnails. */
export function changedShare(a: Buffer, b: Buffer, threshold: number): number {
  let changed = 0;
  for (let i = 0; i < a.length; i++) if (Math.abs((a[i] as number) - (b[i] as number)) >= threshold) changed++;
  return changed / a.length;
}

export class MotionGate {
  private previous: Buffer | undefined;
  private lastDetectedTs = Number.NEGATIVE_INFINITY;

  constructor(private readonly settings: MotionSettings) {}

  /** Decides for a frame at event time `ts`; frames are expected in time order. */
  async check(jpeg: Buffer, ts: number): Promise<GateVerdict> {
    if (!this.settings.enabled) return this.detected(ts, 'always', 1);
    const thumbnail = await motionThumbnail(jpeg);
    const previous = this.previous;
    this.previous = thumbnail;
    if (previous === undefined) return this.detected(ts, 'first', 1);
    const changed = changedShare(previous, thumbnail, this.settings.threshold);
    if (changed >= this.settings.min_area && changed > 0) return this.detected(ts, 'motion', changed);
    if (ts - this.lastDetectedTs >= this.settings.max_interval_s * 1000) return this.detected(ts, 'due', changed);
    return { detect: false, why: 'still', changed };
  }

  private detected(ts: number, why: 'first' | 'motion' | 'due' | 'always', changed: number): GateVerdict {
    this.lastDetectedTs = ts;
    return { detect: true, why, changed };
  }
}
