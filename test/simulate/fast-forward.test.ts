/**
 * Fast-forwarding the virtual store (issue 7, `start --demo --speed X`): the catch-up clock never puts
 * event time ahead of the wall clock when it starts in the past, and meets it exactly when H/(X−1) has
 * passed; smart cameras thin their frames only as far as the broker's per-device rate needs, and a speed
 * beyond that is refused with what to change.
 */
import { describe, expect, it } from 'vitest';
import { CatchUpClock } from '../../src/simulate/catch-up-clock.js';
import { cameraStride } from '../../src/simulate/fast-forward.js';
import { StoreSimulation, TICK_MS } from '../../src/simulate/index.js';
import { EPOCH, smallStore } from './stores.js';

const HOUR = 3_600_000;

describe('catch-up clock', () => {
  it('runs X times faster from a start in the past, meets the wall clock after H/(X−1), then runs at 1x', () => {
    const wall0 = EPOCH + 10 * HOUR;
    const clock = new CatchUpClock(wall0 - HOUR, 30, wall0);
    expect(clock.caughtUpAt).toBe(wall0 + HOUR / 29);
    expect(clock.eventAt(wall0)).toBe(wall0 - HOUR);
    expect(clock.eventAt(wall0 + 60_000)).toBe(wall0 - HOUR + 30 * 60_000);
    expect(clock.eventAt(clock.caughtUpAt)).toBeCloseTo(clock.caughtUpAt, 6);
    expect(clock.eventAt(wall0 + 2 * HOUR)).toBe(wall0 + 2 * HOUR);
    for (let wall = wall0; wall < wall0 + 2 * HOUR; wall += 7_919) {
      expect(clock.eventAt(wall)).toBeLessThanOrEqual(wall + 1e-6);
      expect(clock.wallAt(clock.eventAt(wall))).toBeCloseTo(wall, 6);
    }
    expect(clock.speedAt(wall0 - HOUR)).toBe(30);
    expect(clock.speedAt(wall0 + HOUR)).toBe(1);
    const progress = clock.progress(wall0 + 60_000);
    expect(progress.eventMs).toBe(wall0 - HOUR + 30 * 60_000);
    expect(progress.behindMs).toBe(HOUR - 29 * 60_000);
    expect(progress.etaMs).toBeCloseTo(HOUR / 29 - 60_000, 3);
    expect(clock.progress(wall0 + HOUR)).toEqual({ eventMs: wall0 + HOUR, behindMs: 0, etaMs: 0 });
  });

  it('starting now it is caught up at once; at 1x or slower from the past, or from the future, never', () => {
    expect(new CatchUpClock(EPOCH, 30, EPOCH).eventAt(EPOCH + 5000)).toBe(EPOCH + 5000);
    const slow = new CatchUpClock(EPOCH - HOUR, 1, EPOCH);
    expect(slow.caughtUpAt).toBe(Number.POSITIVE_INFINITY);
    expect(slow.progress(EPOCH + 1000)).toEqual({ eventMs: EPOCH - HOUR + 1000, behindMs: HOUR, etaMs: null });
    const ahead = new CatchUpClock(EPOCH + HOUR, 60, EPOCH);
    expect(ahead.eventAt(EPOCH + 1000)).toBe(EPOCH + HOUR + 60_000);
    expect(() => new CatchUpClock(EPOCH, 0, EPOCH)).toThrow('speed must be a positive number, got 0');
  });
});

describe('camera frames while fast-forwarding', () => {
  it('every tick while 5·X fits in 80 % of the limit, every 2nd beyond, refused past that with what to change', () => {
    expect(cameraStride(1, 100)).toBe(1);
    expect(cameraStride(16, 100)).toBe(1);
    expect(cameraStride(17, 100)).toBe(2);
    expect(cameraStride(32, 100)).toBe(2);
    expect(() => cameraStride(33, 100)).toThrow(
      'speed 33 is too fast for broker.limits.publish_rate_per_s 100: each smart camera would publish 82.5 ' +
        'frames/s even at one frame every 0.4 s of store time. Use a speed of at most 32, or raise ' +
        'broker.limits.publish_rate_per_s to at least 104 in the config',
    );
    expect(cameraStride(33, 104)).toBe(2);
  });

  it('the simulation sends frames on every stride-th tick, and nothing else changes', () => {
    const config = smallStore();
    const run = (cameraStride?: (atMs: number) => number) => [
      ...new StoreSimulation(config, { seed: 3, epochMs: EPOCH, durationS: 120, cameraStride }).messages(),
    ];
    const full = run();
    const halfUntil = EPOCH + 60_000;
    const thinned = run((atMs) => (atMs < halfUntil ? 2 : 1));
    const frames = (messages: typeof full) => messages.filter((m) => m.stream === 'tracks');
    const cameras = new Set(frames(full).map((m) => m.deviceId)).size;
    const expected = frames(full).filter((m) => m.at >= halfUntil || ((m.at - EPOCH) / TICK_MS) % 2 === 0);
    expect(frames(thinned).map((m) => [m.deviceId, m.at])).toEqual(expected.map((m) => [m.deviceId, m.at]));
    expect(frames(full).length - frames(thinned).length).toBe((cameras * 60_000) / TICK_MS / 2);
    // The people and the other devices are the same: thinning draws no random numbers of its own.
    const others = (messages: typeof full) => messages.filter((m) => m.stream !== 'tracks');
    expect(others(thinned)).toEqual(others(full));
  });
});
