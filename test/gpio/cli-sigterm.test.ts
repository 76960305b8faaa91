/**
 * E2E: `omo-edge start` with a gpio section, stopped by SIGTERM as a service manager stops it: the part
 * logs the backend it chose and why, and releases every pin before the process exits 0.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnStart } from '../helpers/cli.js';
import { MINIMAL_YAML, makeDataDir, writeConfigFile } from '../helpers/gateway.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('E2E: omo-edge start with GPIO', () => {
  it('releases the pins on SIGTERM', async () => {
    const dir = await makeDataDir('omo-e2e-gpio-');
    dirs.push(dir);
    const dataDir = join(dir, 'data');
    const yaml = `${MINIMAL_YAML}gpio:\n  backend: fake\n  doors: [{ id: front, outer_pin: 17, inner_pin: 27 }]\n  led: { pin: 23 }\n`;
    const config = await writeConfigFile(dir, yaml);
    const ports = ['--mqtt-port', '0', '--ws-port', '0', '--http-port', '0'];
    // Start-up (tsx compiling the sources) may take long on a busy two-core machine; only a hang fails.
    const start = await spawnStart(['--config', config, '--data-dir', dataDir, ...ports], dataDir, {
      env: { OMO_LOG_LEVEL: 'info' },
      readyTimeoutMs: 90_000,
    });
    expect(start.stderr()).toContain('omo:gpio backend fake: gpio.backend is fake');
    expect(start.stderr()).toContain('omo:gpio claimed GPIO pins 17, 27, 23');

    const exit = await start.stop('SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    const log = start.stderr();
    expect(log).toContain('SIGTERM: stopping');
    expect(log).toContain('omo:gpio released GPIO pins 17, 27, 23');
    expect(log.indexOf('released GPIO pins')).toBeGreaterThan(log.indexOf('SIGTERM: stopping'));
  });
});
