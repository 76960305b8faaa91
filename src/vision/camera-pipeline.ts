/**
 * One plain camera's way from frames to floor tracks (issue 9, ARCHITECTURE §2 "vision"): its frame
 * source → a one-frame slot → motion gate → the shared detector (fair across cameras) or, for a still
 * scene, nothing → the camera's tracker → `cameraTracks` on the bus, exactly as a smart camera's.
 *
 * A camera works on one frame at a time, in order (the tracker needs time to go forward). A frame that
 * arrives meanwhile waits in the slot; a newer one replaces it and the older is dropped, counted `busy`
 * (latest frame wins). So each camera holds at most two frames — the one in work and the one waiting —
 * however fast frames come and however many cameras there are; nothing queues.
 *
 * Frames live only in memory and are let go once processed (issue 9 point 8); with `debug_snapshot` on,
 * the last detected frame and its boxes are kept for GET /api/v1/cameras/:id/debug.jpg.
 */
import type { BusEvents, EventBus } from '../bus.js';
import type { Logger } from '../log.js';
import { LatestFrameSlot } from './latest-frame.js';
import type { MotionGate } from './motion-gate.js';
import type { Frame, FrameSource } from './sources/index.js';
import type { VisionMetrics } from './vision-metrics.js';

export interface DetectedBox {
  box: readonly [number, number, number, number];
  score: number;
}

/** What the pipeline needs of the shared detector (src/vision/detector/camera-detector.ts). */
export interface FrameDetector {
  submit(
    cameraId: string,
    jpeg: Buffer,
  ): Promise<
    | { status: 'done'; result: { detections: readonly DetectedBox[]; ms: { inference: number } } }
    | { status: 'dropped'; reason: string }
  >;
}

/** What the pipeline needs of the camera's tracker (src/vision/tracker/camera-tracker.ts). */
export interface FrameTracker {
  frame(ts: number, detections: readonly DetectedBox[]): BusEvents['cameraTracks'];
  still(ts: number): BusEvents['cameraTracks'];
}

export interface CameraPipelineOptions {
  cameraId: string;
  source: (onFrame: (frame: Frame) => void) => FrameSource;
  gate: MotionGate;
  tracker: FrameTracker;
  /** The shared detector, loaded on first use; rejects when it cannot load. */
  detector: () => Promise<FrameDetector>;
  bus: EventBus;
  metrics: VisionMetrics;
  log: Logger;
  /** Keep the last detected frame for the debug snapshot. */
  debug: boolean;
  /** Monotonic milliseconds, for the pipeline time. */
  elapsed?: () => number;
}

interface Arrival extends Frame {
  arrivedAt: number;
}

export interface CameraCounts {
  framesIn: number;
  detected: number;
  still: number;
  dropped: Record<string, number>;
}

export class CameraPipeline {
  readonly counts: CameraCounts = { framesIn: 0, detected: 0, still: 0, dropped: {} };
  /** Why the last frame could not be used, for /healthz. */
  lastError: string | undefined;
  /** The last detected frame and its boxes (only with `debug`). */
  debugFrame: { jpeg: Buffer; boxes: readonly DetectedBox[]; ts: number } | undefined;
  readonly source: FrameSource;
  private readonly slot = new LatestFrameSlot<Arrival>();
  private working: Promise<void> | undefined;
  private lastTs = Number.NEGATIVE_INFINITY;
  private stopped = false;
  private readonly elapsed: () => number;

  constructor(private readonly options: CameraPipelineOptions) {
    this.elapsed = options.elapsed ?? (() => performance.now());
    this.source = options.source((frame) => this.receive(frame));
  }

  get cameraId(): string {
    return this.options.cameraId;
  }

  start(): void {
    this.source.start();
  }

  /** Stops the source, drops the waiting frame and waits for the one in work. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.source.stop();
    if (this.slot.take() !== undefined) this.drop('stopped');
    await this.working;
  }

  /** A frame the source delivered and refused itself (over the camera's fps): in, and dropped. */
  refused(reason: string): void {
    this.countIn();
    this.drop(reason);
  }

  private countIn(): void {
    this.counts.framesIn++;
    this.options.metrics.framesIn.inc({ camera: this.cameraId });
  }

  private drop(reason: string): void {
    this.counts.dropped[reason] = (this.counts.dropped[reason] ?? 0) + 1;
    this.options.metrics.dropped.inc({ camera: this.cameraId, reason });
  }

  private receive(frame: Frame): void {
    if (this.stopped) return;
    this.countIn();
    if (this.slot.put({ ...frame, arrivedAt: this.elapsed() }) !== undefined) this.drop('busy');
    this.working ??= this.work();
  }

  private async work(): Promise<void> {
    for (let frame = this.slot.take(); frame !== undefined; frame = this.slot.take()) {
      try {
        await this.process(frame);
      } catch (error) {
        // A fault of the pipeline itself, not of the frame: logged, and the camera goes on.
        this.failed('error', `frame not processed: ${(error as Error).message}`);
      }
    }
    this.working = undefined;
  }

  private async process(frame: Arrival): Promise<void> {
    const { cameraId, metrics } = this.options;
    // The tracker needs time to go forward; a clock step back must not stop the camera.
    const ts = Math.max(frame.ts, this.lastTs);
    this.lastTs = ts;
    let verdict: Awaited<ReturnType<MotionGate['check']>>;
    try {
      verdict = await this.options.gate.check(frame.jpeg, ts);
    } catch (error) {
      this.failed('bad_frame', `frame could not be decoded: ${(error as Error).message}`);
      return;
    }
    let event: BusEvents['cameraTracks'];
    if (verdict.detect) {
      const boxes = await this.detect(frame.jpeg);
      if (boxes === undefined) return;
      event = this.options.tracker.frame(ts, boxes);
      this.counts.detected++;
      metrics.processed.inc({ camera: cameraId, how: 'detected' });
      if (this.options.debug) this.debugFrame = { jpeg: frame.jpeg, boxes, ts };
    } else {
      event = this.options.tracker.still(ts);
      this.counts.still++;
      metrics.processed.inc({ camera: cameraId, how: 'still' });
    }
    this.lastError = undefined;
    this.options.bus.emit('cameraTracks', event);
    metrics.confirmedTracks.set({ camera: cameraId }, event.people.length);
    metrics.pipelineMs.observe({ camera: cameraId }, this.elapsed() - frame.arrivedAt);
  }

  /** The detector's boxes for a frame, or undefined when it was dropped (already counted). */
  private async detect(jpeg: Buffer): Promise<readonly DetectedBox[] | undefined> {
    const { cameraId, metrics } = this.options;
    let detector: FrameDetector;
    try {
      detector = await this.options.detector();
    } catch (error) {
      this.failed('no_detector', `the detector could not load: ${(error as Error).message}`);
      return undefined;
    }
    let outcome: Awaited<ReturnType<FrameDetector['submit']>>;
    try {
      outcome = await detector.submit(cameraId, jpeg);
    } catch (error) {
      this.failed('bad_frame', `frame could not be decoded: ${(error as Error).message}`);
      return undefined;
    }
    if (outcome.status === 'dropped') {
      this.drop(outcome.reason);
      return undefined;
    }
    metrics.inferenceMs.observe({ camera: cameraId }, outcome.result.ms.inference);
    metrics.detections.inc({ camera: cameraId }, outcome.result.detections.length);
    return outcome.result.detections;
  }

  private failed(reason: string, message: string): void {
    this.drop(reason);
    // The first of a run of failures is logged; /healthz and the counter show the rest.
    if (this.lastError === undefined) this.options.log.warn(`camera ${this.cameraId}: ${message}`);
    this.lastError = message;
  }
}
