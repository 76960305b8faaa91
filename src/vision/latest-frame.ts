/**
 * Latest frame wins (issue 9 point 2): a camera has one slot for the frame waiting for its turn. A frame
 * that arrives while one is waiting replaces it — the older one is dropped, and the caller counts it — so
 * memory holds at most one waiting frame per camera however fast frames come, and the detector always
 * works on the newest picture (Frigate, too, keeps only the most recent frame per camera: a stale frame
 * tracks people where they no longer are).
 */
export class LatestFrameSlot<T> {
  private waiting: T | undefined;

  /** Puts `frame` in the slot; returns the frame it replaced (now dropped), if any. */
  put(frame: T): T | undefined {
    const replaced = this.waiting;
    this.waiting = frame;
    return replaced;
  }

  /** Takes the waiting frame out, leaving the slot empty. */
  take(): T | undefined {
    const frame = this.waiting;
    this.waiting = undefined;
    return frame;
  }
}
