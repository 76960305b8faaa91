/**
 * Contact-bounce filter for one input: a new level counts once it has held for `debounceMs` with no edge
 * back, and is reported with the time of the edge that started it (so the order of two beams' breaks is
 * the order they really broke in). A flicker shorter than the debounce time — a bounce, or a spike of
 * noise — reports nothing. The check runs on the backend's timers, so the fake backend drives it without
 * sleeping (backend.ts).
 */
import type { Cancel, GpioBackend, Level } from './backend.js';

export type LevelListener = (level: Level, ts: number) => void;

export class Debouncer {
  private stable: Level = 0;
  /** Cancels the check of a level not yet held for the debounce time. */
  private pending: Cancel | undefined;

  constructor(
    private readonly backend: GpioBackend,
    private readonly debounceMs: number,
    private readonly onChange: LevelListener,
  ) {}

  /** The last level that held for the debounce time. */
  get level(): Level {
    return this.stable;
  }

  /** Starts from the pin's current level, so an input already active at start-up is not an edge. */
  reset(level: Level): void {
    this.pending?.();
    this.pending = undefined;
    this.stable = level;
  }

  edge(level: Level, ts: number): void {
    this.pending?.();
    this.pending = undefined;
    // Back to the level already reported: what went before was a flicker.
    if (level === this.stable) return;
    if (this.debounceMs === 0) {
      this.accept(level, ts);
      return;
    }
    this.pending = this.backend.schedule(this.debounceMs, () => {
      this.pending = undefined;
      this.accept(level, ts);
    });
  }

  private accept(level: Level, ts: number): void {
    this.stable = level;
    this.onChange(level, ts);
  }
}
