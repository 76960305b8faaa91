/**
 * Real pins through `onoff` (the Linux sysfs GPIO interface, /sys/class/gpio). Both edges of every input
 * are watched without onoff's own debounce: debouncing happens above the backend (debounce.ts) on edge
 * timestamps, so the fake backend and real pins are judged by the same code.
 */
import onoff from 'onoff';
import type { Clock } from '../clock.js';
import {
  type Cancel,
  type EdgeListener,
  type GpioBackend,
  type InputPin,
  type Level,
  type OutputPin,
  type PinOptions,
  PinUnavailableError,
} from './backend.js';

type OnoffGpio = InstanceType<typeof onoff.Gpio>;

/** Whether this machine has a usable sysfs GPIO interface (what `gpio.backend: auto` decides on). */
export const onoffAccessible = (): boolean => onoff.Gpio.accessible;

export class OnoffBackend implements GpioBackend {
  readonly name = 'onoff';
  private readonly pins = new Map<number, OnoffGpio>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly clock: Clock) {}

  input(pin: number, options: PinOptions, onEdge: EdgeListener): InputPin {
    const gpio = this.claim(pin, options, () => new onoff.Gpio(pin, 'in', 'both', { activeLow: options.activeLow }));
    gpio.watch((error, value) => {
      // A failed read of one edge leaves the level as it was; the next edge reads the pin again.
      if (!error) onEdge(value, this.clock.now());
    });
    return { pin, read: () => gpio.readSync() };
  }

  output(pin: number, options: PinOptions): OutputPin {
    // sysfs sets the initial direction value raw (before active_low), so "inactive" is high when active low.
    const direction = options.activeLow ? 'high' : 'low';
    const gpio = this.claim(
      pin,
      options,
      () => new onoff.Gpio(pin, direction, 'none', { activeLow: options.activeLow }),
    );
    return { pin, write: (level: Level) => gpio.writeSync(level) };
  }

  schedule(delayMs: number, callback: () => void): Cancel {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      callback();
    }, delayMs);
    this.timers.add(timer);
    return () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    };
  }

  release(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    // Every pin is released even when one fails to unexport; the first failure is reported after.
    const failures: unknown[] = [];
    for (const gpio of this.pins.values()) {
      try {
        gpio.unexport();
      } catch (error) {
        failures.push(error);
      }
    }
    this.pins.clear();
    if (failures.length > 0) throw failures[0];
  }

  claimed(): number[] {
    return [...this.pins.keys()];
  }

  private claim(pin: number, options: PinOptions, open: () => OnoffGpio): OnoffGpio {
    if (this.pins.has(pin)) throw new PinUnavailableError(pin, options.purpose, 'already claimed by this gateway');
    let gpio: OnoffGpio;
    try {
      gpio = open();
    } catch (error) {
      const { code, message } = error as NodeJS.ErrnoException;
      throw new PinUnavailableError(pin, options.purpose, code === undefined ? message : `${code} (${message})`);
    }
    this.pins.set(pin, gpio);
    return gpio;
  }
}
