/**
 * The `gpio` config section: defaults, and the exact report line (`<file>:<line>:<col> <path> = <value>:
 * <reason>`) for a bad value and for each cross-field rule (src/config/checks-gpio.ts).
 */
import { describe, expect, it } from 'vitest';
import { load, MINIMAL, refusal } from '../config/helpers.js';

const LINES = 'floor:\n  lines:\n    - { id: entrance, from: [0, 0], to: [2, 0] }\n';

describe('gpio config', () => {
  it('is absent unless given, and fills defaults when given', async () => {
    expect((await load(MINIMAL)).config.gpio).toBeUndefined();
    const { config } = await load(
      `${MINIMAL}gpio:\n  doors: [{ id: front, outer_pin: 17, inner_pin: 27 }]\n  led: { pin: 23 }\n`,
    );
    expect(config.gpio).toEqual({
      backend: 'auto',
      debounce_ms: 10,
      doors: [{ id: 'front', outer_pin: 17, inner_pin: 27, active_low: true, max_crossing_ms: 10_000 }],
      buttons: [],
      led: { pin: 23, active_low: false, check_interval_ms: 2000 },
    });
  });

  it('refuses an unknown backend and a pin out of range, naming key and value', async () => {
    const { file, lines } = await refusal(
      `${MINIMAL}gpio:\n  backend: wiringpi\n  doors: [{ id: front, outer_pin: -1, inner_pin: 27 }]\n`,
    );
    expect(lines).toEqual([
      `${file}:4:12 gpio.backend = "wiringpi": must be one of: auto, onoff, fake`,
      `${file}:5:35 gpio.doors[0].outer_pin = -1: must be at least 0`,
    ]);
  });

  it('refuses a pin used twice, naming both keys', async () => {
    const { file, lines } = await refusal(
      `${MINIMAL}gpio:\n  doors: [{ id: front, outer_pin: 17, inner_pin: 27 }]\n  led: { pin: 27 }\n`,
    );
    expect(lines).toEqual([`${file}:5:15 gpio.led.pin = 27: pin 27 is already used by gpio.doors[0].inner_pin`]);
  });

  it('refuses a door id used twice and a door line not in floor.lines', async () => {
    const { file, lines } = await refusal(
      `${MINIMAL}${LINES}gpio:\n  doors:\n    - { id: front, line: entrance, outer_pin: 17, inner_pin: 27 }\n    - { id: front, line: back, outer_pin: 5, inner_pin: 6 }\n`,
    );
    expect(lines).toEqual([
      `${file}:9:13 gpio.doors[1].id = "front": door id "front" is already used by gpio.doors[0]`,
      `${file}:9:26 gpio.doors[1].line = "back": line "back" is not in floor.lines`,
    ]);
  });
});
