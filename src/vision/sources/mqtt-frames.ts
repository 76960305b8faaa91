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
 * Paces frames to `fps`: a token bucket refilled at `fps` that holds at most two frames. A camera sending
 * at its fps keeps it between one and two, so arrival jitter — a frame delayed by a busy network or
 * broker, the next one on time — loses nothing; a flood gets `fps` frames a second (after a first burst
 * of two). A grid anchored on one frame's arrival would refuse every on-time frame after a late one.
 */
export class FpsGate {
  private tokens = 2;
  private lastMs: number | undefined;

  constructor(private readonly intervalMs: number) {}

  admit(nowMs: number): boolean {
    if (this.lastMs !== undefined)
      this.tokens = Math.min(2, this.tokens + Math.max(0, nowMs - this.lastMs) / this.intervalMs);
    this.lastMs = nowMs;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
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
