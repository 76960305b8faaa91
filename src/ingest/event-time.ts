/**
 * Event-time checks (ARCHITECTURE §2). Analysis runs on the timestamp in the reading, so a reading must
 * not come from the future (beyond `max_future_s` of clock skew), must not be older than the back-fill
 * window (`max_past_s` behind the gateway clock: the watermark below only compares a device with its own
 * newest reading, so without this a device's first reading could be dated 2001 and revise bins long
 * final — issue 8), and must not be older than the watermark: `watermark_s` behind the newest event
 * time seen from the same device. A late reading is refused and dead-lettered rather than merged into
 * bins that may already be closed.
 *
 * Only timestamps from the device's own clock take part. A message without `ts` (a last will, a JPEG
 * frame) is stamped with arrival time by its profile; letting the gateway's clock advance a device's
 * watermark would make every reading of a device whose clock runs a little behind look late.
 */
export type TimeRefusal = { reason: 'too_new' | 'too_old' | 'late'; detail: string } | undefined;

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3).replace(/\.?0+$/, '');
}

export class Watermarks {
  private readonly newest = new Map<string, number>();
  private readonly watermarkMs: number;
  private readonly maxFutureMs: number;
  private maxPastMs: number;

  constructor(options: { watermarkS: number; maxFutureS: number; maxPastS: number }) {
    this.watermarkMs = options.watermarkS * 1000;
    this.maxFutureMs = options.maxFutureS * 1000;
    this.maxPastMs = options.maxPastS * 1000;
  }

  /**
   * Widens the back-fill window to at least `seconds`: the gateway's own demo store fast-forwards from
   * up to 24 h in the past (`start --demo --hours`), and its readings are history by design.
   */
  allowPast(seconds: number): void {
    this.maxPastMs = Math.max(this.maxPastMs, seconds * 1000);
  }

  /** Whether a reading from `deviceId` taken at `ts` is on time; changes nothing. */
  check(deviceId: string, ts: number, now: number): TimeRefusal {
    if (ts > now + this.maxFutureMs) {
      return {
        reason: 'too_new',
        detail: `ts ${ts} is ${seconds(ts - now)} s ahead of the gateway clock (max_future_s ${seconds(this.maxFutureMs)})`,
      };
    }
    if (now - ts > this.maxPastMs) {
      return {
        reason: 'too_old',
        detail: `ts ${ts} is ${seconds(now - ts)} s behind the gateway clock (max_past_s ${seconds(this.maxPastMs)})`,
      };
    }
    const newest = this.newest.get(deviceId);
    if (newest !== undefined && newest - ts > this.watermarkMs) {
      return {
        reason: 'late',
        detail: `ts ${ts} is ${seconds(newest - ts)} s behind the newest reading of this device (watermark_s ${seconds(this.watermarkMs)})`,
      };
    }
    return undefined;
  }

  /** Records an accepted reading's event time. */
  advance(deviceId: string, ts: number): void {
    const newest = this.newest.get(deviceId);
    if (newest === undefined || ts > newest) this.newest.set(deviceId, ts);
  }

  /** Newest event time seen from the device, epoch ms. */
  newestOf(deviceId: string): number | undefined {
    return this.newest.get(deviceId);
  }

  forget(deviceId: string): void {
    this.newest.delete(deviceId);
  }

  clear(): void {
    this.newest.clear();
  }
}
