/**
 * Bounded refusal traces (issue 8 point 6). Every refusal of a known device leaves the error reply and
 * the dead-letter row of ARCHITECTURE §4 — but a flood of them must not: a 3-second flood of 60,000
 * over-rate messages from one device once wrote 59,474 dead-letter rows (about 5 s of flood would evict
 * every older row from the 100,000-row table) and 11 MB of error replies. So repeats are compressed,
 * per device and reason:
 *
 * - a refusal with no open window for its (device, reason) is traced at once, `repeats: 1`, and opens a
 *   window of `ingest.refusal_trace_interval_s`;
 * - further refusals in the window are only counted; when it ends, ONE trace stands for them all —
 *   the first of them (topic, detail, payload sample, time) with `repeats: n` — and a new window opens;
 * - a window that ends with nothing in it closes, so the next refusal is traced at once again.
 *
 * So a device gets at most one row and one reply per reason per interval, the sum of `repeats` over the
 * rows equals the refusals (until rows are evicted), and `omo_ingest_refused_total` (counted by the
 * caller for every refusal) stays exact. stop() writes the windows still open.
 */
import type { Refusal } from './profile.js';

/** Writes one trace standing for `repeats` refusals like `refusal` (the error reply and the dead letter). */
export type TraceWriter = (refusal: Refusal, repeats: number) => void;

interface Window {
  /** The first refusal counted in this window, its payload copied (the broker reuses the buffer). */
  first: Refusal | undefined;
  repeats: number;
  timer: NodeJS.Timeout;
}

export class RefusalTraces {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly intervalMs: number,
    private readonly write: TraceWriter,
  ) {}

  /** Traces a refusal of a known device now, or counts it into its open window. */
  note(refusal: Refusal): void {
    const key = `${refusal.deviceId}\u0000${refusal.reason}`;
    const window = this.windows.get(key);
    if (window === undefined) {
      this.write(refusal, 1);
      this.windows.set(key, { first: undefined, repeats: 0, timer: this.arm(key) });
      return;
    }
    if (window.repeats === 0) {
      const payload = refusal.payload === undefined ? undefined : Buffer.from(refusal.payload);
      window.first = payload === undefined ? refusal : { ...refusal, payload };
    }
    window.repeats++;
  }

  /** Windows open now (one per device and reason refused within the last interval). */
  get open(): number {
    return this.windows.size;
  }

  /** Writes what the open windows hold and closes them. */
  stop(): void {
    for (const window of this.windows.values()) {
      clearTimeout(window.timer);
      if (window.first !== undefined) this.write(window.first, window.repeats);
    }
    this.windows.clear();
  }

  private arm(key: string): NodeJS.Timeout {
    return setTimeout(() => this.end(key), this.intervalMs).unref();
  }

  private end(key: string): void {
    const window = this.windows.get(key);
    if (window === undefined) return;
    if (window.first === undefined) {
      this.windows.delete(key);
      return;
    }
    const { first, repeats } = window;
    window.first = undefined;
    window.repeats = 0;
    window.timer = this.arm(key);
    this.write(first, repeats);
  }
}
