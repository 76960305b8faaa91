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
