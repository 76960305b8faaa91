/**
 * A GPIO board in memory: what `gpio.backend: fake` runs on (and `auto` on a machine without
 * /sys/class/gpio), and what tests drive edge by edge. Time comes from an injected clock (the gateway's,
 * src/clock.ts): a test sets the clock, drives a pin, and calls `runDue()` to run the timers that have
 * come due (debounce, LED steps) — each at its own due time, in order, so no test sleeps and a long jump
 * of the clock replays every LED step in between.
 */
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

interface FakePin {
  activeLow: boolean;
  /** The level on the wire (before active_low). */
  physical: Level;
  onEdge?: EdgeListener;
}

interface Write {
  level: Level;
  ts: number;
}

interface Timer {
  due: number;
  seq: number;
  callback: () => void;
}

export class FakeGpioBackend implements GpioBackend {
  readonly name = 'fake';
  private readonly pins = new Map<number, FakePin>();
  /** Logical levels written to each output, kept after release (a test reads the last one). */
  private readonly written = new Map<number, Write[]>();
  private timers: Timer[] = [];
  private seq = 0;
  /** While a timer runs, "now" is its due time, so what it schedules is timed from there. */
  private firingAt: number | undefined;

  /**
   * `unavailable`: pins that fail to claim, as a pin held by another process or missing would.
   * `wires`: wire levels of inputs at claim time (default inactive), e.g. a beam blocked at start-up.
   */
  constructor(
    private readonly clock: Clock,
    private readonly options: { unavailable?: readonly number[]; wires?: Readonly<Record<number, Level>> } = {},
  ) {}

  input(pin: number, options: PinOptions, onEdge: EdgeListener): InputPin {
    const state = this.claim(pin, options);
    state.onEdge = onEdge;
    return { pin, read: () => this.logical(state) };
  }

  output(pin: number, options: PinOptions): OutputPin {
    const state = this.claim(pin, options);
    const writes: Write[] = [];
    this.written.set(pin, writes);
    return {
      pin,
      write: (level: Level) => {
        state.physical = (options.activeLow ? 1 - level : level) as Level;
        writes.push({ level, ts: this.now() });
      },
    };
  }

  schedule(delayMs: number, callback: () => void): Cancel {
    const timer = { due: this.now() + delayMs, seq: this.seq++, callback };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  release(): void {
    this.timers = [];
    this.pins.clear();
  }

  claimed(): number[] {
    return [...this.pins.keys()];
  }

  /** Puts `level` on an input's wire at the clock's time (after running the timers due by then). */
  drive(pin: number, level: Level): void {
    this.runDue();
    const state = this.pins.get(pin);
    if (state?.onEdge === undefined) throw new Error(`fake GPIO: pin ${pin} is not a claimed input`);
    if (state.physical === level) return;
    state.physical = level;
    state.onEdge(this.logical(state), this.clock.now());
  }

  /** Runs every timer due at or before the clock's time, earliest first. */
  runDue(): void {
    const until = this.clock.now();
    for (;;) {
      const next = this.timers.filter((t) => t.due <= until).sort((a, b) => a.due - b.due || a.seq - b.seq)[0];
      if (next === undefined) return;
      this.timers = this.timers.filter((t) => t !== next);
      this.firingAt = next.due;
      try {
        next.callback();
      } finally {
        this.firingAt = undefined;
      }
    }
  }

  /** The logical levels written to an output since it was last claimed, with their times. */
  writes(pin: number): readonly Write[] {
    return this.written.get(pin) ?? [];
  }

  private now(): number {
    return this.firingAt ?? this.clock.now();
  }

  private logical(state: FakePin): Level {
    return (state.activeLow ? 1 - state.physical : state.physical) as Level;
  }

  private claim(pin: number, options: PinOptions): FakePin {
    if (this.options.unavailable?.includes(pin))
      throw new PinUnavailableError(pin, options.purpose, 'EBUSY (held elsewhere)');
    if (this.pins.has(pin)) throw new PinUnavailableError(pin, options.purpose, 'already claimed by this gateway');
    // Inputs idle inactive (beam intact, button up), as the pull-up or pull-down of a wired input holds them.
    const physical = this.options.wires?.[pin] ?? (options.activeLow ? 1 : 0);
    const state: FakePin = { activeLow: options.activeLow, physical };
    this.pins.set(pin, state);
    return state;
  }
}
