/**
 * Config schema: the GPIO header of the gateway's own board (ARCHITECTURE §2 gpio): door beam-break pairs,
 * push buttons and the status LED, through `onoff` or the fake backend (src/gpio/README.md). The whole
 * section is optional: without it the gpio part does not start and no pin is touched.
 */
import { Type as T } from '@sinclair/typebox';
import { Id, Strict } from './schema-parts.js';

// Linux GPIO numbers (sysfs), not header pin numbers. A Pi 4 uses 0-57; a Pi 5's kernel numbers its
// header from 571 up, so the bound leaves room for boards with several GPIO chips.
const Pin = (description: string) =>
  T.Integer({ description: `${description} (Linux GPIO number)`, minimum: 0, maximum: 4095 });

// Break-beam receivers and buttons are usually wired open-collector to ground with a pull-up: the pin
// reads low when the beam is broken or the button pressed. Hence inputs default to active low.
const InputActiveLow = T.Boolean({
  description: 'The input is active (beam broken, button pressed) when the pin reads low.',
  default: true,
});

export const DoorSchema = T.Object(
  {
    id: Id('Door (entrance) id; names the door in bus events, metrics and /healthz.'),
    line: T.Optional(
      Id('The floor counting line (floor.lines) this door counts, so footfall can put both sources side by side.'),
    ),
    outer_pin: Pin('Beam on the street side: broken first by someone walking in'),
    inner_pin: Pin('Beam on the shop side: broken first by someone walking out'),
    active_low: InputActiveLow,
    max_crossing_ms: T.Integer({
      description:
        'A crossing from the first beam broken to both clear that takes longer counts nothing (someone stood in the door).',
      minimum: 100,
      maximum: 600_000,
      default: 10_000,
    }),
  },
  { ...Strict, description: 'A beam-break pair a few cm apart: the order the beams break gives the direction.' },
);

export const ButtonSchema = T.Object(
  {
    id: Id('Button id, e.g. reset_alerts; names it in the `gpioButton` bus event.'),
    pin: Pin('Button input'),
    active_low: InputActiveLow,
  },
  { ...Strict, description: 'A push button; each debounced press is published on the bus.' },
);

export const LedSchema = T.Object(
  {
    pin: Pin('LED output'),
    active_low: T.Boolean({ description: 'The LED lights when the pin is driven low.', default: false }),
    check_interval_ms: T.Integer({
      description: "How often the LED's pattern is brought in line with the gateway's health and the uplink.",
      minimum: 100,
      maximum: 60_000,
      default: 2000,
    }),
  },
  { ...Strict, description: 'The status LED: starting, healthy, degraded, uplink down, error (src/gpio/README.md).' },
);

export const GpioSchema = T.Object(
  {
    backend: T.Union([T.Literal('auto'), T.Literal('onoff'), T.Literal('fake')], {
      description:
        'auto: onoff when /sys/class/gpio is usable (Gpio.accessible), else the fake backend; onoff: real pins or a start-up error; fake: no hardware (tests, development).',
      default: 'auto',
    }),
    debounce_ms: T.Integer({
      description: 'An input must hold a new level this long to count; shorter flickers (contact bounce) are ignored.',
      minimum: 0,
      maximum: 1000,
      default: 10,
    }),
    doors: T.Array(DoorSchema, { description: 'Door beam-break pairs.', maxItems: 16, default: [] }),
    buttons: T.Array(ButtonSchema, { description: 'Push buttons.', maxItems: 16, default: [] }),
    led: T.Optional(LedSchema),
  },
  { ...Strict, description: "The gateway board's GPIO: door beams, buttons, status LED. Absent: no pin is touched." },
);
