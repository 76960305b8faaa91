/**
 * Typed stream constructors. `jsonStream` ties a TypeBox schema to its decode/encode with the payload
 * type inferred from the schema, so a profile cannot decode a field its schema does not declare.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import type { BusEventName, BusEvents } from '../../src/bus.js';
import type { BinaryStream, DecodeContext, JsonStream } from '../../src/ingest/profile.js';

export interface JsonStreamDefinition<S extends TSchema, E extends BusEventName> {
  description: string;
  event: E;
  schema: S;
  decode(payload: Static<S>, context: DecodeContext): BusEvents[E];
  encode(event: BusEvents[E]): Static<S>;
  examples: Static<S>[];
}

export function jsonStream<S extends TSchema, E extends BusEventName>(
  definition: JsonStreamDefinition<S, E>,
): JsonStream<E> {
  return {
    payload: 'json',
    description: definition.description,
    event: definition.event,
    schema: definition.schema,
    examples: definition.examples,
    // The ingest calls decode only after the schema passed, so the payload has the schema's type.
    decode: definition.decode as JsonStream<E>['decode'],
    encode: definition.encode,
  };
}

export function binaryStream<E extends BusEventName>(definition: Omit<BinaryStream<E>, 'payload'>): BinaryStream<E> {
  return { payload: 'jpeg', ...definition };
}
