/**
 * The status LED's patterns on the fake backend, step by step with their exact times, and the state the
 * gateway's health verdict and the uplink select (src/gpio/led.ts).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { FakeGpioBackend } from '../../src/gpio/fake-backend.js';
import { LED_PATTERNS, ledState, StatusLed } from '../../src/gpio/led.js';
import type { HealthReport } from '../../src/http/types.js';
import { TestClock } from './fake-board.js';

const LED = 23;
let clock: TestClock;
let fake: FakeGpioBackend;
let led: StatusLed;

/** The writes from the `skip`th on, as [ms after from, level]. */
const writesSince = (from: number, skip = 0) =>
  fake
    .writes(LED)
    .slice(skip)
    .filter((w) => w.ts >= from)
    .map((w) => [w.ts - from, w.level]);

beforeEach(() => {
  clock = new TestClock();
  fake = new FakeGpioBackend(clock);
  led = new StatusLed(fake, fake.output(LED, { purpose: 'gpio.led.pin', activeLow: false }));
});

describe('status LED patterns', () => {
  it('blinks "starting" at 1 Hz, every step at its time even when the clock jumps', () => {
    const start = clock.ms;
    led.show('starting');
    clock.ms = start + 2000;
    fake.runDue();
    expect(writesSince(start)).toEqual([
      [0, 1],
      [500, 0],
      [1000, 1],
      [1500, 0],
      [2000, 1],
    ]);
  });

  it('holds "healthy" steady on, and switches pattern from its first step', () => {
    led.show('error');
    clock.ms += 250;
    fake.runDue();
    const switched = clock.ms;
    led.show('healthy');
    clock.ms += 10_000;
    fake.runDue();
    expect(writesSince(switched)).toEqual([[0, 1]]);
    // Showing the same state again restarts nothing.
    led.show('healthy');
    expect(writesSince(switched)).toEqual([[0, 1]]);
  });

  it('flashes twice every 2 s for "uplink down" and once for "degraded"', () => {
    const start = clock.ms;
    led.show('uplink_down');
    clock.ms = start + 2000;
    fake.runDue();
    expect(writesSince(start)).toEqual([
      [0, 1],
      [150, 0],
      [300, 1],
      [450, 0],
      [2000, 1],
    ]);
    const degraded = clock.ms;
    const earlier = fake.writes(LED).length;
    led.show('degraded');
    clock.ms = degraded + 2000;
    fake.runDue();
    expect(writesSince(degraded, earlier)).toEqual([
      [0, 1],
      [100, 0],
      [2000, 1],
    ]);
  });

  it('drives an active-low LED low to light it', () => {
    const lowFake = new FakeGpioBackend(clock);
    const lowLed = new StatusLed(lowFake, lowFake.output(LED, { purpose: 'gpio.led.pin', activeLow: true }));
    lowLed.show('healthy');
    expect(lowFake.writes(LED).map((w) => w.level)).toEqual([1]);
    lowLed.off();
    expect(lowFake.writes(LED).map((w) => w.level)).toEqual([1, 0]);
  });

  it('goes dark on off() with no step left pending', () => {
    led.show('starting');
    led.off();
    const off = clock.ms;
    clock.ms += 5000;
    fake.runDue();
    expect(writesSince(off)).toEqual([
      [0, 1],
      [0, 0],
    ]);
  });

  it('has a distinct pattern per state', () => {
    const shapes = Object.values(LED_PATTERNS).map((steps) => steps.join(','));
    expect(new Set(shapes).size).toBe(Object.keys(LED_PATTERNS).length);
  });
});

describe('LED state from the health verdict', () => {
  const report = (status: HealthReport['status']): HealthReport => ({ status, parts: {} });
  const connected = { url: 'mqtts://cloud.example:8883', connected: true };
  const away = { url: 'mqtts://cloud.example:8883', connected: false };

  it('maps ok, degraded and down; an uplink that is away before degraded; no uplink configured is no cause', () => {
    expect(ledState(report('ok'), connected)).toBe('healthy');
    expect(ledState(report('ok'), undefined)).toBe('healthy');
    expect(ledState(report('degraded'), connected)).toBe('degraded');
    expect(ledState(report('degraded'), away)).toBe('uplink_down');
    expect(ledState(report('ok'), { url: null, connected: false })).toBe('healthy');
    expect(ledState(report('down'), away)).toBe('error');
  });
});
