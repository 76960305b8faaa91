/**
 * Reconnect delays: exponential with full jitter above a floor (ARCHITECTURE §11). Attempt n waits a
 * uniformly random time in [min, min(max, min·2ⁿ)]. Full jitter rather than a fixed ladder because
 * hundreds of stores lose the same cloud broker at the same moment; spreading their reconnects over
 * the whole window keeps them from returning as one thundering herd ("Exponential Backoff And
 * Jitter", AWS Architecture Blog, 2015). mqtt.js's own fixed `reconnectPeriod` is switched off.
 */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly minMs: number,
    private readonly maxMs: number,
    private readonly random: () => number = Math.random,
  ) {
    if (!(minMs > 0) || !(maxMs >= minMs)) {
      throw new RangeError(`uplink.reconnect_min_ms (${minMs}) must be > 0 and <= uplink.reconnect_max_ms (${maxMs})`);
    }
  }

  /** The delay before the next attempt; each call widens the window until it reaches the maximum. */
  next(): number {
    // 2^30 already exceeds any allowed max; capping the exponent keeps the arithmetic finite.
    const ceiling = Math.min(this.maxMs, this.minMs * 2 ** Math.min(this.attempt, 30));
    this.attempt += 1;
    return Math.round(this.minMs + this.random() * (ceiling - this.minMs));
  }

  /** After a successful connection the next failure starts again from the floor. */
  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}
