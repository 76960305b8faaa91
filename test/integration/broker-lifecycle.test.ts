/**
 * E2E: connection lifecycle — birth/death on omo/<kind>/<id>/status (ARCHITECTURE §4) and stop/start.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../broker/helpers/harness.js';
import { waitFor } from '../broker/helpers/wait.js';

let h: Harness;
afterEach(async () => h.stop());

describe('E2E: birth and death', () => {
  let password: string;
  beforeEach(async () => {
    h = await startHarness();
    password = await h.addDevice('s1');
  });

  it("publishes the device's own last will when its connection drops", async () => {
    const will = {
      topic: 'omo/shelf/s1/status',
      payload: Buffer.from('{"status":"offline","ts":1}'),
      qos: 1 as const,
      retain: false,
    };
    const client = await h.connect({ clientId: 's1', username: 's1', password, will });
    client.stream.destroy();
    await waitFor('the will', () => h.messages.length === 1);
    expect(h.messages[0]).toMatchObject({ deviceId: 's1', stream: 'status', topic: 'omo/shelf/s1/status' });
    expect(h.messages[0]?.payload.toString()).toBe('{"status":"offline","ts":1}');
    await waitFor('disconnect counted', () => h.broker.connectedCount() === 0);
    expect(await h.metric('omo_broker_disconnects_total', { death: 'will' })).toBe(1);
  });

  it('announces the death of a device that leaves without a will', async () => {
    const client = await h.connect({ clientId: 's1', username: 's1', password });
    await client.endAsync();
    await waitFor('the announced death', () => h.messages.length === 1);
    const status = JSON.parse(h.messages[0]?.payload.toString() ?? '{}') as { status: string; ts: number };
    expect(h.messages[0]).toMatchObject({ deviceId: 's1', kind: 'shelf', stream: 'status' });
    expect(status.status).toBe('offline');
    expect(Math.abs(status.ts - Date.now())).toBeLessThan(5000);
    expect(await h.metric('omo_broker_disconnects_total', { death: 'announced' })).toBe(1);
  });

  it('does not announce a death when the device reconnects with the same client id (takeover)', async () => {
    const first = await h.connect({ clientId: 's1', username: 's1', password });
    const closed = new Promise<void>((resolve) => first.once('close', () => resolve()));
    await h.connect({ clientId: 's1', username: 's1', password });
    await closed;
    await h.eventually('omo_broker_disconnects_total', { death: 'replaced' }, 1);
    expect(h.broker.connectedCount()).toBe(1);
    expect(h.messages).toEqual([]);
  });

  it('does not announce a death the device reported itself, nor while another of its connections is open', async () => {
    const a = await h.connect({ clientId: 's1:a', username: 's1', password });
    const b = await h.connect({ clientId: 's1:b', username: 's1', password });
    await a.endAsync();
    await waitFor('one connection left', () => h.broker.connectedCount() === 1);
    await b.publishAsync('omo/shelf/s1/status', '{"status":"offline","ts":5}', { qos: 1 });
    await b.endAsync();
    await waitFor('all gone', () => h.broker.connectedCount() === 0);
    expect(h.messages.map((m) => m.payload.toString())).toEqual(['{"status":"offline","ts":5}']);
    expect(await h.metric('omo_broker_disconnects_total', { death: 'other_connection_open' })).toBe(1);
    expect(await h.metric('omo_broker_disconnects_total', { death: 'reported' })).toBe(1);
  });
});

describe('E2E: stop and start', () => {
  it('stop closes every connection without announcing deaths; start again works on the same metrics', async () => {
    h = await startHarness();
    const password = await h.addDevice('s1');
    const client = await h.connect({ clientId: 's1', username: 's1', password });
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    await h.broker.stop();
    await closed;
    expect(h.broker.isRunning).toBe(false);
    expect(h.broker.connectedCount()).toBe(0);
    expect(h.messages).toEqual([]);
    await expect(h.broker.publish('omo/shelf/s1/config', '{}')).rejects.toThrow('broker is not running');

    const ports = await h.broker.start();
    const again = await h.connect({ port: ports.mqtt, clientId: 's1', username: 's1', password });
    expect(again.connected).toBe(true);
    expect(await h.metric('omo_broker_connects_total')).toBe(1);
  });
});
