/**
 * The GPIO backend contract (ARCHITECTURE §2 gpio): what the door counter, the buttons and the status LED
 * need from pins, behind which sit `onoff` (real pins, onoff-backend.ts) and the fake backend that tests
 * drive edge by edge (fake-backend.ts). Levels are logical: 1 = active (beam broken, button pressed, LED
 * lit); the backend applies `active_low`. The backend is also the GPIO layer's time base — it stamps edges
 * and runs the timers that judge them (debounce, LED blinking) — so a test that moves the fake's clock
 * moves everything that reads edges, and no test sleeps.
 */

export type Level = 0 | 1;

/** Called on every raw edge of an input, with its new logical level and the time it was seen (epoch ms). */
export type EdgeListener = (level: Level, ts: number) => void;

/** Cancels a scheduled callback; harmless when it already ran. */
export type Cancel = () => void;

export interface PinOptions {
  /** What the pin is for, e.g. `gpio.doors[0].outer_pin`: start-up errors name it beside the number. */
  purpose: string;
  activeLow: boolean;
}

export interface InputPin {
  readonly pin: number;
  /** The current logical level. */
  read(): Level;
}

export interface OutputPin {
  readonly pin: number;
  write(level: Level): void;
}

export interface GpioBackend {
  /** `onoff` or `fake`, for the start-up log and /healthz. */
  readonly name: 'onoff' | 'fake';
  /** Claims an input and watches both edges; throws a `PinUnavailableError` naming the pin. */
  input(pin: number, options: PinOptions, onEdge: EdgeListener): InputPin;
  /** Claims an output, initially inactive; throws a `PinUnavailableError` naming the pin. */
  output(pin: number, options: PinOptions): OutputPin;
  /** Runs `callback` after `delayMs` on the backend's time base. */
  schedule(delayMs: number, callback: () => void): Cancel;
  /** Cancels every timer and releases every claimed pin (unexports it); the backend may claim again after. */
  release(): void;
  /** Pins claimed and not yet released, for /healthz. */
  claimed(): number[];
}

export class PinUnavailableError extends Error {
  constructor(pin: number, purpose: string, why: string) {
    super(`GPIO pin ${pin} (${purpose}) is unavailable: ${why}`);
    this.name = 'PinUnavailableError';
  }
}
