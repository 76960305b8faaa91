/**
 * The gpio part (ARCHITECTURE §2 gpio, issue 10 point 4): door beam pairs, push buttons and the status LED
 * on the gateway's own board. Starts only when the config has a `gpio` section. Door crossings go on the
 * bus as `doorCrossing` and into `omo_door_crossings_total{door,direction}`; button presses as
 * `gpioButton`. The LED follows the gateway's health verdict and the uplink (led.ts). Every pin is
 * released on stop, which `omo-edge start` runs on SIGINT and SIGTERM.
 */
import { Counter } from 'prom-client';
import type { Clock } from '../clock.js';
import type { PartContext, PartFactory } from '../part.js';
import type { GpioBackend } from './backend.js';
import { GpioBoard, type GpioConfig } from './board.js';
import './events.js';
import { FakeGpioBackend } from './fake-backend.js';
import { type LedState, ledState } from './led.js';
import { OnoffBackend, onoffAccessible } from './onoff-backend.js';

export interface ChosenBackend {
  backend: GpioBackend;
  /** Why this backend, for the start-up log; `fallback` when `auto` found no real GPIO. */
  why: string;
  fallback: boolean;
}

export type BackendChooser = (choice: GpioConfig['backend'], clock: Clock) => ChosenBackend;

/** `gpio.backend`: onoff, fake, or auto — onoff when sysfs GPIO is usable (`Gpio.accessible`), else fake. */
export const chooseBackend: BackendChooser = (choice, clock) => {
  if (choice === 'onoff') return { backend: new OnoffBackend(clock), why: 'gpio.backend is onoff', fallback: false };
  if (choice === 'fake') return { backend: new FakeGpioBackend(clock), why: 'gpio.backend is fake', fallback: false };
  if (onoffAccessible()) return { backend: new OnoffBackend(clock), why: '/sys/class/gpio is usable', fallback: false };
  return {
    backend: new FakeGpioBackend(clock),
    why: 'gpio.backend is auto and /sys/class/gpio is not usable here (Gpio.accessible is false); no real pin is read',
    fallback: true,
  };
};

/** The gpio part on the backend `choose` picks; tests pass a chooser that hands them the fake they drive. */
export function gpioPartWith(choose: BackendChooser): PartFactory {
  return function gpio(context) {
    const config = context.config.gpio;
    if (config === undefined) return { name: 'gpio', start() {}, stop() {} };
    return configuredPart(context, config, choose);
  };
}

export const gpioPart: PartFactory = gpioPartWith(chooseBackend);

function configuredPart(context: PartContext, config: GpioConfig, choose: BackendChooser) {
  const log = context.logger('omo:gpio');
  const crossings = new Counter({
    name: 'omo_door_crossings_total',
    help: 'People through a door beam pair, by door and direction (in, out).',
    labelNames: ['door', 'direction'],
    registers: [context.metrics],
  });
  const halfCrossings = new Counter({
    name: 'omo_door_half_crossings_total',
    help: 'Beam-pair sequences that counted nothing: turned_back (a half-crossing) or abandoned (too long in the door).',
    labelNames: ['door', 'outcome'],
    registers: [context.metrics],
  });
  const presses = new Counter({
    name: 'omo_gpio_button_presses_total',
    help: 'Debounced push-button presses, by button.',
    labelNames: ['button'],
    registers: [context.metrics],
  });
  let board: GpioBoard | undefined;
  let chosen: ChosenBackend | undefined;
  let cancelCheck: (() => void) | undefined;

  /** Brings the LED in line with the health verdict every check interval, until the part stops. */
  const followHealth = (current: GpioBoard): void => {
    cancelCheck = current.backend.schedule(config.led?.check_interval_ms ?? 0, () => {
      cancelCheck = undefined;
      void checkHealth(current);
    });
  };
  const checkHealth = async (current: GpioBoard): Promise<void> => {
    let state: LedState;
    try {
      state = ledState(await context.health(), context.find('uplink')?.status());
    } catch (error) {
      log.warn(`health check for the status LED failed: ${(error as Error).message}`);
      state = 'error';
    }
    // The part may have stopped while the verdict was being made.
    if (board !== current) return;
    current.led?.show(state);
    followHealth(current);
  };

  return {
    name: 'gpio',
    start() {
      chosen = choose(config.backend, context.clock);
      (chosen.fallback ? log.warn : log.info)(`backend ${chosen.backend.name}: ${chosen.why}`);
      const opened = new GpioBoard(chosen.backend, config, {
        crossing(door, { outcome, endedAt }) {
          if (outcome === 'in' || outcome === 'out') {
            crossings.inc({ door: door.id, direction: outcome });
            const line = door.line === undefined ? {} : { line: door.line };
            context.bus.emit('doorCrossing', {
              deviceId: door.id,
              kind: 'door',
              ts: endedAt,
              door: door.id,
              ...line,
              direction: outcome,
            });
          } else halfCrossings.inc({ door: door.id, outcome });
        },
        press(button, ts) {
          presses.inc({ button: button.id });
          context.bus.emit('gpioButton', { deviceId: button.id, kind: 'button', ts, button: button.id });
        },
      });
      opened.open();
      board = opened;
      log.info(`claimed GPIO pins ${chosen.backend.claimed().join(', ')}`);
      if (opened.led !== undefined) {
        opened.led.show('starting');
        followHealth(opened);
      }
    },
    stop() {
      const closing = board;
      if (closing === undefined) return;
      // Forgotten first: a verdict still on its way must not light the LED of a board being closed.
      board = undefined;
      cancelCheck?.();
      const pins = closing.backend.claimed();
      closing.close();
      log.info(`released GPIO pins ${pins.join(', ')}`);
    },
    health() {
      if (board === undefined || chosen === undefined) return { status: 'down' as const, error: 'not started' };
      const figures = {
        backend: chosen.backend.name,
        pins: chosen.backend.claimed(),
        led: board.led?.state ?? null,
        ...board.figures(),
      };
      if (chosen.fallback) return { status: 'degraded' as const, reason: chosen.why, ...figures };
      return { status: 'ok' as const, ...figures };
    },
  };
}
