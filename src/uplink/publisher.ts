/**
 * One batch → one QoS 1 PUBLISH, resolved on the broker's PUBACK (ARCHITECTURE §7). The promise
 * rejects when mqtt.js reports an error: a PUBACK reason code >= 0x80 [MQTT-3.4.2.1] (not authorised,
 * quota exceeded, packet too large…) or a local refusal (packet over the broker's Maximum Packet Size).
 */
import type { MqttClient } from 'mqtt';
import type { OutboxRecord } from '../store/outbox/records.js';
import type { OutboxStream } from '../store/outbox/streams.js';
import { encodePayload, envelopeJson, type UplinkTopics } from './payload.js';

export interface PublishTarget {
  client: MqttClient;
  topics: UplinkTopics;
  gatewayId: string;
  storeId: string;
  gzip: boolean;
}

export interface Batch {
  stream: OutboxStream;
  messageSeq: number;
  records: readonly OutboxRecord[];
}

export async function publishBatch(target: PublishTarget, batch: Batch): Promise<void> {
  // The status stream is retained (§7): a new subscriber sees the latest gateway status at once.
  const isStatus = batch.stream === 'status';
  const json = envelopeJson(
    {
      stream: batch.stream,
      gateway: target.gatewayId,
      store: target.storeId,
      seq: batch.messageSeq,
      sentAt: new Date(),
      ...(isStatus ? { state: 'online' as const } : {}),
    },
    batch.records.map((record) => record.body),
  );
  const { payload, properties } = await encodePayload(json, target.gzip);
  await new Promise<void>((resolve, reject) => {
    target.client.publish(
      target.topics.stream(batch.stream),
      payload,
      { qos: 1, retain: isStatus, properties },
      (error) => (error ? reject(error) : resolve()),
    );
  });
}

/** PUBACK 0x95 or mqtt.js's local size check: the batch is bigger than the broker accepts. */
export function isPacketTooLarge(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as Error & { code?: unknown }).code;
  return code === 0x95 || /packet.*size|too large/i.test(error.message);
}
