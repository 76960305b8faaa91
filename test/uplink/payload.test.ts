import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { buildClientOptions, redactUrl } from '../../src/uplink/client-options.js';
import { UplinkEnvelopeSchema } from '../../src/uplink/envelope-schema.js';
import { encodePayload, envelopeJson, uplinkTopics } from '../../src/uplink/payload.js';
import { stateMessageJson } from '../../src/uplink/status.js';
import { uplinkConfig } from './fixtures.js';

const addFormats = addFormatsModule as unknown as { default: (ajv: Ajv) => Ajv };
const ajv = new Ajv({ strict: false });
addFormats.default(ajv);
const validate = ajv.compile(UplinkEnvelopeSchema);

const head = {
  stream: 'zones' as const,
  gateway: 'gw-1',
  store: 's"1',
  seq: 7,
  sentAt: new Date('2024-03-01T10:00:00Z'),
};
const body = '{"id":"gw-1:zones:3","produced_at":"2024-03-01T09:59:00.000Z","zone":"bakery"}';

describe('uplink payloads', () => {
  it('builds the §7 envelope from stored bodies, valid against the published schema', () => {
    const json = envelopeJson(head, [body, body.replace(':3', ':4')]);
    const parsed = JSON.parse(json);
    expect(parsed).toEqual({
      schema: 'omo-edge/zones/v1',
      gateway: 'gw-1',
      store: 's"1',
      seq: 7,
      sent_at: '2024-03-01T10:00:00.000Z',
      records: [JSON.parse(body), JSON.parse(body.replace(':3', ':4'))],
    });
    expect(validate(parsed)).toBe(true);
    expect(
      validate(
        JSON.parse(
          stateMessageJson({
            gateway: 'gw-1',
            store: 's',
            state: 'offline',
            reason: 'connection_lost',
            sentAt: new Date(),
          }),
        ),
      ),
    ).toBe(true);
  });

  it('the schema rejects what the cloud could not deduplicate or date', () => {
    const good = JSON.parse(envelopeJson(head, [body]));
    expect(validate({ ...good, records: [{ ...good.records[0], id: 'gw-1:video:1' }] })).toBe(false);
    expect(validate({ ...good, records: [{ ...good.records[0], produced_at: 'yesterday' }] })).toBe(false);
    expect(validate({ ...good, sent_at: '2024-13-45' })).toBe(false);
  });

  it('gzips on request and labels the encoding in MQTT 5 properties', async () => {
    const plain = await encodePayload('{"a":1}', false);
    expect(plain.properties).toEqual({ contentType: 'application/json', payloadFormatIndicator: true });
    const zipped = await encodePayload('{"a":1}', true);
    expect(zipped.properties).toMatchObject({
      payloadFormatIndicator: false,
      userProperties: { 'content-encoding': 'gzip' },
    });
    expect(gunzipSync(zipped.payload).toString()).toBe('{"a":1}');
  });

  it('names topics per store and stream', () => {
    const topics = uplinkTopics('chain', 'store-9');
    expect([topics.stream('footfall'), topics.status, topics.resend, topics.resendReply]).toEqual([
      'chain/store-9/v1/footfall',
      'chain/store-9/v1/status',
      'chain/store-9/v1/cmd/resend',
      'chain/store-9/v1/cmd/resend/reply',
    ]);
  });
});

describe('client options', () => {
  const identity = { gatewayId: 'gw-1', storeId: 's1' };
  const will = { topic: 'omo/s1/v1/status', json: '{}' };

  it('hides passwords in URLs shown to people', () => {
    expect(redactUrl('mqtts://user:secret@broker.example:8883')).toBe('mqtts://user:***@broker.example:8883');
    expect(redactUrl('wss://broker.example/mqtt')).toBe('wss://broker.example/mqtt');
  });

  it('reads PEM files relative to the config directory and sets a retained offline will', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omo-pem-'));
    try {
      writeFileSync(join(dir, 'ca.pem'), 'CA');
      writeFileSync(join(dir, 'client.pem'), 'CERT');
      writeFileSync(join(dir, 'client.key'), 'KEY');
      const config = uplinkConfig('mqtts://b:8883', {
        ca_file: 'ca.pem',
        cert_file: 'client.pem',
        key_file: 'client.key',
        username: 'u',
        password: 'p',
      });
      const options = await buildClientOptions(config, identity, dir, will);
      expect(options).toMatchObject({
        clientId: 'omo-edge-gw-1',
        protocolVersion: 5,
        reconnectPeriod: 0,
        clean: false,
        username: 'u',
        password: 'p',
      });
      expect([options.ca?.toString(), options.cert?.toString(), options.key?.toString()]).toEqual([
        'CA',
        'CERT',
        'KEY',
      ]);
      expect(options.will).toMatchObject({ topic: will.topic, qos: 1, retain: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the config key when a file is missing or a certificate lacks its key', async () => {
    await expect(
      buildClientOptions(uplinkConfig('mqtts://b', { ca_file: 'nope.pem' }), identity, '/nonexistent', will),
    ).rejects.toThrow('uplink.ca_file: cannot read /nonexistent/nope.pem: ENOENT');
    await expect(
      buildClientOptions(uplinkConfig('mqtts://b', { cert_file: 'c.pem' }), identity, '/', will),
    ).rejects.toThrow('uplink.cert_file is set without uplink.key_file');
  });
});
