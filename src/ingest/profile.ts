/**
 * What a device profile is (the files in devices/ are instances of it). A profile is data: for each
 * stream the device publishes, the payload schema, how a valid payload becomes a bus event (`decode`)
 * and how a bus event becomes a payload (`encode`, used by the simulator and the catalog test), plus the
 * downlink streams the device may subscribe to. The broker derives the ACL from it; the ingest compiles
 * the schemas once at start.
 */
import type { TSchema } from '@sinclair/typebox';
import type { BusEventName, BusEvents } from '../bus.js';

/** What decode needs to know besides the payload. */
export interface DecodeContext {
  deviceId: string;
  kind: string;
  /** Gateway clock when the message arrived, epoch ms. */
  receivedAt: number;
}

interface StreamBase<E extends BusEventName> {
  description: string;
  /** The bus event a valid message of this stream becomes. */
  event: E;
  /** Valid wire payloads, checked by the catalog test and shown in the README. */
  examples: unknown[];
}

export interface JsonStream<E extends BusEventName = BusEventName> extends StreamBase<E> {
  payload: 'json';
  /** JSON Schema (TypeBox) of the payload; must bound every number and string. */
  schema: TSchema;
  /** Turns a payload that passed the schema into the event. May throw DecodeError for cross-field rules. */
  decode(payload: unknown, context: DecodeContext): BusEvents[E];
  /** Turns an event into the payload this device kind sends. */
  encode(event: BusEvents[E]): unknown;
}

export interface BinaryStream<E extends BusEventName = BusEventName> extends StreamBase<E> {
  payload: 'jpeg';
  decode(payload: Buffer, context: DecodeContext): BusEvents[E];
  encode(event: BusEvents[E]): Buffer;
}

export type StreamProfile = JsonStream | BinaryStream;

export interface DeviceProfile {
  kind: string;
  description: string;
  /** Streams the device publishes on omo/<kind>/<id>/<stream>. `status` is common to all kinds. */
  publishes: Record<string, StreamProfile>;
  /** Streams the device may subscribe to on omo/<kind>/<id>/<stream>; `error` is common to all kinds. */
  receives: string[];
  /**
   * Store-context topics the device may read, published by the gateway under omo/gateway/<name>/…
   * (e.g. `occupancy`: people per zone, retained, which signage uses to pick content). Read-only.
   */
  readsContext?: string[];
}

/** A refusal found while decoding, after the schema passed (e.g. two lanes with the same number). */
export class DecodeError extends Error {
  constructor(
    readonly reason: string,
    readonly field: string,
    detail: string,
  ) {
    super(detail);
  }
}

/** A device's topic (ARCHITECTURE §4): omo/<kind>/<deviceId>/<stream>. */
export function deviceTopic(kind: string, deviceId: string, stream: string): string {
  return `omo/${kind}/${deviceId}/${stream}`;
}

/** A publish that passed the broker's authentication and ACL, handed to the ingest. */
export interface DeviceMessage {
  deviceId: string;
  kind: string;
  /** The last topic level: omo/<kind>/<deviceId>/<stream>. */
  stream: string;
  topic: string;
  payload: Buffer;
  /** Gateway clock at arrival, epoch ms. */
  receivedAt: number;
}

/**
 * A message refused anywhere before the bus (broker ACL, rate limit, size, decode, schema, watermark).
 * Every refusal gets an error reply when the device is known, a dead-letter row and a counter (§4).
 */
export interface Refusal {
  /** null when the sender is not a known device (e.g. a packet refused before CONNECT finished). */
  deviceId: string | null;
  kind: string | null;
  topic: string;
  /** Machine code, snake_case: unknown_topic, bad_json, schema, not_finite, too_new, late, oversize, bad_jpeg, decode_failed, acl, rate_limited, … */
  reason: string;
  /** A sentence naming the field and why, e.g. "lanes[0].grams must be a finite number, got NaN". */
  detail: string;
  payload?: Buffer;
  receivedAt: number;
}
