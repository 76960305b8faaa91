/**
 * The simulator hook: the bytes a device of this kind would publish for a bus event — the profile's
 * `encode`, serialised the way the payload type travels (JSON text or raw JPEG bytes).
 */
import type { BusEventName, BusEvents } from '../../src/bus.js';
import type { StreamProfile } from '../../src/ingest/profile.js';

export function encodeForWire(stream: StreamProfile, event: BusEvents[BusEventName]): Buffer {
  return stream.payload === 'json' ? Buffer.from(JSON.stringify(stream.encode(event))) : stream.encode(event);
}
