/**
 * JSON Schema of an uplink message (ARCHITECTURE §7), for the cloud side and for the tests that check
 * every payload against it. Records are open objects: each stream's producer owns their other keys;
 * the uplink guarantees `id` and `produced_at`.
 */
import { type Static, Type as T } from '@sinclair/typebox';
import { OUTBOX_STREAMS } from '../store/outbox/streams.js';

const streamAlternatives = OUTBOX_STREAMS.join('|');

export const UplinkRecordSchema = T.Object(
  {
    id: T.String({
      description: '<gateway>:<stream>:<seq>; the cloud drops a record whose id it has seen.',
      pattern: `^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}:(${streamAlternatives}):[1-9][0-9]*$`,
    }),
    produced_at: T.String({
      format: 'date-time',
      description: 'When the gateway produced the record.',
    }),
  },
  { additionalProperties: true },
);

export const UplinkEnvelopeSchema = T.Object(
  {
    schema: T.String({ pattern: `^omo-edge/(${streamAlternatives})/v1$` }),
    gateway: T.String({ minLength: 1, maxLength: 64 }),
    store: T.String({ minLength: 1, maxLength: 64 }),
    seq: T.Integer({
      minimum: 0,
      description: 'Message seq per stream; 0 for connection-state messages.',
    }),
    sent_at: T.String({ format: 'date-time' }),
    state: T.Optional(
      T.Union([T.Literal('online'), T.Literal('offline')], {
        description: 'Status topic only.',
      }),
    ),
    reason: T.Optional(
      T.String({
        description: 'Why the gateway went offline: stopped | connection_lost.',
      }),
    ),
    records: T.Array(UplinkRecordSchema),
  },
  { additionalProperties: false },
);

export type UplinkEnvelope = Static<typeof UplinkEnvelopeSchema>;
export type UplinkRecord = Static<typeof UplinkRecordSchema>;
