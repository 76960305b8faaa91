/**
 * The gateway's wall clock, one for every part (retention, event-time limits, "today" in HQ queries,
 * outbox ages). Parts read time through it instead of `Date.now()` so a test can hold or move time for
 * the whole gateway at once.
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
