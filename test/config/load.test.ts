/** loadConfig's result: the config with defaults filled in, and where it came from. */
import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { load, MINIMAL, writeConfig } from './helpers.js';

describe('loadConfig', () => {
  it('fills every default into a minimal file', async () => {
    const { config } = await load(MINIMAL);
    expect(config.store).toEqual({ id: 's1', name: 'Store', timezone: 'UTC' });
    expect(config.broker.limits.max_packet_bytes).toBe(2 * 1024 * 1024);
    expect(config.floor).toEqual({
      bounds: { min: [0, 0], max: [30, 20] },
      zones: [],
      lines: [],
      fixtures: [],
      heatmap_cell_m: 0.5,
      heatmap_max_gap_s: 2,
    });
    expect(config.broker.tls).toBeUndefined();
    expect(config.uplink.url).toBeUndefined();
  });

  it('fills defaults inside list items too', async () => {
    const { config } = await load(`${MINIMAL}floor:\n  lines: [{ id: door, from: [1, 1], to: [3, 1] }]\n`);
    expect(config.floor.lines).toEqual([{ id: 'door', from: [1, 1], to: [3, 1], mode: 'net', entrance: false }]);
  });

  it('returns the absolute file and its directory, for relative file names in the config', async () => {
    const file = writeConfig(`${MINIMAL}broker:\n  tls: { cert_file: cert.pem, key_file: cert.pem }\n`, 'tls.yaml');
    writeConfig('not really a certificate\n', 'cert.pem');
    const { loadConfig } = await import('../../src/config/index.js');
    const loaded = await loadConfig(file, { env: {} });
    expect(loaded.file).toBe(resolve(file));
    expect(loaded.dir).toBe(dirname(resolve(file)));
    expect(loaded.config.broker.tls).toEqual({
      port: 8883,
      cert_file: 'cert.pem',
      key_file: 'cert.pem',
    });
  });

  it('validates text without a file, naming it as told', () => {
    expect(() => parseConfig('store: {}\n', 'stdin', { env: {} })).toThrow(
      'stdin:1:1 gateway = (nothing): missing required key "id"\nstdin:1:8 store = {}: missing required key "id"',
    );
  });
});
