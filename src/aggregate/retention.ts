/**
 * Retention by level (ARCHITECTURE §6, config `storage`): bins finer than an hour are kept
 * `minute_retention_days`, hours and days `hour_retention_days`. The path-bin store and the declared
 * streams (streams/) share this, so both forget at the same instants and refuse the same late bins.
 */
import type { GatewayConfig } from '../config/schema.js';
import type { Level, RollUp } from './levels.js';

const DAY_MS = 86_400_000;

export class Retention {
  constructor(
    private readonly storage: Pick<GatewayConfig['storage'], 'minute_retention_days' | 'hour_retention_days'>,
  ) {}

  /** Bins of `level` that started before this instant are past retention. */
  cutoff(level: Level, now: number): number {
    const days = level.short ? this.storage.minute_retention_days : this.storage.hour_retention_days;
    return now - days * DAY_MS;
  }

  /**
   * True when the raw bin at `startMs` is past retention, or one of its roll-ups would be rebuilt from a
   * level whose bins in that period may already be deleted: writing it would shrink its coarse bins.
   */
  tooLate(raw: Level, startMs: number, rollUps: readonly RollUp[], now: number): boolean {
    if (startMs < this.cutoff(raw, now)) return true;
    return rollUps.some((r) => r.period.start < this.cutoff(r.source, now));
  }
}
