/**
 * The virtual store's clock (issue 7, `start --demo --speed X`). Event time starts at `startMs` and runs
 * `speed` times faster than the wall clock until it has caught up with it, then at 1×. Started in the
 * past, the store shows hours of figures in minutes, and yet no reading is ever stamped ahead of the
 * gateway clock (the ingest refuses those as too_new, ARCHITECTURE §2) — so nothing downstream (per-device
 * watermarks, bins, HQ "today", the uplink) needs to know the store was fast-forwarded.
 *
 * A start at or after the wall clock never catches up: event time just runs at `speed` from there (the
 * runner's tests use a fixed epoch against a bare broker, where no clock is checked).
 */
export interface CatchUpProgress {
  /** Event time reached, epoch ms. */
  eventMs: number;
  /** How far event time is behind the wall clock, ms (0 once caught up). */
  behindMs: number;
  /** Wall time left until it has caught up, ms; 0 once caught up, null when it never will. */
  etaMs: number | null;
}

export class CatchUpClock {
  /** The wall time (= event time) at which the clock has caught up, epoch ms; Infinity if never. */
  readonly caughtUpAt: number;

  constructor(
    readonly startMs: number,
    readonly speed: number,
    readonly wallStartMs: number,
  ) {
    if (!(speed > 0)) throw new Error(`speed must be a positive number, got ${speed}`);
    const behind = wallStartMs - startMs;
    if (behind === 0) this.caughtUpAt = wallStartMs;
    else if (behind > 0 && speed > 1) this.caughtUpAt = wallStartMs + behind / (speed - 1);
    else this.caughtUpAt = Number.POSITIVE_INFINITY;
  }

  /** Event time at wall time `wallMs`. */
  eventAt(wallMs: number): number {
    if (wallMs >= this.caughtUpAt) return wallMs;
    return this.startMs + (wallMs - this.wallStartMs) * this.speed;
  }

  /** Wall time at which event time reaches `eventMs` (the inverse of eventAt). */
  wallAt(eventMs: number): number {
    if (eventMs >= this.caughtUpAt) return eventMs;
    return this.wallStartMs + (eventMs - this.startMs) / this.speed;
  }

  /** Event-time seconds per wall second at event time `eventMs`. */
  speedAt(eventMs: number): number {
    return eventMs >= this.caughtUpAt ? 1 : this.speed;
  }

  progress(wallMs: number): CatchUpProgress {
    const eventMs = this.eventAt(wallMs);
    if (!Number.isFinite(this.caughtUpAt)) return { eventMs, behindMs: Math.max(0, wallMs - eventMs), etaMs: null };
    return { eventMs, behindMs: wallMs - eventMs, etaMs: Math.max(0, this.caughtUpAt - wallMs) };
  }
}
