/**
 * E2E: credentials changed by another process (the `omo-edge devices` CLI while the gateway runs) take
 * effect in the running broker without a restart: rotated and removed devices are disconnected at once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../broker/helpers/harness.js';
import { waitFor } from '../broker/helpers/wait.js';
import { changeRegistryInChild } from '../registry/helpers/run-child.js';

let h: Harness;
afterEach(async () => h.stop());

describe('E2E: registry changes reach the running broker', () => {
  it('disconnects a device whose password another process rotated, and accepts the new one', async () => {
    h = await startHarness();
    await h.registry.start();
    const old = await h.addDevice('s1');
    const other = await h.connect({ clientId: 's2', username: 's2', password: await h.addDevice('s2') });
    const s1 = await h.connect({ clientId: 's1', username: 's1', password: old });
    const closed = new Promise<void>((resolve) => s1.once('close', () => resolve()));

    const { password } = JSON.parse(await changeRegistryInChild(h.registry.path, 'rotate', 's1')) as {
      password: string;
    };
    await closed;
    expect(other.connected).toBe(true);
    await expect(h.connect({ clientId: 's1', username: 's1', password: old })).rejects.toMatchObject({ code: 4 });
    const again = await h.connect({ clientId: 's1', username: 's1', password });
    expect(again.connected).toBe(true);
  });

  it('disconnects a removed device, announces its death, and refuses it afterwards', async () => {
    h = await startHarness();
    await h.registry.start();
    const password = await h.addDevice('s1');
    const s1 = await h.connect({ clientId: 's1', username: 's1', password });
    const closed = new Promise<void>((resolve) => s1.once('close', () => resolve()));

    await changeRegistryInChild(h.registry.path, 'remove', 's1');
    await closed;
    await waitFor('the death', () => h.messages.some((m) => m.deviceId === 's1' && m.stream === 'status'));
    expect(JSON.parse(h.messages[0]?.payload.toString() ?? '{}')).toMatchObject({ status: 'offline' });
    expect(h.broker.connectedCount()).toBe(0);
    await expect(h.connect({ clientId: 's1', username: 's1', password })).rejects.toMatchObject({ code: 4 });
    expect(await h.metric('omo_broker_auth_failures_total', { reason: 'unknown_device' })).toBe(1);
  });
});
