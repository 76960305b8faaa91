/**
 * The cloud side of the uplink tests: an mqtt.js subscriber on the Mosquitto "cloud broker" that keeps
 * every message it receives on `<prefix>/<store>/v1/#`, decoded (gunzip when the MQTT 5 user property
 * says so), checked against the envelope JSON Schema, and deduplicated by record id as a real consumer
 * would. Its session is persistent (clean: false) so messages published while it reconnects after a
 * broker restart are queued for it rather than lost (the broker needs persistence for that).
 */
import { gunzipSync } from 'node:zlib';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import { type UplinkEnvelope, UplinkEnvelopeSchema } from '../../src/uplink/envelope-schema.js';

// ajv-formats is CommonJS; under NodeNext its default export arrives as the module object.
const addFormats = addFormatsModule as unknown as { default: (ajv: Ajv) => Ajv };
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
const validateEnvelope = ajv.compile(UplinkEnvelopeSchema);

export interface ReceivedMessage {
  topic: string;
  retain: boolean;
  gzip: boolean;
  envelope: UplinkEnvelope;
}

export class CloudCollector {
  readonly messages: ReceivedMessage[] = [];
  /** Payloads that failed the schema, with the reason; a correct uplink leaves this empty. */
  readonly invalid: string[] = [];
  private client: MqttClient | undefined;

  constructor(
    private readonly url: string,
    private readonly filter: string,
    private readonly clientId = `cloud-${Math.random().toString(16).slice(2)}`,
    private readonly extra: IClientOptions = {},
  ) {}

  async start(): Promise<void> {
    const client = await mqtt.connectAsync(this.url, {
      clientId: this.clientId,
      protocolVersion: 5,
      clean: false,
      properties: { sessionExpiryInterval: 3600 },
      reconnectPeriod: 100,
      ...this.extra,
    });
    this.client = client;
    client.on('message', (topic, payload, packet) => this.receive(topic, payload, packet));
    await client.subscribeAsync(this.filter, { qos: 1 });
  }

  async stop(): Promise<void> {
    await this.client?.endAsync(true);
    this.client = undefined;
  }

  /** Records seen, by id, duplicates removed (what a deduplicating cloud consumer keeps). */
  uniqueRecords(stream?: string): Map<string, Record<string, unknown>> {
    const byId = new Map<string, Record<string, unknown>>();
    for (const message of this.messages) {
      if (stream !== undefined && !message.topic.endsWith(`/${stream}`)) continue;
      for (const record of message.envelope.records) byId.set(record.id, record);
    }
    return byId;
  }

  recordCount(): number {
    let n = 0;
    for (const message of this.messages) n += message.envelope.records.length;
    return n;
  }

  private receive(topic: string, payload: Buffer, packet: IPublishPacket): void {
    const gzip = packet.properties?.userProperties?.['content-encoding'] === 'gzip';
    let body: unknown;
    try {
      body = JSON.parse((gzip ? gunzipSync(payload) : payload).toString('utf8'));
    } catch (error) {
      this.invalid.push(`${topic}: not JSON (${(error as Error).message})`);
      return;
    }
    if (!validateEnvelope(body)) {
      this.invalid.push(`${topic}: ${ajv.errorsText(validateEnvelope.errors)}`);
      return;
    }
    this.messages.push({ topic, retain: packet.retain, gzip, envelope: body as UplinkEnvelope });
  }
}
