/**
 * Replay (issue 3 "Replay", ARCHITECTURE §9 `omo-edge replay`): a track file published as one camera's
 * `omo/camera/<ID>/tracks` over MQTT, one message per frame time, paced by event time at `speed`, so the
 * live path can be compared with `analyze`. Payloads are built by the camera profile's `encode`
 * (devices/), never by hand.
 *
 * Timestamps: file time t (s) goes out as ts = round(1000·t) + shift. The shift puts the file in the
 * recent past so that no reading is ahead of the gateway clock at the moment it is sent (the ingest
 * refuses `ts` more than `max_future_s` ahead): with speed X ≥ 1 event time runs X times faster than the
 * wall clock, so the file's first sample lands at now − duration·(1 − 1/X) and its last at the moment it
 * is sent. The shift is then rounded down to whole bins (`alignMs`), so bin boundaries of the file fall
 * on bin boundaries of the gateway and per-bin figures compare one to one with `analyze`.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { encodeForWire, profiles } from '../../devices/index.js';
import type { BusEvents } from '../bus.js';
import type { JsonStream } from '../ingest/profile.js';
import type { TrackRow } from '../paths/tracks-file.js';

/** The camera profile's limit on people per message. */
export const MAX_PEOPLE_PER_FRAME = 512;

export interface ReplayFrame {
  /** File time, seconds. */
  t: number;
  people: { id: string; x: number; y: number }[];
}

/** Groups a file's rows into frames by time (ascending; file order within a frame). */
export function framesOf(rows: readonly TrackRow[]): ReplayFrame[] {
  const byTime = new Map<number, ReplayFrame>();
  for (const row of rows) {
    let frame = byTime.get(row.t);
    if (frame === undefined) {
      frame = { t: row.t, people: [] };
      byTime.set(row.t, frame);
    }
    if (frame.people.some((p) => p.id === row.id)) {
      throw new Error(`tracks: id ${row.id} has two samples at t = ${row.t}; a camera frame lists each person once`);
    }
    frame.people.push({ id: row.id, x: row.x, y: row.y });
    if (frame.people.length > MAX_PEOPLE_PER_FRAME) {
      throw new Error(`tracks: more than ${MAX_PEOPLE_PER_FRAME} people at t = ${row.t}, the camera profile's limit`);
    }
  }
  return [...byTime.values()].sort((a, b) => a.t - b.t);
}

/** The shift (ms) from file time to event time; see the file comment. */
export function replayShiftMs(firstT: number, lastT: number, speed: number, startMs: number, alignMs: number): number {
  const durationMs = (lastT - firstT) * 1000;
  const latest = startMs - Math.round(firstT * 1000) - Math.max(0, durationMs * (1 - 1 / speed));
  return Math.floor(latest / alignMs) * alignMs;
}

export interface ReplayOptions {
  url: string;
  camera: string;
  password: string;
  frames: readonly ReplayFrame[];
  speed: number;
  /** Bin length to align the shift to, ms. */
  alignMs: number;
  /** Called about every 5 s of wall time. */
  onProgress?: (sent: number, total: number) => void;
}

export interface ReplayReport {
  camera: string;
  topic: string;
  frames: number;
  samples: number;
  speed: number;
  shift_ms: number;
  first_ts: number;
  last_ts: number;
  /** Error replies the gateway sent on the camera's error topic (refused frames). */
  refused: number;
  refusals: string[];
  wall_s: number;
}

export async function replayFrames(options: ReplayOptions): Promise<ReplayReport> {
  const { camera, frames, speed } = options;
  const first = frames[0];
  const last = frames[frames.length - 1];
  if (first === undefined || last === undefined) throw new Error('tracks: the file has no samples to replay');
  if (!(speed > 0)) throw new Error(`speed must be greater than 0, got ${speed}`);
  const stream = profiles.get('camera')?.publishes.tracks as JsonStream<'cameraTracks'> | undefined;
  if (stream === undefined) throw new Error('the device catalog has no camera tracks stream');
  const topic = `omo/camera/${camera}/tracks`;
  const client = await mqtt.connectAsync(options.url, {
    clientId: camera,
    username: camera,
    password: options.password,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
  });
  const refusals: string[] = [];
  client.on('message', (_topic, payload) => refusals.push(payload.toString('utf8')));
  try {
    await client.subscribeAsync(`omo/camera/${camera}/error`, { qos: 1 });
    const startMs = Date.now();
    const shift = replayShiftMs(first.t, last.t, speed, startMs, options.alignMs);
    let samples = 0;
    let progressAt = startMs;
    for (let i = 0; i < frames.length; i++) {
      const frame = frames[i] as ReplayFrame;
      const due = startMs + ((frame.t - first.t) * 1000) / speed;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const event: BusEvents['cameraTracks'] = {
        deviceId: camera,
        kind: 'camera',
        ts: Math.round(frame.t * 1000) + shift,
        frame: i,
        space: 'floor',
        people: frame.people,
      };
      await client.publishAsync(topic, encodeForWire(stream, event), { qos: 1 });
      samples += frame.people.length;
      if (options.onProgress !== undefined && Date.now() - progressAt >= 5000) {
        progressAt = Date.now();
        options.onProgress(i + 1, frames.length);
      }
    }
    // Error replies travel after the PUBACK; a short quiet period lets the last ones arrive.
    await new Promise((resolve) => setTimeout(resolve, 300));
    return {
      camera,
      topic,
      frames: frames.length,
      samples,
      speed,
      shift_ms: shift,
      first_ts: Math.round(first.t * 1000) + shift,
      last_ts: Math.round(last.t * 1000) + shift,
      refused: refusals.length,
      refusals: refusals.slice(0, 10),
      wall_s: (Date.now() - startMs) / 1000,
    };
  } finally {
    await endClient(client);
  }
}

async function endClient(client: MqttClient): Promise<void> {
  await client.endAsync().catch(() => undefined);
}
