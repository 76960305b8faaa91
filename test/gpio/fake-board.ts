/**
 * Shared by the gpio tests: a clock the test holds, and `play`, which puts a script of wire levels on the
 * fake backend's pins at given times and then lets every pending debounce check come due — the way real
 * edges arrive, one by one, without sleeping.
 */
import type { Level } from '../../src/gpio/backend.js';
import type { FakeGpioBackend } from '../../src/gpio/fake-backend.js';

export class TestClock {
  constructor(public ms = Date.UTC(2026, 11, 3, 10)) {}
  readonly now = (): number => this.ms;
}

/** One edge of a script: at `at` ms after the script starts, `pin` goes to `level` (on the wire). */
export type Step = readonly [at: number, pin: number, level: Level];

/** Plays `steps` (in time order) from the clock's current time, then runs what is due `settleMs` later. */
export function play(fake: FakeGpioBackend, clock: TestClock, steps: readonly Step[], settleMs = 1000): void {
  const start = clock.ms;
  for (const [at, pin, level] of steps) {
    clock.ms = start + at;
    fake.drive(pin, level);
  }
  clock.ms = (steps.length === 0 ? start : start + (steps.at(-1)?.[0] ?? 0)) + settleMs;
  fake.runDue();
}

/**
 * One person through a door with beams `outer` and `inner` on an active-high wiring: each beam broken
 * for `bodyMs` (a 25 cm body at 1.2 m/s), the second beam `lagMs` after the first (5 cm apart), from `at`.
 */
export function walk(direction: 'in' | 'out', pins: { outer: number; inner: number }, at = 0): Step[] {
  const bodyMs = 210;
  const lagMs = 40;
  const [first, second] = direction === 'in' ? [pins.outer, pins.inner] : [pins.inner, pins.outer];
  return [
    [at, first, 1],
    [at + lagMs, second, 1],
    [at + bodyMs, first, 0],
    [at + lagMs + bodyMs, second, 0],
  ];
}
