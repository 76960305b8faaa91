/**
 * E2E (issue 7, CLI habits; ARCHITECTURE §9): two gateways on one machine. `omo-edge start` with
 * `--mqtt-port 0 --ws-port 0 --http-port 0` binds free ports for all three listeners — before, the second
 * gateway failed on the WebSocket port 8083 — reports them in runtime.json, and a device registered with
 * `devices add` connects to each over MQTT-over-WebSocket on the port reported.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunningStart, runCliJson, spawnStart } from '../helpers/cli.js';
import { MINIMAL_YAML, makeDataDir, writeConfigFile } from '../helpers/gateway.js';

const dirs: string[] = [];
const running: RunningStart[] = [];

afterAll(async () => {
  await Promise.all(running.map((r) => r.stop('SIGKILL')));
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function gatewayWithDevice(name: string) {
  const dir = await makeDataDir(`omo-e2e-ports-${name}-`);
  dirs.push(dir);
  const dataDir = join(dir, 'data');
  const config = await writeConfigFile(dir, MINIMAL_YAML);
  const device = await runCliJson<{ id: string; password: string }>([
    'devices',
    'add',
    'scale-1',
    '--kind',
    'shelf',
    '--json',
    '--data-dir',
    dataDir,
  ]);
  const ports = ['--mqtt-port', '0', '--ws-port', '0', '--http-port', '0'];
  // Start-up (tsx compiling the sources) may take long on a busy two-core machine; only a hang fails.
  const start = await spawnStart(['--config', config, '--data-dir', dataDir, ...ports], dataDir, {
    readyTimeoutMs: 90_000,
  });
  running.push(start);
  return { start, device };
}

describe('E2E: omo-edge start --ws-port', () => {
  it('runs two gateways side by side on free ports, each reachable over WebSocket at the port runtime.json names', async () => {
    const [a, b] = await Promise.all([gatewayWithDevice('a'), gatewayWithDevice('b')]);
    for (const { runtime } of [a.start, b.start]) {
      for (const port of [runtime.mqtt, runtime.ws, runtime.http]) expect(port).toBeGreaterThan(0);
    }
    expect(new Set([a, b].flatMap(({ start: { runtime } }) => [runtime.mqtt, runtime.ws, runtime.http])).size).toBe(6);

    for (const { start, device } of [a, b]) {
      const client = await mqtt.connectAsync(`ws://127.0.0.1:${start.runtime.ws}/mqtt`, {
        clientId: device.id,
        username: device.id,
        password: device.password,
        reconnectPeriod: 0,
        connectTimeout: 10_000,
      });
      expect(client.connected).toBe(true);
      await client.endAsync();
      const health = await fetch(`http://127.0.0.1:${start.runtime.http}/healthz`);
      expect(health.status).toBe(200);
    }
    for (const { start } of [a, b])
      expect(await start.stop('SIGTERM'), start.stderr()).toEqual({ code: 0, signal: null });
  }, 90_000);
});
