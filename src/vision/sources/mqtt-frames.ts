/**
 * MQTT frames (issue 9 point 2a): the camera publishes JPEGs on `omo/camera/<id>/frame`; ingest has
 * checked each one (devices/lib/camera-streams.ts) and put it on the bus as `cameraFrame`. The camera
 * sets its own pace, so frames beyond the configured `fps` are dropped here (counted as `over_fps`) —
 * a camera that streams at 25 fps costs the gateway `fps` frames of work a second, not 25.
 * The source is down when the camera has sent nothing for `timeout_s`.
 */
import type { EventBus } from '../../bus.js';
import type { Clock } from '../../clock.js';
import type { FrameSource, SourceEvents, SourceState } from './source.js';

export interface MqttFramesOptions extends SourceEvents {
  bus: EventBus;
  cameraId: string;
  fps: number;
  timeoutMs: number;
  clock: Clock;
  /** Called for a frame over the camera's fps. */
  onOverFps(): void;
}

/**
 * Paces frames to `fps` on a grid of one frame interval: a frame up to half an interval early is taken,
 * so a camera sending at `fps` with a quarter interval of network jitter either way loses nothing, and a
 * flood is cut to `fps` (plus the one early frame the half-interval allows at its start). A camera that
 * paused for longer than an interval starts a new grid.
 */
export class FpsGate {
  private nextDueMs = Number.NEGATIVE_INFINITY;

  constructor(private readonly intervalMs: number) {}

  admit(nowMs: number): boolean {
    const interval = this.intervalMs;
    if (nowMs < this.nextDueMs - interval / 2) return false;
    this.nextDueMs = (nowMs > this.nextDueMs + interval ? nowMs : this.nextDueMs) + interval;
    return true;
  }
}

export class MqttFrames implements FrameSource {
  readonly kind = 'mqtt';
  private readonly owner: string;
  private readonly gate: FpsGate;
  private lastFrameAt: number | undefined;
  private startedAt = 0;

  constructor(private readonly options: MqttFramesOptions) {
    this.owner = `vision:${options.cameraId}`;
    this.gate = new FpsGate(1000 / options.fps);
  }

  start(): void {
    const { bus, cameraId, clock } = this.options;
    this.startedAt = clock.now();
    bus.on(this.owner, 'cameraFrame', (frame) => {
      if (frame.deviceId !== cameraId) return;
      this.lastFrameAt = clock.now();
      if (!this.gate.admit(this.lastFrameAt)) {
        this.options.onOverFps();
        return;
      }
      this.options.onFrame({ jpeg: frame.jpeg, ts: frame.ts });
    });
  }

  async stop(): Promise<void> {
    this.options.bus.removeOwner(this.owner);
  }

  state(): SourceState {
    const { clock, timeoutMs } = this.options;
    const since = this.lastFrameAt ?? this.startedAt;
    if (clock.now() - since <= timeoutMs) return { up: true };
    const seconds = Math.round((clock.now() - since) / 1000);
    return {
      up: false,
      reason:
        this.lastFrameAt === undefined
          ? `no frame on omo/camera/${this.options.cameraId}/frame since the gateway started ${seconds} s ago`
          : `no frame on omo/camera/${this.options.cameraId}/frame for ${seconds} s`,
    };
  }
}
