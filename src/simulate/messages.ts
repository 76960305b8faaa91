/**
 * What the simulated devices send, before encoding: one bus event per message, with the device and
 * stream it goes out on. The wire format belongs to the device profiles (devices/), which encode these
 * events; the simulator never writes a payload by hand.
 */
import type { BusEvents } from '../bus.js';

interface Envelope {
  /** Event time (epoch ms) at which the device sends the message; the order of the stream. */
  at: number;
  deviceId: string;
  kind: string;
}

export type SimulatedMessage =
  | (Envelope & { stream: 'tracks'; event: BusEvents['cameraTracks'] })
  | (Envelope & { stream: 'frame'; event: BusEvents['cameraFrame'] })
  | (Envelope & { stream: 'weight'; event: BusEvents['shelfWeight'] })
  | (Envelope & { stream: 'temp'; event: BusEvents['shelfTemperature'] })
  | (Envelope & { stream: 'play'; event: BusEvents['signagePlay'] })
  | (Envelope & { stream: 'status'; event: BusEvents['deviceStatus'] });

export type SimulatedStream = SimulatedMessage['stream'];

export function statusMessage(
  device: { id: string; kind: string },
  atMs: number,
  status: 'online' | 'offline',
  detail?: Record<string, unknown>,
): SimulatedMessage {
  const event = { deviceId: device.id, kind: device.kind, ts: atMs, status };
  return {
    at: atMs,
    deviceId: device.id,
    kind: device.kind,
    stream: 'status',
    event: detail === undefined ? event : { ...event, detail },
  };
}
