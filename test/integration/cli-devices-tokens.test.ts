/**
 * E2E (issue 2, Build 3 and 7; ARCHITECTURE §9): `omo-edge devices …` and `omo-edge tokens …` run as
 * real child processes against the data directory of a gateway that is running (in-process) the whole
 * time. Every change takes effect without a restart: a new device connects, a rotated password stops
 * working and its live connection is closed, a removed device is disconnected, a new token is honoured
 * by the API and a revoked one refused. Passwords and tokens are printed once and never stored in clear.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliJson } from '../helpers/cli.js';
import {
  connackCode,
  type GatewayUnderTest,
  MINIMAL_YAML,
  makeDataDir,
  startGateway,
  waitFor,
} from '../helpers/gateway.js';
import { freePort } from '../helpers/mosquitto.js';

interface Credentials {
  id: string;
  kind: string;
  password: string;
  username: string;
  topic_prefix: string;
}

let gw: GatewayUnderTest;
let dataDir: string;

beforeAll(async () => {
  dataDir = await makeDataDir('omo-e2e-cli-');
  gw = await startGateway({ yaml: MINIMAL_YAML, dataDir });
});
afterAll(async () => {
  await gw?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const cli = (...args: string[]) => [...args, '--data-dir', dataDir];
const connect = (password: string) =>
  connackCode(gw.ports.mqtt, { clientId: 'shelf-cli', username: 'shelf-cli', password });
const closed = (client: MqttClient) => new Promise<void>((resolve) => client.once('close', () => resolve()));

describe('E2E: omo-edge devices against a running gateway', () => {
  let password = '';

  it('add prints the password once; the device connects without a restart', async () => {
    const added = await runCliJson<Credentials>(cli('devices', 'add', 'shelf-cli', '--kind', 'shelf', '--json'));
    expect(added).toMatchObject({
      id: 'shelf-cli',
      kind: 'shelf',
      username: 'shelf-cli',
      topic_prefix: 'omo/shelf/shelf-cli/',
    });
    expect(added.password.length).toBeGreaterThanOrEqual(16);
    password = added.password;
    // The running gateway follows the registry file; no restart, no signal.
    await waitFor(async () => (await connect(password)) === 0, 30_000, 'the new device to be accepted');
    // Only a scrypt hash is kept, and no listing shows the password again.
    const file = await readFile(join(dataDir, 'registry.json'), 'utf8');
    expect(file).not.toContain(password);
    expect(file).toContain('scrypt');
    const listed = await runCli(cli('devices', 'list', '--json'));
    expect(listed.code).toBe(0);
    expect(listed.stdout).not.toContain(password);
    const rows = JSON.parse(listed.stdout) as Record<string, unknown>[];
    expect(rows).toEqual([
      { id: 'shelf-cli', kind: 'shelf', created_at: expect.any(String), updated_at: expect.any(String) },
    ]);
  });

  it('rotate closes the live connection, refuses the old password and accepts the new one', async () => {
    const live = await gw.connectDevice('shelf-cli', password);
    const gone = closed(live);
    const rotated = await runCliJson<Credentials>(cli('devices', 'rotate', 'shelf-cli', '--json'));
    expect(rotated).toMatchObject({ id: 'shelf-cli', kind: 'shelf' });
    expect(rotated.password).not.toBe(password);
    await gone;
    expect(await connect(password)).toBe(4);
    expect(await connect(rotated.password)).toBe(0);
    password = rotated.password;
  });

  it('remove disconnects every connection of the device and refuses it afterwards', async () => {
    // A device may hold several connections (client ids `<id>` and `<id>:<suffix>`, src/broker/auth.ts).
    const gone = [
      closed(await gw.connectDevice('shelf-cli', password)),
      closed(await gw.connectDevice('shelf-cli', password, { clientId: 'shelf-cli:probe' })),
    ];
    const removed = await runCli(cli('devices', 'remove', 'shelf-cli'));
    expect(removed.code).toBe(0);
    expect(removed.stdout).toBe('removed shelf-cli; a running gateway disconnects it now\n');
    await Promise.all(gone);
    expect(await connect(password)).toBe(4);
    expect(await runCliJson(cli('devices', 'list', '--json'))).toEqual([]);
  });
});

describe('E2E: omo-edge tokens against a running gateway', () => {
  it('a new token works on the API at once, with its scope; a revoked one is refused', async () => {
    const hq = await runCliJson<{ name: string; scopes: string[]; token: string }>(
      cli('tokens', 'add', 'hq', '--scope', 'hq:read', '--json'),
    );
    expect(hq).toMatchObject({ name: 'hq', scopes: ['hq:read'] });
    // Known but without the admin scope: 403, not 401 — the running gateway has read the new token.
    await waitFor(
      async () => (await gw.http('/api/v1/devices', { token: hq.token })).status === 403,
      30_000,
      'the hq token to be known',
    );
    const forbidden = await gw.http('/api/v1/devices', { token: hq.token });
    expect(((await forbidden.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    expect((await gw.http('/healthz', { token: hq.token })).status).toBe(200);

    const ops = await runCliJson<{ token: string }>(cli('tokens', 'add', 'ops', '--scope', 'admin,hq:read', '--json'));
    await waitFor(async () => (await gw.http('/api/v1/devices', { token: ops.token })).status === 200, 30_000);

    const listed = await runCli(cli('tokens', 'list', '--json'));
    expect(listed.code).toBe(0);
    expect(listed.stdout).not.toContain(hq.token);
    expect(listed.stdout).not.toContain(ops.token);
    const names = (JSON.parse(listed.stdout) as { name: string }[]).map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['hq', 'ops']));
    expect(await readFile(join(dataDir, 'tokens.json'), 'utf8')).not.toContain(hq.token);

    const revoked = await runCli(cli('tokens', 'revoke', 'hq'));
    expect(revoked).toMatchObject({ code: 0, stdout: 'revoked hq\n' });
    await waitFor(
      async () => (await gw.http('/api/v1/devices', { token: hq.token })).status === 401,
      30_000,
      'the revoked token to be refused',
    );
    expect((await gw.http('/api/v1/devices', { token: ops.token })).status).toBe(200);
  });
});

describe('E2E: omo-edge uplink status', () => {
  it('asks the running gateway, and reads the outbox file when none runs or runtime.json is stale', async () => {
    const idleDir = await makeDataDir('omo-e2e-idle-');
    const staleDir = await makeDataDir('omo-e2e-stale-');
    // Left by a gateway that was killed: its HTTP port no longer answers.
    const deadPort = await freePort();
    await writeFile(join(staleDir, 'runtime.json'), JSON.stringify({ mqtt: 1, ws: 1, http: deadPort, pid: 1 }));
    const status = (data: string, ...extra: string[]) => [
      'uplink',
      'status',
      '--config',
      gw.configFile,
      '--data-dir',
      data,
      ...extra,
    ];
    // Four independent processes: run them side by side.
    const [running, idle, stale, text] = await Promise.all([
      runCliJson<Record<string, unknown>>(status(dataDir, '--json')),
      runCliJson<Record<string, unknown>>(status(idleDir, '--json')),
      runCliJson<Record<string, unknown>>(status(staleDir, '--json')),
      runCli(status(idleDir)),
    ]);
    await Promise.all([idleDir, staleDir].map((d) => rm(d, { recursive: true, force: true })));
    expect(running).toEqual({
      source: 'running gateway',
      connected: false,
      url: null,
      backlog: 0,
      oldest_record_at: null,
      last_ack_at: null,
      dropped: 0,
    });
    expect(idle).toEqual({ ...running, source: 'outbox file' });
    expect(stale).toEqual({ ...running, source: 'outbox file' });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('uplink (outbox file): not connected (no url configured)');
  });
});
