import { describe, expect, it } from 'vitest';
import { Backoff } from '../../src/uplink/backoff.js';

describe('Backoff', () => {
  it('widens the jitter window exponentially from the floor up to the maximum', () => {
    const highest = new Backoff(100, 1000, () => 1);
    expect(Array.from({ length: 6 }, () => highest.next())).toEqual([100, 200, 400, 800, 1000, 1000]);
    const lowest = new Backoff(100, 1000, () => 0);
    expect(Array.from({ length: 6 }, () => lowest.next())).toEqual([100, 100, 100, 100, 100, 100]);
  });

  it('draws uniformly inside the window (full jitter), never outside it', () => {
    const backoff = new Backoff(1000, 60_000);
    for (let attempt = 0; attempt < 12; attempt += 1) {
      const ceiling = Math.min(60_000, 1000 * 2 ** attempt);
      const delay = backoff.next();
      expect(delay).toBeGreaterThanOrEqual(1000);
      expect(delay).toBeLessThanOrEqual(ceiling);
    }
    // Many gateways at the same attempt spread over the window rather than bunching at one value.
    const delays = Array.from({ length: 2000 }, () => {
      const b = new Backoff(1000, 60_000);
      for (let i = 0; i < 6; i += 1) b.next();
      return b.next();
    });
    const third = (d: number) => Math.min(2, Math.floor(((d - 1000) / 59_000) * 3));
    for (const part of [0, 1, 2]) expect(delays.filter((d) => third(d) === part).length).toBeGreaterThan(500);
  });

  it('starts again from the floor after reset, and refuses an inverted range naming the keys', () => {
    const backoff = new Backoff(100, 1000, () => 1);
    backoff.next();
    backoff.next();
    backoff.reset();
    expect(backoff.next()).toBe(100);
    expect(() => new Backoff(2000, 1000)).toThrow(
      'uplink.reconnect_min_ms (2000) must be > 0 and <= uplink.reconnect_max_ms (1000)',
    );
  });
});
