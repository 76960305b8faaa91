/**
 * E2E: the broker over WebSocket and TLS, and driven by clients nobody here wrote — Mosquitto's
 * mosquitto_pub / mosquitto_sub (Debian mosquitto-clients).
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { deviceTopic } from '../../src/broker/acl.js';
import { selfSignedCert } from '../broker/helpers/certs.js';
import { type Harness, startHarness } from '../broker/helpers/harness.js';
import { waitFor } from '../broker/helpers/wait.js';

const run = promisify(execFile);
let h: Harness | undefined;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await h?.stop();
  h = undefined;
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

describe('E2E: WebSocket', () => {
  it('serves MQTT over WebSocket on ws_path, with the same auth and ACL', async () => {
    h = await startHarness();
    const password = await h.addDevice('tv1', 'signage');
    const url = `ws://127.0.0.1:${h.ports.ws}/mqtt`;
    const screen = await h.connect({
      protocol: 'ws',
      port: h.ports.ws,
      path: '/mqtt',
      clientId: 'tv1',
      username: 'tv1',
      password,
    });
    await screen.subscribeAsync('omo/signage/tv1/content');
    const received = new Promise<string>((resolve) =>
      screen.once('message', (_t, payload) => resolve(payload.toString())),
    );
    await h.broker.publish('omo/signage/tv1/content', '{"version":"7"}', { retain: true });
    expect(await received).toBe('{"version":"7"}');
    await screen.publishAsync('omo/signage/tv1/status', '{"status":"online"}', { qos: 1 });
    await screen.publishAsync('omo/signage/other/status', '{"status":"online"}', { qos: 1 });
    await waitFor('status and refusal', () => h?.messages.length === 1 && h.refusals.length === 1);
    expect(h.messages[0]).toMatchObject({ deviceId: 'tv1', kind: 'signage', stream: 'status' });
    expect(h.refusals[0]).toMatchObject({ reason: 'acl', topic: 'omo/signage/other/status' });

    const anonymous = mqtt.connect(url, { reconnectPeriod: 0, clientId: 'x' });
    const error = await new Promise<Error & { code?: number }>((resolve) => anonymous.once('error', resolve));
    anonymous.end(true);
    expect(error.code).toBe(5);

    // Plain HTTP on the WebSocket port gets an answer, not a hang.
    const response = await fetch(`http://127.0.0.1:${h.ports.ws}/mqtt`);
    expect(response.status).toBe(426);
  });
});

describe('E2E: TLS', () => {
  it('serves MQTT over TLS with a configured certificate (paths relative to the config dir)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'omo-tls-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const { certFile } = await selfSignedCert(dir);
    h = await startHarness({
      configDir: dir,
      config: { tls: { port: 0, cert_file: 'cert.pem', key_file: 'key.pem' } },
    });
    expect(h.ports.tls).toBeGreaterThan(0);
    const password = await h.addDevice('s1');
    const client = await h.connect({
      protocol: 'mqtts',
      port: h.ports.tls,
      ca: await readFile(certFile),
      servername: 'localhost',
      clientId: 's1',
      username: 's1',
      password,
    });
    await client.publishAsync('omo/shelf/s1/temp', '{"celsius":4,"ts":1}', { qos: 1 });
    await waitFor('the TLS message', () => h?.messages.length === 1);
    expect(h.messages[0]).toMatchObject({ deviceId: 's1', stream: 'temp' });
  });

  it('fails to start with a message naming the key when a certificate file is missing', async () => {
    await expect(
      startHarness({ config: { tls: { port: 0, cert_file: 'missing.pem', key_file: 'key.pem' } } }),
    ).rejects.toThrow(/^broker\.tls\.cert_file: cannot read .*missing\.pem: ENOENT/);
  });

  it('fails to start with a clear message when the files are not a PEM certificate and key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'omo-tls-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'cert.pem'), 'not a certificate');
    await writeFile(join(dir, 'key.pem'), 'not a key');
    await expect(
      startHarness({ configDir: dir, config: { tls: { port: 0, cert_file: 'cert.pem', key_file: 'key.pem' } } }),
    ).rejects.toThrow(/^broker\.tls: cannot use cert_file and key_file as a PEM pair: /);
  });
});

describe('E2E: Mosquitto clients', () => {
  it('mosquitto_pub publishes as a registered device and mosquitto_sub receives its error replies', async () => {
    h = await startHarness({
      // What the ingest does with a refusal (ARCHITECTURE §4), reduced to the reply on the error topic.
      onRefused: (refusal, broker) => {
        if (refusal.deviceId === null || refusal.kind === null) return;
        const reply = { topic: refusal.topic, reason: refusal.reason, detail: refusal.detail, ts: refusal.receivedAt };
        void broker.publish(deviceTopic(refusal.kind, refusal.deviceId, 'error'), JSON.stringify(reply), { qos: 1 });
      },
    });
    const password = await h.addDevice('s1');
    const common = ['-h', '127.0.0.1', '-p', String(h.ports.mqtt), '-u', 's1', '-P', password, '-V', 'mqttv311'];

    // stdbuf: mosquitto_sub block-buffers stdout into a pipe, and we need its "received SUBACK" line now.
    const sub = spawn('/usr/bin/stdbuf', [
      '-oL',
      '/usr/bin/mosquitto_sub',
      ...common,
      '-i',
      's1:sub',
      '-t',
      'omo/shelf/s1/error',
      '-q',
      '1',
      '-C',
      '1',
      '-W',
      '20',
      '-d',
    ]);
    cleanups.push(async () => sub.kill());
    let output = '';
    sub.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    sub.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    // 'close', not 'exit': only then has every byte of its stdout been read.
    const exited = new Promise<number | null>((resolve) => sub.once('close', resolve));
    await waitFor('mosquitto_sub subscribed', () => output.includes('received SUBACK'), 10_000).catch((e) => {
      throw new Error(`${e.message}: ${output}`);
    });

    await run('/usr/bin/mosquitto_pub', [
      ...common,
      '-i',
      's1:pub',
      '-t',
      'omo/shelf/s1/temp',
      '-m',
      '{"celsius":4,"ts":1}',
      '-q',
      '1',
    ]);
    await waitFor('the reading', () => h?.messages.length === 1);
    expect(h.messages[0]).toMatchObject({ deviceId: 's1', stream: 'temp' });
    expect(h.messages[0]?.payload.toString()).toBe('{"celsius":4,"ts":1}');

    await run('/usr/bin/mosquitto_pub', [...common, '-i', 's1:pub', '-t', 'omo/shelf/s1/bogus', '-m', '{}', '-q', '1']);
    expect(await exited).toBe(0);
    const reply = JSON.parse(output.split('\n').find((line) => line.startsWith('{')) ?? '{}') as Record<
      string,
      unknown
    >;
    expect(reply).toMatchObject({ topic: 'omo/shelf/s1/bogus', reason: 'acl' });
    expect(reply.detail).toBe('stream "bogus" is not one a shelf publishes (temp, status)');

    const refused = await run('/usr/bin/mosquitto_pub', [
      ...common.slice(0, -4),
      '-P',
      'wrong',
      '-V',
      'mqttv311',
      '-i',
      's1',
      '-t',
      'omo/shelf/s1/temp',
      '-m',
      '{}',
    ]).catch((error: { stderr: string }) => error);
    expect((refused as { stderr: string }).stderr).toMatch(/bad user name or password/i);
  });
});
