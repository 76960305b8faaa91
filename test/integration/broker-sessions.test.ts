/**
 * E2E: no device can take every connection (issue 8 point 2). One device's credentials hold at most
 * `max_sessions_per_device` connections — refused past it with CONNACK 3 and a reason of their own,
 * racing CONNECTs included — while other devices connect; one address opening sockets faster than
 * `connect_rate_per_s` has them closed on accept, while devices on other addresses connect.
 */
import { createConnection } from 'node:net';
import { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../broker/helpers/harness.js';
import { waitFor } from '../broker/helpers/wait.js';

let h: Harness;
const extra: MqttClient[] = [];
afterEach(async () => {
  await Promise.all(extra.splice(0).map((client) => client.endAsync(true)));
  await h.stop();
});

const code = (attempt: Promise<unknown>) =>
  attempt.then(
    () => 0,
    (error: { code?: number }) => error.code ?? -1,
  );

/** An mqtt.js client whose TCP connection comes from `localAddress` (any 127.x.y.z is this machine). */
function connectFrom(localAddress: string, id: string, password: string): Promise<MqttClient> {
  const [username] = id.split(':');
  const port = h.ports.mqtt;
  const client = new MqttClient(() => createConnection({ host: '127.0.0.1', port, localAddress }), {
    clientId: id,
    username,
    password,
    reconnectPeriod: 0,
    protocolVersion: 4,
  });
  extra.push(client);
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client));
    client.once('error', reject);
    client.once('close', () => reject(new Error('closed before CONNACK')));
  });
}

describe('E2E: sessions per device', () => {
  it('refuses a third session of one device as device_sessions; other devices still connect', async () => {
    h = await startHarness();
    const [p1, p2] = [await h.addDevice('s1'), await h.addDevice('s2')];
    await h.connect({ clientId: 's1:1', username: 's1', password: p1 });
    await h.connect({ clientId: 's1:2', username: 's1', password: p1 });
    expect(await code(h.connect({ clientId: 's1:3', username: 's1', password: p1 }))).toBe(3);
    expect(await h.metric('omo_broker_auth_failures_total', { reason: 'device_sessions' })).toBe(1);
    await h.connect({ clientId: 's2', username: 's2', password: p2 });
    // A reconnect under a client id it holds replaces that session [MQTT-3.1.4-2]: never refused.
    await h.connect({ clientId: 's1:2', username: 's1', password: p1 });
    await waitFor('takeover done', () => h.broker.connectedCount() === 3);
    expect(await h.metric('omo_broker_auth_failures_total', { reason: 'device_sessions' })).toBe(1);
  });

  it('admits exactly the limit of CONNECTs that race through the password check together', async () => {
    h = await startHarness({ limits: { max_sessions_per_device: 3 } });
    const password = await h.addDevice('s1');
    const attempts = Array.from({ length: 12 }, (_, i) =>
      code(h.connect({ clientId: `s1:${i}`, username: 's1', password })),
    );
    const codes = await Promise.all(attempts);
    expect(codes.filter((c) => c === 0)).toHaveLength(3);
    expect(codes.filter((c) => c === 3)).toHaveLength(9);
    expect(await h.metric('omo_broker_auth_failures_total', { reason: 'device_sessions' })).toBe(9);
    expect(h.broker.connectedCount()).toBe(3);
  });
});

describe('E2E: connections per address', () => {
  it('closes sockets from an address over connect_rate_per_s; a device on another address connects', async () => {
    h = await startHarness({ limits: { connect_rate_per_s: 0.1, connect_burst: 3 } });
    const [p1, p2] = [await h.addDevice('s1'), await h.addDevice('s2')];
    for (const id of ['s1:a', 's1:b', 's1:c']) {
      // The third is refused by the session limit, after its socket was accepted: it still took a token.
      await code(connectFrom('127.0.0.1', id, p1));
    }
    await expect(connectFrom('127.0.0.1', 's1:d', p1)).rejects.toThrow('closed before CONNACK');
    expect(await h.metric('omo_broker_connect_rate_limited_total')).toBe(1);
    expect(await h.metric('omo_broker_auth_failures_total', { reason: 'device_sessions' })).toBe(1);
    await connectFrom('127.0.0.2', 's2', p2);
    expect(h.broker.connectedCount()).toBe(3);
  });
});
