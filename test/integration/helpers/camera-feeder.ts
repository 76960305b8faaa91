/**
 * The demo store's smart cameras over real MQTT, pausable: the camera frames of a StoreSimulation
 * (src/simulate, the real simulator) published by one MQTT client per camera with the camera profile's
 * encoding, `speed` event seconds per wall second from a start in the past (the catch-up clock's rule:
 * never ahead of the wall clock). While the gateway is down the store's clock stands still — no frame
 * falls due while nobody listens — and it goes on from the same frame once both cameras are connected
 * again; a frame published into a connection the gateway has just died on is lost, as a camera's would
 * be. So a kill -9 costs exactly what the gateway had taken and not yet checkpointed.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { deviceTopic, encodeForWire, profiles } from '../../../devices/index.js';
import type { BusEvents } from '../../../src/bus.js';
import type { JsonStream } from '../../../src/ingest/profile.js';

type Frame = BusEvents['cameraTracks'];

/** Store time published per wake-up at most (as the simulator's runner: cameras stay within it of each other). */
const SLICE_MS = 500;
const TICK_MS = 20;

export interface CameraFeederOptions {
  url: string;
  /** Password per camera id. */
  passwords: ReadonlyMap<string, string>;
  frames: readonly Frame[];
  speed: number;
}

export class CameraFeeder {
  private readonly clients = new Map<string, MqttClient>();
  private next = 0;
  /** Event time reached, epoch ms. */
  private cursor: number;
  private lastTick = 0;
  private timer: NodeJS.Timeout | undefined;
  private finished: (() => void) | undefined;
  /** Resolves once every frame is out, the last of each camera acknowledged (QoS 1). */
  readonly done: Promise<void>;
  published = 0;

  constructor(private readonly options: CameraFeederOptions) {
    this.cursor = (options.frames[0]?.ts ?? 0) - 1;
    this.done = new Promise((resolve) => {
      this.finished = resolve;
    });
  }

  /** Event time reached (epoch ms) and the share of the frames published. */
  get progress(): { ts: number; share: number } {
    return { ts: this.cursor, share: this.next / this.options.frames.length };
  }

  async start(): Promise<void> {
    for (const [camera, password] of this.options.passwords) {
      const client = await mqtt.connectAsync(this.options.url, {
        clientId: camera,
        username: camera,
        password,
        reconnectPeriod: 100,
        connectTimeout: 5000,
        queueQoSZero: false,
      });
      this.clients.set(camera, client);
    }
    this.lastTick = performance.now();
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([...this.clients.values()].map((client) => client.endAsync(true)));
  }

  /** One more frame per camera, a copy of its last at the same time, with QoS 1: its PUBACK says all are in. */
  private async acknowledgedLast(stream: JsonStream<'cameraTracks'>): Promise<void> {
    const frames = this.options.frames;
    await Promise.all(
      [...this.clients].map(([camera, client]) => {
        const last = frames.findLast((frame) => frame.deviceId === camera) as Frame;
        return client.publishAsync(deviceTopic('camera', camera, 'tracks'), encodeForWire(stream, last), { qos: 1 });
      }),
    );
    this.finished?.();
  }

  private tick(): void {
    const now = performance.now();
    const elapsed = now - this.lastTick;
    this.lastTick = now;
    if (![...this.clients.values()].every((client) => client.connected)) return; // the store's clock stands still
    const { frames, speed } = this.options;
    this.cursor = Math.min(this.cursor + Math.min(elapsed * speed, SLICE_MS), Date.now());
    const stream = profiles.get('camera')?.publishes.tracks as JsonStream<'cameraTracks'>;
    for (; this.next < frames.length && (frames[this.next] as Frame).ts <= this.cursor; this.next++) {
      const frame = frames[this.next] as Frame;
      const client = this.clients.get(frame.deviceId);
      client?.publish(deviceTopic('camera', frame.deviceId, 'tracks'), encodeForWire(stream, frame), { qos: 0 });
      this.published += 1;
    }
    if (this.next >= frames.length) {
      clearInterval(this.timer);
      void this.acknowledgedLast(stream);
    }
  }
}
