import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRegistry } from '../../src/metrics.js';
import { Outbox } from '../../src/store/outbox/outbox.js';
import { Uplink } from '../../src/uplink/uplink.js';
import { uplinkConfig } from './fixtures.js';

process.env.OMO_LOG_LEVEL ??= 'error';

let dir: string;
let outbox: Outbox;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'omo-uplink-unit-'));
  outbox = new Outbox({ gatewayId: 'gw', path: join(dir, 'outbox.db'), maxBytes: 1024 ** 2, maxAgeMs: 3600_000 });
  await outbox.start();
});

afterEach(async () => {
  await outbox.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('Uplink lifecycle', () => {
  it('without a url is off: records stay in the outbox and the status says so', async () => {
    const registry = createRegistry();
    const uplink = new Uplink({
      config: uplinkConfig(undefined),
      storeId: 's',
      gatewayId: 'gw',
      outbox,
      metrics: registry,
      configDir: dir,
    });
    await uplink.start();
    outbox.append('footfall', [{ in: 1 }]);
    expect(uplink.status()).toMatchObject({
      connected: false,
      url: null,
      backlog: 1,
      sent: 0,
      dropped: 0,
      lastAckAt: null,
    });
    expect(await registry.metrics()).toContain('omo_uplink_backlog_records{stream="footfall"} 1');
    await uplink.stop();
    expect(await registry.metrics()).not.toContain('omo_uplink_');
  });

  it('a start that fails on its config names the key and leaves nothing registered or running', async () => {
    const registry = createRegistry();
    const config = uplinkConfig('mqtts://127.0.0.1:1', { ca_file: 'missing-ca.pem' });
    const uplink = new Uplink({ config, storeId: 's', gatewayId: 'gw', outbox, metrics: registry, configDir: dir });
    await expect(uplink.start()).rejects.toThrow(`uplink.ca_file: cannot read ${join(dir, 'missing-ca.pem')}: ENOENT`);
    expect(await registry.metrics()).not.toContain('omo_uplink_');
    await uplink.stop();
  });

  it('shows the broker URL without its password', async () => {
    const config = uplinkConfig('mqtt://gw:secret@127.0.0.1:1', { reconnect_min_ms: 60_000, reconnect_max_ms: 60_000 });
    const uplink = new Uplink({
      config,
      storeId: 's',
      gatewayId: 'gw',
      outbox,
      metrics: createRegistry(),
      configDir: dir,
    });
    await uplink.start();
    try {
      expect(uplink.status().url).toBe('mqtt://gw:***@127.0.0.1:1');
    } finally {
      await uplink.stop();
    }
  });
});
