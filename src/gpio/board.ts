/**
 * The configured GPIO inputs and output on one backend: each door's beam pair and each button behind its
 * debouncer, and the status LED. Claims every pin on open — a pin that cannot be claimed fails start-up
 * naming it, after the pins already claimed are released — and releases them all on close.
 */
import type { Static } from '@sinclair/typebox';
import type { ButtonSchema, DoorSchema, GpioSchema } from '../config/schema-gpio.js';
import type { GpioBackend, Level } from './backend.js';
import { Debouncer } from './debounce.js';
import { type Beam, BeamPair, type CrossingOutcome, type CrossingResult } from './door.js';
import { StatusLed } from './led.js';

export type GpioConfig = Static<typeof GpioSchema>;
export type DoorConfig = Static<typeof DoorSchema>;
export type ButtonConfig = Static<typeof ButtonSchema>;

export interface BoardListener {
  crossing(door: DoorConfig, result: CrossingResult): void;
  press(button: ButtonConfig, ts: number): void;
}

interface DoorState {
  config: DoorConfig;
  pair: BeamPair;
  outcomes: Record<CrossingOutcome, number>;
}

export class GpioBoard {
  private doors: DoorState[] = [];
  private readonly presses = new Map<string, number>();
  private statusLed: StatusLed | undefined;

  constructor(
    readonly backend: GpioBackend,
    private readonly config: GpioConfig,
    private readonly listener: BoardListener,
  ) {}

  get led(): StatusLed | undefined {
    return this.statusLed;
  }

  open(): void {
    try {
      for (const [index, door] of this.config.doors.entries()) this.openDoor(door, index);
      for (const [index, button] of this.config.buttons.entries()) this.openButton(button, index);
      const led = this.config.led;
      if (led !== undefined) {
        const output = this.backend.output(led.pin, { purpose: 'gpio.led.pin', activeLow: led.active_low });
        this.statusLed = new StatusLed(this.backend, output);
      }
    } catch (error) {
      this.close();
      throw error;
    }
  }

  /** Darkens the LED and releases every pin (unexported, free for another program). */
  close(): void {
    this.statusLed?.off();
    this.statusLed = undefined;
    this.backend.release();
    this.doors = [];
  }

  /** Per door: crossings by outcome and the beams broken now; per button: presses. */
  figures() {
    return {
      doors: Object.fromEntries(
        this.doors.map(({ config, pair, outcomes }) => {
          const beams = pair.state();
          return [config.id, { ...outcomes, outer_broken: beams.outer, inner_broken: beams.inner }];
        }),
      ),
      buttons: Object.fromEntries(this.presses),
    };
  }

  private openDoor(config: DoorConfig, index: number): void {
    const state: DoorState = {
      config,
      outcomes: { in: 0, out: 0, turned_back: 0, abandoned: 0 },
      pair: new BeamPair(config.max_crossing_ms, (result) => {
        state.outcomes[result.outcome] += 1;
        this.listener.crossing(config, result);
      }),
    };
    const watch = (beam: Beam): Level => {
      const debouncer = new Debouncer(this.backend, this.config.debounce_ms, (level, ts) =>
        state.pair.change(beam, level === 1, ts),
      );
      const purpose = `gpio.doors[${index}].${beam}_pin`;
      const input = this.backend.input(
        beam === 'outer' ? config.outer_pin : config.inner_pin,
        { purpose, activeLow: config.active_low },
        (level, ts) => debouncer.edge(level, ts),
      );
      const level = input.read();
      debouncer.reset(level);
      return level;
    };
    const outer = watch('outer');
    const inner = watch('inner');
    state.pair.reset(outer === 1, inner === 1);
    this.doors.push(state);
  }

  private openButton(config: ButtonConfig, index: number): void {
    this.presses.set(config.id, 0);
    const debouncer = new Debouncer(this.backend, this.config.debounce_ms, (level, ts) => {
      if (level === 0) return;
      this.presses.set(config.id, (this.presses.get(config.id) ?? 0) + 1);
      this.listener.press(config, ts);
    });
    const input = this.backend.input(
      config.pin,
      { purpose: `gpio.buttons[${index}].pin`, activeLow: config.active_low },
      (level, ts) => debouncer.edge(level, ts),
    );
    debouncer.reset(input.read());
  }
}
