/**
 * One grammar for device kinds (issue 7, item 7): the catalog, the registry and the config load agree —
 * lower snake_case — and the config refuses the other form (a '-') with its file:line:col line.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { profileKinds } from '../../devices/index.js';
import { DeviceRegistry } from '../../src/registry/devices.js';
import { DEVICE_KIND_PATTERN, deviceKindProblem } from '../../src/registry/ids.js';
import { load, MINIMAL, refusal } from '../config/helpers.js';

describe('device kinds: one pattern', () => {
  it('is lower snake_case; every catalog kind follows it', () => {
    for (const kind of profileKinds) expect(kind).toMatch(DEVICE_KIND_PATTERN);
    for (const kind of ['pos', 'door_beam', 'k2', 'k'.repeat(32)]) expect(deviceKindProblem(kind)).toBeNull();
    for (const kind of ['door-beam', 'Shelf', '2d', '_x', 'a/b', 'a+', '', 'k'.repeat(33)]) {
      expect(deviceKindProblem(kind)).toBe(
        `device kind ${JSON.stringify(kind)} is not valid: use 1-32 lower-case letters, digits or '_', starting ` +
          `with a letter, because the kind is an MQTT topic level (omo/<kind>/<id>/…) and names its config section`,
      );
    }
  });

  it('the config refuses a kind with a "-" at its key, and takes one with a "_"', async () => {
    const { file, lines } = await refusal(`${MINIMAL}devices:\n  - { id: b1, kind: door-beam }\n`, {
      knownKinds: undefined,
    });
    expect(lines).toEqual([
      `${file}:4:21 devices[0].kind = "door-beam": must start with a lower-case letter and contain only lower-case letters, digits and "_" (at most 32)`,
    ]);
    const { config } = await load(`${MINIMAL}devices:\n  - { id: b1, kind: door_beam }\n`, { knownKinds: undefined });
    expect(config.devices[0]?.kind).toBe('door_beam');
  });

  it('the registry refuses the same kinds', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'omo-ids-'));
    const registry = await DeviceRegistry.open(join(dir, 'registry.json'));
    try {
      await expect(registry.add('b1', 'door-beam')).rejects.toThrow('device kind "door-beam" is not valid');
      await registry.add('b1', 'door_beam');
      expect(registry.get('b1')?.kind).toBe('door_beam');
    } finally {
      await registry.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
