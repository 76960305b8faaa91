/**
 * E2E: the embedded broker with real mqtt.js clients on port 0 — authentication, ACL, rate and topic
 * limits. Transports, size/connection limits, lifecycle and registry changes are in broker-*.test.ts.
 */
import { connect as connectTcp } from 'node:net';
import type mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../broker/helpers/harness.js';
import { connackCode, connectPacket } from '../broker/helpers/mqtt-bytes.js';
import { subscribeCodes, waitFor } from '../broker/helpers/wait.js';

let h: Harness;
afterEach(async () => h.stop());

/** The CONNACK return code mqtt.js reports for a refused CONNECT. */
async function refusalCode(options: mqtt.IClientOptions): Promise<number | undefined> {
  try {
    await h.connect(options);
    throw new Error('connected but should have been refused');
  } catch (error) {
    return (error as { code?: number }).code;
  }
}

/**
 * Sends a raw CONNECT and returns what the broker answered: the 4-byte CONNACK, or less if it closed
 * first (or nothing came within 10 s). It waits for the CONNACK itself, not a fixed second: checking
 * the password (scrypt) on a loaded machine can take longer than that.
 */
function rawExchange(port: number, bytes: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connectTcp(port, '127.0.0.1', () => socket.write(bytes));
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => socket.destroy(), 10_000);
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= 4) socket.destroy();
    });
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
  });
}

describe('E2E: authentication', () => {
  let password: string;
  beforeEach(async () => {
    h = await startHarness();
    password = await h.addDevice('s1');
    await h.addDevice('s2');
  });

  it('accepts a registered device with its password and counts the connection', async () => {
    const client = await h.connect({ clientId: 's1', username: 's1', password });
    expect(client.connected).toBe(true);
    expect(h.broker.connectedCount()).toBe(1);
    expect(await h.metric('omo_broker_connections')).toBe(1);
    expect(await h.metric('omo_broker_connects_total')).toBe(1);
  });

  it('refuses unknown devices, wrong passwords and anonymous clients with the right CONNACK codes', async () => {
    expect(await refusalCode({ clientId: 'ghost', username: 'ghost', password })).toBe(4);
    expect(await refusalCode({ clientId: 's1', username: 's1', password: `${password}x` })).toBe(4);
    expect(await refusalCode({ clientId: 's1', username: 's1' })).toBe(4);
    expect(await refusalCode({ clientId: 's1' })).toBe(5);
    expect(await h.metric('omo_broker_auth_failures_total', { reason: 'unknown_device' })).toBe(1);
    expect(await h.metric('omo_broker_auth_failures_total', { reason: 'bad_password' })).toBe(2);
    expect(await h.metric('omo_broker_auth_failures_total', { reason: 'anonymous' })).toBe(1);
    expect(await h.metric('omo_broker_connects_total')).toBe(0);
    expect(h.broker.connectedCount()).toBe(0);
  });

  it('accepts a client id that is the device id or starts with "<id>:", refuses others with 2', async () => {
    await h.connect({ clientId: 's1:probe', username: 's1', password });
    // s2 is another device: taking its client id would close its session.
    expect(await refusalCode({ clientId: 's2', username: 's1', password })).toBe(2);
    expect(await refusalCode({ clientId: 's1-x', username: 's1', password })).toBe(2);
    expect(await refusalCode({ clientId: `s1:${'x'.repeat(200)}`, username: 's1', password })).toBe(2);
    expect(await h.metric('omo_broker_auth_failures_total', { reason: 'client_id_mismatch' })).toBe(2);
    expect(await h.metric('omo_broker_auth_failures_total', { reason: 'client_id_length' })).toBe(1);
  });

  it('refuses an empty client id with clean session off [MQTT-3.1.3-7/8], accepts it with clean session on', async () => {
    const refused = await rawExchange(
      h.ports.mqtt,
      connectPacket({ clientId: '', clean: false, username: 's1', password }),
    );
    expect(connackCode(refused)).toBe(2);
    expect(await h.metric('omo_broker_auth_failures_total', { reason: 'empty_client_id' })).toBe(1);
    const accepted = await rawExchange(
      h.ports.mqtt,
      connectPacket({ clientId: '', clean: true, username: 's1', password }),
    );
    expect(connackCode(accepted)).toBe(0);
  });

  it('answers an MQTT 5 CONNECT with "unacceptable protocol version" (aedes 1.2 speaks 3.1.1) and counts it', async () => {
    expect(await refusalCode({ clientId: 's1', username: 's1', password, protocolVersion: 5 })).toBe(1);
    // aedes emits connackSent after the write completes, which can be after the client saw it.
    await h.eventually('omo_broker_auth_failures_total', { reason: 'unsupported_protocol' }, 1);
  });

  it('refuses a device whose kind has no profile, and a last will outside its own topics', async () => {
    const fridge = await h.addDevice('f1', 'fridge');
    expect(await refusalCode({ clientId: 'f1', username: 'f1', password: fridge })).toBe(5);
    const will = {
      topic: 'omo/shelf/s2/status',
      payload: Buffer.from('{"status":"offline"}'),
      qos: 0 as const,
      retain: false,
    };
    expect(await refusalCode({ clientId: 's1', username: 's1', password, will })).toBe(5);
    expect(await h.metric('omo_broker_auth_failures_total', { reason: 'no_profile' })).toBe(1);
    expect(await h.metric('omo_broker_auth_failures_total', { reason: 'will_acl' })).toBe(1);
  });
});

describe('E2E: ACL', () => {
  let s1: MqttClient;
  let s2: MqttClient;
  beforeEach(async () => {
    h = await startHarness();
    const p1 = await h.addDevice('s1');
    const p2 = await h.addDevice('s2');
    s1 = await h.connect({ clientId: 's1', username: 's1', password: p1 });
    s2 = await h.connect({ clientId: 's2', username: 's2', password: p2 });
  });

  it("refuses a publish on another device's topic and counts it, while the device's own traffic flows", async () => {
    const received: string[] = [];
    await s2.subscribeAsync('omo/shelf/s2/config');
    s2.on('message', (topic) => received.push(topic));

    await s1.publishAsync('omo/shelf/s1/temp', '{"celsius":4,"ts":1}', { qos: 1 });
    s1.publish('omo/shelf/s2/temp', '{"celsius":99,"ts":2}', { qos: 0 });
    // Spoofing another device's downlink: refused, and s2 must not receive it.
    await s1.publishAsync('omo/shelf/s2/config', '{"evil":true}', { qos: 1 });
    s1.publish('omo/shelf/s1/bogus', '{}', { qos: 0 });
    s1.publish('$SYS/omo/hack', 'x', { qos: 0 });
    await s1.publishAsync('omo/shelf/s1/temp', '{"celsius":5,"ts":3}', { qos: 1 });
    await s1.publishAsync('omo/shelf/s1/status', '{"status":"online"}', { qos: 0 });

    await waitFor('three accepted messages', () => h.messages.length === 3);
    expect(h.messages.map((m) => [m.deviceId, m.stream, m.payload.toString()])).toEqual([
      ['s1', 'temp', '{"celsius":4,"ts":1}'],
      ['s1', 'temp', '{"celsius":5,"ts":3}'],
      ['s1', 'status', '{"status":"online"}'],
    ]);
    expect(h.messages[0]).toMatchObject({ kind: 'shelf', topic: 'omo/shelf/s1/temp' });
    expect(h.refusals.map((r) => [r.deviceId, r.kind, r.reason, r.topic])).toEqual([
      ['s1', 'shelf', 'acl', 'omo/shelf/s2/temp'],
      ['s1', 'shelf', 'acl', 'omo/shelf/s2/config'],
      ['s1', 'shelf', 'acl', 'omo/shelf/s1/bogus'],
      ['s1', 'shelf', 'acl', '$SYS/omo/hack'],
    ]);
    expect(h.refusals[0]?.payload?.toString()).toBe('{"celsius":99,"ts":2}');
    expect(h.refusals[2]?.detail).toBe('stream "bogus" is not one a shelf publishes (temp, status)');
    expect(await h.metric('omo_broker_refused_total', { reason: 'acl' })).toBe(4);
    expect(await h.metric('omo_broker_messages_total', { kind: 'shelf' })).toBe(3);
    expect(s1.connected).toBe(true);
    expect(received).toEqual([]);
  });

  it('grants only its own downlink subscriptions; others, wildcards elsewhere and $SYS get 0x80', async () => {
    const topics = [
      'omo/shelf/s1/config',
      'omo/shelf/s1/error',
      'omo/shelf/s2/config',
      '$SYS/#',
      '#',
      'omo/+/s1/config',
      'omo/shelf/s1/temp',
      'omo/shelf/s1/#',
    ];
    expect(await subscribeCodes(s1, topics)).toEqual([0, 0, 128, 128, 128, 128, 128, 0]);
    expect(await h.metric('omo_broker_subscriptions_refused_total')).toBe(5);
    expect(s1.connected).toBe(true);
  });

  it('delivers downlink to the device, never its uplink through a wildcard, and never loops gateway publishes back', async () => {
    await s1.subscribeAsync('omo/shelf/s1/#');
    const received: string[] = [];
    s1.on('message', (topic, payload) => received.push(`${topic} ${payload.toString()}`));
    await s1.publishAsync('omo/shelf/s1/temp', '{"celsius":4,"ts":1}', { qos: 1 });
    await h.broker.publish('omo/shelf/s1/temp', 'gateway on an uplink topic');
    await h.broker.publish('omo/shelf/s1/error', '{"reason":"test"}', { qos: 1 });
    await h.broker.publish('omo/shelf/s1/config', '{"v":2}', { retain: true });
    await waitFor('two downlink messages', () => received.length === 2);
    expect(received).toEqual(['omo/shelf/s1/error {"reason":"test"}', 'omo/shelf/s1/config {"v":2}']);
    expect(h.messages.map((m) => m.payload.toString())).toEqual(['{"celsius":4,"ts":1}']);
    await expect(h.broker.publish('omo/+/x', 'y')).rejects.toThrow('no wildcards');
  });
});

describe('E2E: per-client limits', () => {
  it('refuses publishes over the rate with rate_limited, without disconnecting', async () => {
    h = await startHarness({ limits: { publish_rate_per_s: 2, publish_burst: 5 } });
    const client = await h.connect({ clientId: 's1', username: 's1', password: await h.addDevice('s1') });
    const began = performance.now();
    for (let i = 0; i < 20; i++) client.publish('omo/shelf/s1/temp', `{"celsius":${i},"ts":${i}}`);
    await waitFor('20 outcomes', () => h.messages.length + h.refusals.length === 20);
    // The burst passes; beyond it only what the rate refilled while the 20 were handled (2 per second
    // of that span). Bounding by the span measured here, not by a guess of it, keeps a slow run exact.
    const refilled = Math.floor((2 * (performance.now() - began)) / 1000);
    expect(h.messages.length).toBeGreaterThanOrEqual(5);
    expect(h.messages.length).toBeLessThanOrEqual(5 + refilled);
    expect(h.refusals.every((r) => r.reason === 'rate_limited' && r.deviceId === 's1')).toBe(true);
    expect(await h.metric('omo_broker_refused_total', { reason: 'rate_limited' })).toBe(h.refusals.length);
    expect(client.connected).toBe(true);
    // The bucket refills: after a second the device may publish again.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const before = h.messages.length;
    await client.publishAsync('omo/shelf/s1/temp', '{"celsius":1,"ts":99}', { qos: 1 });
    await waitFor('a publish after the refill', () => h.messages.length === before + 1);
  });

  it('refuses topics deeper than max_topic_levels without disconnecting', async () => {
    h = await startHarness();
    const client = await h.connect({ clientId: 's1', username: 's1', password: await h.addDevice('s1') });
    await client.publishAsync('omo/shelf/s1/temp/a/b/c/d/e', '{}', { qos: 1 });
    await client.publishAsync('omo/shelf/s1/temp', '{"celsius":1,"ts":1}', { qos: 1 });
    await waitFor('the valid publish', () => h.messages.length === 1);
    expect(h.refusals.map((r) => r.reason)).toEqual(['topic_levels']);
    expect(await subscribeCodes(client, ['omo/shelf/s1/a/b/c/d/e/f'])).toEqual([128]);
    expect(client.connected).toBe(true);
  });
});
