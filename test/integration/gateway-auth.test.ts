/**
 * E2E (issue 2, "Must show" 2; ARCHITECTURE §4, §11) on the composed gateway: unknown devices, wrong
 * passwords and anonymous clients are refused with the MQTT 3.1.1 CONNACK code src/broker/auth.ts gives
 * them (4 bad user name or password for unknown device and wrong password, 5 not authorized for
 * anonymous) and counted by reason; a device publishing on another device's topic is refused — an error
 * reply on its own `…/error` topic with reason `acl`, a dead-letter row an admin can read, counters —
 * while its own valid traffic keeps reaching the bus on the same connection.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscribeCodes } from '../broker/helpers/wait.js';
import {
  connackCode,
  type GatewayUnderTest,
  MINIMAL_YAML,
  metricValue,
  startGateway,
  waitFor,
} from '../helpers/gateway.js';

let gw: GatewayUnderTest;

beforeAll(async () => {
  // Repeated refusals share a trace per interval (issue 8 point 6); a short one keeps the test short.
  gw = await startGateway({ yaml: `${MINIMAL_YAML}ingest: { refusal_trace_interval_s: 0.1 }\n` });
});
afterAll(async () => gw?.stop());

interface ErrorReply {
  topic: string;
  reason: string;
  detail: string;
  ts: number;
  repeats: number;
}

const total = (traces: { repeats: number }[]) => traces.reduce((sum, trace) => sum + trace.repeats, 0);

function collectReplies(client: MqttClient): ErrorReply[] {
  const replies: ErrorReply[] = [];
  client.on('message', (_topic, payload) => replies.push(JSON.parse(payload.toString()) as ErrorReply));
  return replies;
}

describe('E2E: who may connect', () => {
  it('refuses an unknown device with CONNACK 4 and counts it as unknown_device', async () => {
    const code = await connackCode(gw.ports.mqtt, { clientId: 'ghost-1', username: 'ghost-1', password: 'guess' });
    expect(code).toBe(4);
    expect(metricValue(await gw.scrape(), 'omo_broker_auth_failures_total', { reason: 'unknown_device' })).toBe(1);
  });

  it('refuses a registered device with a wrong password with CONNACK 4, counted as bad_password', async () => {
    const password = await gw.addDevice('shelf-pw', 'shelf');
    const code = await connackCode(gw.ports.mqtt, {
      clientId: 'shelf-pw',
      username: 'shelf-pw',
      password: `${password}x`,
    });
    expect(code).toBe(4);
    expect(metricValue(await gw.scrape(), 'omo_broker_auth_failures_total', { reason: 'bad_password' })).toBe(1);
    // The right password still works: the refusal locked nothing.
    expect(await connackCode(gw.ports.mqtt, { clientId: 'shelf-pw', username: 'shelf-pw', password })).toBe(0);
  });

  it('refuses an anonymous client with CONNACK 5, counted as anonymous', async () => {
    expect(await connackCode(gw.ports.mqtt, { clientId: 'nobody' })).toBe(5);
    const samples = await gw.scrape();
    expect(metricValue(samples, 'omo_broker_auth_failures_total', { reason: 'anonymous' })).toBe(1);
    // Nothing refused made it into the connection gauge.
    expect(metricValue(samples, 'omo_broker_connections')).toBe(0);
  });
});

describe('E2E: the same rules over WebSocket', () => {
  it("refuses anonymous and wrong-password clients on the ws listener and carries a device's readings", async () => {
    const ws = { protocol: 'ws' as const, port: gw.ports.ws, path: '/mqtt' };
    const before = await gw.scrape();
    const password = await gw.addDevice('shelf-ws', 'shelf');
    expect(await connackCode(gw.ports.ws, { ...ws, clientId: 'anon-ws' })).toBe(5);
    expect(await connackCode(gw.ports.ws, { ...ws, clientId: 'shelf-ws', username: 'shelf-ws', password: 'x' })).toBe(
      4,
    );
    const after = await gw.scrape();
    for (const reason of ['anonymous', 'bad_password']) {
      const grew = (s: typeof before) => metricValue(s, 'omo_broker_auth_failures_total', { reason });
      expect(grew(after) - grew(before), reason).toBe(1);
    }
    const weights = gw.record('shelfWeight');
    const device = await gw.connectDevice('shelf-ws', password, ws);
    const ts = Date.now();
    await device.publishAsync('omo/shelf/shelf-ws/weight', JSON.stringify({ ts, lanes: [{ lane: 3, grams: 7 }] }), {
      qos: 1,
    });
    await waitFor(() => weights.length > 0, 5000, 'the reading sent over WebSocket');
    expect(weights[0]).toMatchObject({ deviceId: 'shelf-ws', ts });
  });
});

describe('E2E: a device publishing as another', () => {
  it('is refused and traced three ways while its own readings flow on the same connection', async () => {
    const weights = gw.record('shelfWeight');
    const before = await gw.scrape();
    const grew = (name: string, labels: Record<string, string>, after: typeof before) =>
      metricValue(after, name, labels) - metricValue(before, name, labels);
    const password = await gw.addDevice('shelf-a', 'shelf');
    await gw.addDevice('shelf-b', 'shelf');
    await gw.addDevice('cam-b', 'camera');
    const device = await gw.connectDevice('shelf-a', password);
    const replies = collectReplies(device);
    await device.subscribeAsync('omo/shelf/shelf-a/error', { qos: 0 });

    const spoofTopics = ['omo/shelf/shelf-b/weight', 'omo/camera/cam-b/tracks'];
    const base = Date.now();
    const own: number[] = [];
    for (let i = 0; i < 20; i++) {
      const ts = base + i;
      own.push(ts);
      await device.publishAsync(
        'omo/shelf/shelf-a/weight',
        JSON.stringify({ ts, lanes: [{ lane: 1, grams: 500 + i }] }),
        {
          qos: 1,
        },
      );
      if (i % 2 === 0) {
        // A valid reading in every respect except whose it claims to be.
        const reading = { ts, lanes: [{ lane: 1, grams: 1 }] };
        await device.publishAsync(spoofTopics[(i / 2) % 2] as string, JSON.stringify(reading), { qos: 1 });
      }
    }

    await waitFor(() => weights.length >= own.length && total(replies) >= 10, 5000, 'readings and error replies');
    expect(weights.map((w) => [w.deviceId, w.ts])).toEqual(own.map((ts) => ['shelf-a', ts]));
    expect(device.connected).toBe(true);

    // The first refusal is answered at once; its repeats within the trace interval share replies.
    expect(total(replies)).toBe(10);
    expect(replies[0]).toMatchObject({ topic: spoofTopics[0], reason: 'acl', repeats: 1 });
    for (const reply of replies) {
      expect(spoofTopics).toContain(reply.topic);
      expect(reply).toMatchObject({ reason: 'acl' });
      expect(reply.detail).toContain(JSON.stringify(reply.topic));
      expect(reply.detail).toContain('omo/shelf/shelf-a/');
    }

    const response = await gw.http('/api/v1/dead-letters?reason=acl&device=shelf-a&limit=100', {
      token: gw.adminToken,
    });
    expect(response.status).toBe(200);
    const page = (await response.json()) as {
      items: { device_id: string; topic: string; reason: string; repeats: number }[];
    };
    expect(page.items).toHaveLength(replies.length);
    expect(total(page.items)).toBe(10);
    // Without the admin scope the dead letters stay closed.
    expect((await gw.http('/api/v1/dead-letters')).status).toBe(401);

    const samples = await gw.scrape();
    expect(grew('omo_broker_refused_total', { reason: 'acl' }, samples)).toBe(10);
    expect(grew('omo_ingest_refused_total', { reason: 'acl' }, samples)).toBe(10);
    expect(grew('omo_ingest_messages_total', { kind: 'shelf', stream: 'weight' }, samples)).toBe(20);
    expect(grew('omo_ingest_messages_total', { kind: 'camera' }, samples)).toBe(0);
  });
});

describe('E2E: a device reading what is not its own', () => {
  it("is granted 0x80 for another device's error topic and for $SYS, counted; its own topics are granted", async () => {
    const password = await gw.addDevice('shelf-c', 'shelf');
    const device = await gw.connectDevice('shelf-c', password);
    const before = metricValue(await gw.scrape(), 'omo_broker_subscriptions_refused_total');
    const codes = await subscribeCodes(device, [
      'omo/shelf/shelf-a/error',
      '$SYS/#',
      '#',
      'omo/shelf/shelf-c/error',
      'omo/shelf/shelf-c/#',
    ]);
    expect(codes).toEqual([0x80, 0x80, 0x80, 0, 0]);
    expect(metricValue(await gw.scrape(), 'omo_broker_subscriptions_refused_total') - before).toBe(3);
    // Even through its own wildcard, another device's refusal is never delivered to it.
    const seen: string[] = [];
    device.on('message', (topic) => seen.push(topic));
    const other = await gw.connectDevice('shelf-a', (await gw.gateway.deviceRegistry.rotate('shelf-a')).password);
    await other.publishAsync('omo/shelf/shelf-b/weight', '{}', { qos: 1 });
    await device.publishAsync('omo/shelf/shelf-c/weight', 'not json', { qos: 1 });
    await waitFor(() => seen.length > 0, 5000, "shelf-c's own error reply");
    expect(seen).toEqual(['omo/shelf/shelf-c/error']);
  });
});
