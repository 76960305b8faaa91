/**
 * A smart footfall camera that keeps walking people past the gateway: the UCY zara01 trajectories
 * (real data, test/fixtures/zara01) published as one camera's `omo/camera/<id>/tracks`, looped with
 * fresh track ids per loop, payloads built by the camera profile (devices/), never by hand.
 *
 * Event time runs `speed` times faster than the wall clock from `startMs` (a moment in the recent
 * past), so a short test covers many bins; it never runs ahead of the wall clock, since the ingest
 * refuses readings from its future (`ingest.max_future_s`): once caught up it goes at 1×. The client
 * reconnects when the gateway goes away (kill -9 in the crash tests); frames that fall due while it
 * is disconnected are skipped, as a camera's would be — that late they would be refused anyway (§2).
 */
import { readFileSync } from 'node:fs';
import mqtt, { type MqttClient } from 'mqtt';
import { encodeForWire, profiles } from '../../../devices/index.js';
import type { BusEvents } from '../../../src/bus.js';
import type { JsonStream } from '../../../src/ingest/profile.js';
import { parseObsmatTracks } from '../../../src/paths/tracks-file.js';
import { framesOf, type ReplayFrame } from '../../../src/simulate/track-replay.js';

/** zara01 as frames, once per process. */
let zara01: ReplayFrame[] | undefined;
export function zara01Frames(): ReplayFrame[] {
  zara01 ??= framesOf(
    parseObsmatTracks(readFileSync(new URL('../../fixtures/zara01/obsmat.txt', import.meta.url), 'utf8')),
  );
  return zara01;
}

/** Seconds between the end of one loop of the file and the start of the next. */
const LOOP_GAP_S = 5;
/** How far ahead of the wall clock a frame may be stamped (well inside `max_future_s`). */
const AHEAD_MS = 500;

export interface TrackFeederOptions {
  /** The gateway's MQTT URL; it may be down now and then. */
  url: string;
  camera: string;
  password: string;
  /** Event seconds per wall second while behind the wall clock. */
  speed: number;
  /** Event time of the first frame, epoch ms. */
  startMs: number;
  /** Loops of the file to publish; default: until stop(). */
  loops?: number;
}

export interface FeederStats {
  published: number;
  /** Frames that fell due while disconnected. */
  skipped: number;
  /** Event time of the newest frame published, epoch ms (0 before the first). */
  lastTs: number;
}

export class TrackFeeder {
  readonly stats: FeederStats = { published: 0, skipped: 0, lastTs: 0 };
  private client: MqttClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private finish: (() => void) | undefined;
  /** Resolves when the last loop is published (never, without `loops`) or on stop(). */
  readonly done: Promise<void>;
  private next = 0;
  private paused = false;
  private wallStart = 0;
  private readonly stream = profiles.get('camera')?.publishes.tracks as JsonStream<'cameraTracks'>;

  constructor(private readonly options: TrackFeederOptions) {
    this.done = new Promise((resolve) => {
      this.finish = resolve;
    });
  }

  get topic(): string {
    return `omo/camera/${this.options.camera}/tracks`;
  }

  /** Starts publishing; resolves once connected the first time. */
  async start(): Promise<void> {
    const { url, camera, password } = this.options;
    this.client = mqtt.connect(url, {
      clientId: camera,
      username: camera,
      password,
      reconnectPeriod: 100,
      connectTimeout: 5000,
      queueQoSZero: false,
    });
    // A refused or dropped connection is retried; the tests read the effect in the gateway's figures.
    this.client.on('error', () => {});
    await new Promise<void>((resolve) => this.client?.once('connect', () => resolve()));
    this.wallStart = Date.now();
    this.tick();
  }

  /** Publishes no more frames; the connection stays (for `publishEmptyFrame`). */
  pause(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.paused = true;
    this.finish?.();
  }

  async stop(): Promise<void> {
    this.pause();
    await this.client?.endAsync(true).catch(() => undefined);
    this.client = undefined;
  }

  /**
   * Publishes a frame with nobody in view at `ts` (QoS 1): the watermark moves past every bin before
   * it and every track ends, so the live path releases its last bins without a stop.
   */
  async publishEmptyFrame(ts: number): Promise<void> {
    const event = this.event(ts, []);
    await this.client?.publishAsync(this.topic, encodeForWire(this.stream, event), { qos: 1 });
    this.stats.lastTs = ts;
  }

  /** Event time of frame number `n` of the endless sequence, epoch ms, and its people. */
  private frame(n: number): { ts: number; people: ReplayFrame['people'] } {
    const frames = zara01Frames();
    const first = (frames[0] as ReplayFrame).t;
    const loopS = (frames.at(-1) as ReplayFrame).t - first + LOOP_GAP_S;
    const loop = Math.floor(n / frames.length);
    const frame = frames[n % frames.length] as ReplayFrame;
    const ts = this.options.startMs + Math.round((loop * loopS + frame.t - first) * 1000);
    return { ts, people: frame.people.map((p) => ({ id: `${p.id}-${loop}`, x: p.x, y: p.y })) };
  }

  private event(ts: number, people: ReplayFrame['people']): BusEvents['cameraTracks'] {
    return { deviceId: this.options.camera, kind: 'camera', ts, frame: this.next, space: 'floor', people };
  }

  private tick(): void {
    this.timer = undefined;
    if (this.paused) return;
    const { speed, startMs, loops } = this.options;
    const total = loops === undefined ? Number.POSITIVE_INFINITY : loops * zara01Frames().length;
    for (;;) {
      if (this.next >= total) {
        this.finish?.();
        return;
      }
      const { ts, people } = this.frame(this.next);
      const due = Math.max(this.wallStart + (ts - startMs) / speed, ts - AHEAD_MS);
      const wait = due - Date.now();
      if (wait > 0) {
        this.timer = setTimeout(() => this.tick(), Math.min(wait, 1000));
        return;
      }
      const client = this.client;
      if (client?.connected) {
        client.publish(this.topic, encodeForWire(this.stream, this.event(ts, people)), { qos: 0 });
        this.stats.published += 1;
        this.stats.lastTs = ts;
      } else {
        this.stats.skipped += 1;
      }
      this.next += 1;
    }
  }
}
