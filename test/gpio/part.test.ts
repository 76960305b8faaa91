/**
 * E2E: the gpio part in the whole gateway (real broker, HTTP, SQLite) on the fake backend the test drives:
 * door crossings on the bus, in /metrics and /healthz; button presses on the bus; the status LED following
 * the health verdict and the uplink; every pin released on stop; an unavailable pin failing start-up by
 * name; `onoff` and `auto` on this machine, which has no /sys/class/gpio.
 */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { gatewayParts } from '../../src/gateway.js';
import { FakeGpioBackend } from '../../src/gpio/fake-backend.js';
import { gpioPart, gpioPartWith } from '../../src/gpio/part.js';
import type { PartFactory, PartHealth } from '../../src/part.js';
import { type GatewayUnderTest, MINIMAL_YAML, metricValue, startGateway, waitFor } from '../helpers/gateway.js';
import { play, TestClock, walk } from './fake-board.js';

const PINS = { outer: 17, inner: 27 };
const BUTTON = 22;
const LED = 23;
const CHECK_MS = 100;

const gpioYaml = (backend = 'fake') => `${MINIMAL_YAML}floor:
  lines:
    - { id: entrance, from: [0, 0], to: [2, 0], entrance: true }
gpio:
  backend: ${backend}
  debounce_ms: 20
  doors:
    - { id: front, line: entrance, outer_pin: 17, inner_pin: 27, active_low: false }
  buttons:
    - { id: reset_alerts, pin: 22, active_low: false }
  led: { pin: 23, check_interval_ms: ${CHECK_MS} }
`;

let running: GatewayUnderTest | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

/** The gateway's own parts with the gpio part on `fake`, and a part whose health the test sets. */
function partsOn(fake: FakeGpioBackend, health?: { current: PartHealth }): PartFactory[] {
  const parts = gatewayParts.map((part) =>
    part === gpioPart ? gpioPartWith(() => ({ backend: fake, why: 'test', fallback: false })) : part,
  );
  if (health !== undefined) parts.push(() => ({ name: 'probe', start() {}, stop() {}, health: () => health.current }));
  return parts;
}

async function healthz(gw: GatewayUnderTest): Promise<Record<string, Record<string, unknown>>> {
  return (await gw.http('/healthz')).json() as Promise<Record<string, Record<string, unknown>>>;
}

describe('gpio part', () => {
  it('E2E: publishes door crossings and button presses on the bus, counts them in /metrics and /healthz', async () => {
    const clock = new TestClock();
    const fake = new FakeGpioBackend(clock);
    running = await startGateway({ yaml: gpioYaml(), parts: partsOn(fake) });
    const crossings = running.record('doorCrossing');
    const presses = running.record('gpioButton');
    const start = clock.ms;

    play(fake, clock, [...walk('in', PINS), ...walk('in', PINS, 300), ...walk('out', PINS, 2000)]);
    play(fake, clock, [
      [0, PINS.outer, 1],
      [300, PINS.outer, 0],
      [600, BUTTON, 1],
      [800, BUTTON, 0],
    ]);

    const crossing = { deviceId: 'front', kind: 'door', door: 'front', line: 'entrance' };
    expect(crossings).toEqual([
      { ...crossing, direction: 'in', ts: start + 250 },
      { ...crossing, direction: 'in', ts: start + 550 },
      { ...crossing, direction: 'out', ts: start + 2250 },
    ]);
    expect(presses).toEqual([{ deviceId: 'reset_alerts', kind: 'button', button: 'reset_alerts', ts: start + 3850 }]);

    const samples = await running.scrape();
    expect(metricValue(samples, 'omo_door_crossings_total', { door: 'front', direction: 'in' })).toBe(2);
    expect(metricValue(samples, 'omo_door_crossings_total', { door: 'front', direction: 'out' })).toBe(1);
    expect(metricValue(samples, 'omo_door_half_crossings_total', { door: 'front', outcome: 'turned_back' })).toBe(1);
    expect(metricValue(samples, 'omo_gpio_button_presses_total', { button: 'reset_alerts' })).toBe(1);
    expect((await healthz(running)).gpio).toEqual({
      status: 'ok',
      backend: 'fake',
      pins: [17, 27, 22, 23],
      // The clock moved past a check interval while the script played: the LED may have had its verdict.
      led: expect.stringMatching(/^(starting|healthy)$/),
      doors: { front: { in: 2, out: 1, turned_back: 1, abandoned: 0, outer_broken: false, inner_broken: false } },
      buttons: { reset_alerts: 1 },
    });
  });

  it('E2E: the status LED follows the health verdict, and the pins are released on stop', async () => {
    const clock = new TestClock();
    const fake = new FakeGpioBackend(clock);
    const health = { current: { status: 'ok' } as PartHealth };
    running = await startGateway({ yaml: gpioYaml(), parts: partsOn(fake, health) });
    expect(fake.writes(LED).map((w) => w.level)).toEqual([1]);
    expect(fake.writes(LED)[0]?.ts).toBe(clock.ms);

    // Each poll moves the fake's clock one check interval on; the verdict arrives asynchronously.
    const ledBecomes = (state: string) =>
      waitFor(
        async () => {
          clock.ms += CHECK_MS;
          fake.runDue();
          return (await healthz(running as GatewayUnderTest)).gpio?.led === state;
        },
        10_000,
        `the LED showing ${state}`,
      );
    await ledBecomes('healthy');
    health.current = { status: 'degraded', reason: 'camera away' };
    await ledBecomes('degraded');
    health.current = { status: 'down' };
    await ledBecomes('error');
    // The "error" pattern: 100 ms on, 100 ms off, from the moment it was shown.
    const shown = fake.writes(LED).length - 1;
    clock.ms += 400;
    fake.runDue();
    const errorWrites = fake.writes(LED).slice(shown);
    const first = errorWrites[0]?.ts ?? 0;
    expect(errorWrites.map((w) => [w.ts - first, w.level])).toEqual([
      [0, 1],
      [100, 0],
      [200, 1],
      [300, 0],
      [400, 1],
    ]);
    health.current = { status: 'ok' };
    await ledBecomes('healthy');

    await running.stop();
    running = undefined;
    expect(fake.claimed()).toEqual([]);
    expect(fake.writes(LED).at(-1)?.level).toBe(0);
    expect(() => fake.drive(PINS.outer, 1)).toThrow('fake GPIO: pin 17 is not a claimed input');
  });

  it('E2E: shows "uplink down" while a configured cloud broker is out of reach', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const clock = new TestClock();
    const fake = new FakeGpioBackend(clock);
    const yaml = `${gpioYaml()}uplink: { url: 'mqtt://127.0.0.1:${port}', reconnect_min_ms: 100, reconnect_max_ms: 200 }\n`;
    running = await startGateway({ yaml, parts: partsOn(fake) });
    await waitFor(async () => {
      clock.ms += CHECK_MS;
      fake.runDue();
      return (await healthz(running as GatewayUnderTest)).gpio?.led === 'uplink_down';
    });
  });

  it('fails start-up naming a pin that cannot be claimed, and releases the pins claimed before it', async () => {
    const fake = new FakeGpioBackend(new TestClock(), { unavailable: [27] });
    await expect(startGateway({ yaml: gpioYaml(), parts: partsOn(fake) })).rejects.toThrow(
      'GPIO pin 27 (gpio.doors[0].inner_pin) is unavailable: EBUSY (held elsewhere)',
    );
    expect(fake.claimed()).toEqual([]);
  });

  it('with backend onoff on a machine without /sys/class/gpio, fails start-up naming the first pin', async () => {
    await expect(startGateway({ yaml: gpioYaml('onoff') })).rejects.toThrow(
      /^GPIO pin 17 \(gpio\.doors\[0\]\.outer_pin\) is unavailable: E[A-Z]+ /,
    );
  });

  it('with backend auto on a machine without /sys/class/gpio, runs on the fake backend and says so', async () => {
    running = await startGateway({ yaml: gpioYaml('auto') });
    expect((await healthz(running)).gpio).toMatchObject({
      status: 'degraded',
      backend: 'fake',
      reason: expect.stringContaining('Gpio.accessible is false'),
      pins: [17, 27, 22, 23],
    });
  });

  it('does not start without a gpio section', async () => {
    running = await startGateway({ yaml: MINIMAL_YAML });
    expect((await healthz(running)).gpio).toBeUndefined();
  });
});
