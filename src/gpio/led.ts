/**
 * The status LED (issue 10 point 4): one pattern per gateway state, so staff can tell from across the
 * room whether the gateway is fine without a screen. The state comes from the gateway's health verdict
 * (src/health.ts over every part's health()) and the uplink's connection:
 *
 * | state         | pattern                                   | when                                    |
 * |---------------|-------------------------------------------|-----------------------------------------|
 * | `starting`    | even blink, 1 Hz (500 ms on, 500 ms off)  | from start until the first verdict      |
 * | `healthy`     | steady on                                 | verdict ok                              |
 * | `degraded`    | short flash every 2 s (100 on, 1900 off)  | verdict degraded, uplink not the cause  |
 * | `uplink_down` | double flash every 2 s                    | an uplink is configured and not connected |
 * | `error`       | fast blink, 5 Hz (100 on, 100 off)        | verdict down, or the health check failed |
 *
 * The uplink comes before "degraded" because a cloud that is away makes the verdict degraded too, and it
 * is the one cause staff should call HQ about rather than look at the gateway.
 */
import type { HealthReport } from '../http/types.js';
import type { Cancel, GpioBackend, OutputPin } from './backend.js';

export type LedState = 'starting' | 'healthy' | 'degraded' | 'uplink_down' | 'error';

/** Durations in ms of on, off, on, off… repeated; an empty list is steady on. */
export const LED_PATTERNS: Readonly<Record<LedState, readonly number[]>> = {
  starting: [500, 500],
  healthy: [],
  degraded: [100, 1900],
  uplink_down: [150, 150, 150, 1550],
  error: [100, 100],
};

/** The LED state for a health report and the uplink's state (undefined when no uplink part runs). */
export function ledState(
  report: HealthReport,
  uplink: { url: string | null; connected: boolean } | undefined,
): LedState {
  if (report.status === 'down') return 'error';
  if (uplink !== undefined && uplink.url !== null && !uplink.connected) return 'uplink_down';
  return report.status === 'degraded' ? 'degraded' : 'healthy';
}

export class StatusLed {
  private current: LedState | undefined;
  private nextStep: Cancel | undefined;

  constructor(
    private readonly backend: GpioBackend,
    private readonly output: OutputPin,
  ) {}

  get state(): LedState | undefined {
    return this.current;
  }

  /** Switches to `state`'s pattern from its first step; showing the state already shown changes nothing. */
  show(state: LedState): void {
    if (state === this.current) return;
    this.current = state;
    this.nextStep?.();
    this.step(LED_PATTERNS[state], 0);
  }

  /** Dark, with no step pending (before the pins are released). */
  off(): void {
    this.nextStep?.();
    this.nextStep = undefined;
    this.current = undefined;
    this.output.write(0);
  }

  private step(pattern: readonly number[], index: number): void {
    this.output.write(index % 2 === 0 ? 1 : 0);
    const duration = pattern[index];
    if (duration === undefined) return;
    this.nextStep = this.backend.schedule(duration, () => this.step(pattern, (index + 1) % pattern.length));
  }
}
