/**
 * Publishes camera track frames (bus events, e.g. the virtual store's `StoreSimulation` stream) to a real
 * gateway over MQTT, each camera on its own connection, as fast as the gateway acknowledges. Payloads are
 * built by the camera profile's `encode` (devices/), never by hand.
 *
 * Frames go out in event-time windows of `windowMs`: every frame of one window is sent with QoS 1 and the
 * next window starts only when all their PUBACKs are back. Cameras publish on separate connections whose
 * relative timing nobody controls; the window bounds how far one camera can run ahead of another in event
 * time, which must stay under the live path's watermark (`ingest.watermark_s`) or the slower camera's
 * frames would arrive late and be dropped. `shiftMs` is added to every `ts` (to move a simulated run into
 * the gateway's present: the ingest refuses readings from its future).
 */
import type { MqttClient } from 'mqtt';
import { encodeForWire, profiles } from '../../../devices/index.js';
import type { BusEvents } from '../../../src/bus.js';
import type { JsonStream } from '../../../src/ingest/profile.js';
import type { ReplayFrame } from '../../../src/simulate/track-replay.js';

export type TrackFrame = BusEvents['cameraTracks'];

/** Replay frames (file time in seconds) as one smart camera's floor-space frames, ts in epoch ms. */
export function cameraFrames(frames: readonly ReplayFrame[], camera: string): TrackFrame[] {
  return frames.map((frame, n) => ({
    deviceId: camera,
    kind: 'camera',
    ts: Math.round(frame.t * 1000),
    frame: n,
    space: 'floor',
    people: frame.people,
  }));
}

export interface PublishFramesOptions {
  /** One connected client per camera id that occurs in `frames`. */
  clients: ReadonlyMap<string, MqttClient>;
  /** In event-time order. */
  frames: readonly TrackFrame[];
  shiftMs: number;
  windowMs: number;
}

export async function publishFrames(options: PublishFramesOptions): Promise<number> {
  const stream = profiles.get('camera')?.publishes.tracks as JsonStream<'cameraTracks'> | undefined;
  if (stream === undefined) throw new Error('the device catalog has no camera tracks stream');
  const { clients, frames, shiftMs, windowMs } = options;
  let sent = 0;
  let start = 0;
  while (start < frames.length) {
    const windowEnd = (frames[start] as TrackFrame).ts + windowMs;
    let end = start;
    while (end < frames.length && (frames[end] as TrackFrame).ts < windowEnd) end++;
    await Promise.all(
      frames.slice(start, end).map((frame) => {
        const client = clients.get(frame.deviceId);
        if (client === undefined) throw new Error(`no MQTT client for camera ${frame.deviceId}`);
        const payload = encodeForWire(stream, { ...frame, ts: frame.ts + shiftMs });
        return client.publishAsync(`omo/camera/${frame.deviceId}/tracks`, payload, { qos: 1 });
      }),
    );
    sent += end - start;
    start = end;
  }
  return sent;
}
