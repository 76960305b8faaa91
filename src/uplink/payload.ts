/**
 * Uplink topics and payloads (ARCHITECTURE §7).
 *
 * Topic `<topic_prefix>/<storeId>/v1/<stream>`; payload
 *   {"schema":"omo-edge/<stream>/v1","gateway":…,"store":…,"seq":n,"sent_at":ISO,"records":[…]}
 * `seq` numbers the messages of one stream (strictly increasing, gaps after a restart); every record
 * carries `id` = `<gateway>:<stream>:<record seq>`, the key the cloud deduplicates by, and `produced_at`.
 * Messages on the status topic also carry `"state":"online"|"offline"`; connection-state messages
 * (birth, clean stop, last will) have `seq: 0` and no records. envelope-schema.ts is the JSON Schema.
 *
 * Encoding, told to MQTT 5 receivers in the PUBLISH properties: plain JSON is content type
 * `application/json` with payload format indicator 1 (UTF-8, [MQTT-3.3.2.3.2]); with `uplink.gzip`
 * the body is gzip'd JSON, format indicator 0 and user property `content-encoding: gzip`.
 */
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import type { IClientPublishOptions } from 'mqtt';
import type { OutboxStream } from '../store/outbox/streams.js';

const gzip = promisify(gzipCallback);

export type ConnectionState = 'online' | 'offline';

export function schemaName(stream: OutboxStream): string {
  return `omo-edge/${stream}/v1`;
}

export interface UplinkTopics {
  stream(stream: OutboxStream): string;
  status: string;
  resend: string;
  /** Where resend results go when the command carries no MQTT 5 response topic. */
  resendReply: string;
}

export function uplinkTopics(prefix: string, storeId: string): UplinkTopics {
  const base = `${prefix}/${storeId}/v1`;
  return {
    stream: (stream) => `${base}/${stream}`,
    status: `${base}/status`,
    resend: `${base}/cmd/resend`,
    resendReply: `${base}/cmd/resend/reply`,
  };
}

export interface EnvelopeHead {
  stream: OutboxStream;
  gateway: string;
  store: string;
  seq: number;
  sentAt: Date;
  state?: ConnectionState;
}

/** Builds the JSON text by joining the stored record bodies: no record is parsed or re-serialised. */
export function envelopeJson(head: EnvelopeHead, bodies: readonly string[]): string {
  const state = head.state === undefined ? '' : `,"state":"${head.state}"`;
  return (
    `{"schema":"${schemaName(head.stream)}","gateway":${JSON.stringify(head.gateway)},` +
    `"store":${JSON.stringify(head.store)},"seq":${head.seq},"sent_at":"${head.sentAt.toISOString()}"${state},` +
    `"records":[${bodies.join(',')}]}`
  );
}

export interface EncodedPayload {
  payload: Buffer;
  properties: NonNullable<IClientPublishOptions['properties']>;
}

export async function encodePayload(json: string, useGzip: boolean): Promise<EncodedPayload> {
  if (!useGzip) {
    return {
      payload: Buffer.from(json, 'utf8'),
      properties: {
        contentType: 'application/json',
        payloadFormatIndicator: true,
      },
    };
  }
  return {
    payload: await gzip(json),
    properties: {
      contentType: 'application/json',
      payloadFormatIndicator: false,
      userProperties: { 'content-encoding': 'gzip' },
    },
  };
}
