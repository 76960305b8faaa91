/**
 * A plain camera's frame source (issue 9 point 2): JPEGs published over MQTT, pulled from a snapshot URL,
 * or decoded from a stream by an ffmpeg child. Every source hands whole JPEGs to one sink and says
 * whether it is up; what the frames become is the pipeline's business (src/vision/README.md).
 * Frames stay in memory: no source writes one to disk (issue 9 point 8).
 */
import type { Clock } from '../../clock.js';

/** One JPEG and its event time (epoch ms). A JPEG carries no capture time we can trust: it is arrival time. */
export interface Frame {
  jpeg: Buffer;
  ts: number;
}

export interface SourceState {
  up: boolean;
  /** Why it is down (the last failure), for `/healthz`. */
  reason?: string;
}

export interface SourceEvents {
  onFrame(frame: Frame): void;
  /** A counted failure: `reason` is a short code for the metric, `detail` a sentence for the log and health. */
  onFailure(reason: string, detail: string): void;
}

/** What every source that fetches frames itself (snapshot pull, ffmpeg) is paced and bounded by. */
export interface PulledSourceOptions extends SourceEvents {
  fps: number;
  timeoutMs: number;
  retryMinMs: number;
  retryMaxMs: number;
  maxBytes: number;
  clock: Clock;
}

export interface FrameSource {
  readonly kind: 'mqtt' | 'snapshot' | 'stream';
  start(): void;
  /** Resolves once nothing of the source runs any more (no timer, request or child process). */
  stop(): Promise<void>;
  state(): SourceState;
}

/** The waits between tries of a camera that is away: from `minMs`, doubling, at most `maxMs`. */
export class RetryDelay {
  private failures = 0;

  constructor(
    private readonly minMs: number,
    private readonly maxMs: number,
  ) {}

  /** No jitter: unlike a chain's stores reconnecting to one cloud, a gateway's few cameras are no herd. */
  next(): number {
    const delay = Math.min(this.maxMs, this.minMs * 2 ** Math.min(this.failures, 30));
    this.failures += 1;
    return delay;
  }

  reset(): void {
    this.failures = 0;
  }
}
