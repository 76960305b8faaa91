/**
 * Camera frames held until the watermark passes them, then released in event-time order (ARCHITECTURE
 * §2: analysis runs on event time, never arrival time). Cameras publish independently, so frames from
 * two cameras arrive interleaved by network timing; sorting them by (ts, camera, arrival) before the
 * stitcher sees them makes the journeys of a live day and of its replay the same. A frame older than
 * the watermark already released is late: refused and counted by the caller, never merged.
 */
import type { FramePerson } from './journey-stitcher.js';

export interface Frame {
  camera: string;
  /** Event time, epoch ms. */
  ts: number;
  people: readonly FramePerson[];
}

export class FrameQueue {
  private readonly frames: Frame[] = [];
  /** The highest watermark released up to (epoch ms); a frame older than this is late. */
  private released = Number.NEGATIVE_INFINITY;

  get size(): number {
    return this.frames.length;
  }

  /**
   * Adds a frame; false when it is late: older than a watermark already released, so the engines may
   * have closed bins it would fall in.
   */
  push(frame: Frame): boolean {
    if (frame.ts < this.released) return false;
    const frames = this.frames;
    // Frames come nearly in order: walk back from the end to the insertion point (stable for equal keys).
    let i = frames.length;
    while (i > 0 && before(frame, frames[i - 1] as Frame)) i--;
    frames.splice(i, 0, frame);
    return true;
  }

  /** Removes and returns, in order, every frame with ts ≤ watermark (epoch ms). */
  release(watermark: number): Frame[] {
    if (watermark > this.released) this.released = watermark;
    let n = 0;
    while (n < this.frames.length && (this.frames[n] as Frame).ts <= watermark) n++;
    return n === 0 ? [] : this.frames.splice(0, n);
  }
}

function before(a: Frame, b: Frame): boolean {
  return a.ts < b.ts || (a.ts === b.ts && a.camera < b.camera);
}
