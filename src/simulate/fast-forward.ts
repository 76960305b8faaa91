/**
 * What running the virtual store faster than real time asks of the gateway (issue 7, `--speed X`).
 *
 * Rate: each smart camera sends a frame per tick (5 Hz of store time), so at X× it publishes 5·X
 * messages per wall second, and the broker's per-device limit (`broker.limits.publish_rate_per_s`,
 * default 100) refuses the excess. Raising the limit would need the gateway to trust its own demo devices
 * more than real ones; instead the cameras send fewer frames while fast-forwarding: every 2nd tick when
 * needed (0.4 s apart), never sparser. At 0.4 s a person who drops out of view for one frame is back
 * within 0.8 s, under the default `exit_grace_s` (1 s), so visits, dwells and paths come out as at 5 Hz;
 * sparser frames would split such visits. Beyond that the speed is refused with what to change.
 *
 * History: a fast store starts in the past and catches up with the clock (catch-up-clock.ts); by default
 * one hour back, so the last hour's figures appear in 60/(X−1) minutes.
 */
import { TICK_MS } from './store-context.js';

/** Smart-camera frames per second of store time (one per tick). */
const FRAMES_PER_S = 1000 / TICK_MS;
/** A camera uses at most this share of its publish limit: the rest absorbs timer jitter and its status. */
const RATE_SHARE = 0.8;
/** At most every 2nd tick: see the file comment. */
const MAX_STRIDE = 2;

export const DEFAULT_HISTORY_S = 3600;
/** The demo replays at most a store day. */
export const MAX_HISTORY_S = 24 * 3600;

/**
 * Ticks between a smart camera's frames at `speed` under a per-device limit of `ratePerS` publishes per
 * second; throws, saying what to change, when even every 2nd tick is too many.
 */
export function cameraStride(speed: number, ratePerS: number): number {
  const budget = RATE_SHARE * ratePerS;
  const stride = Math.max(1, Math.ceil((FRAMES_PER_S * speed) / budget));
  if (stride <= MAX_STRIDE) return stride;
  const fastest = Math.floor((MAX_STRIDE * budget) / FRAMES_PER_S);
  const neededRate = Math.ceil((FRAMES_PER_S * speed) / (MAX_STRIDE * RATE_SHARE));
  throw new Error(
    `speed ${speed} is too fast for broker.limits.publish_rate_per_s ${ratePerS}: each smart camera would ` +
      `publish ${(FRAMES_PER_S * speed) / MAX_STRIDE} frames/s even at one frame every ` +
      `${(MAX_STRIDE * TICK_MS) / 1000} s of store time. Use a speed of at most ${fastest}, or raise ` +
      `broker.limits.publish_rate_per_s to at least ${neededRate} in the config`,
  );
}
