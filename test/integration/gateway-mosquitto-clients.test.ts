/**
 * E2E (issue 2, "Must show" 4): Debian's mosquitto_pub and mosquitto_sub — MQTT clients nobody on this
 * project wrote — publish to the composed gateway as a registered device and receive its error replies.
 * They speak MQTT 3.1.1 (`-V mqttv311`); the client id follows the device's rule (src/broker/auth.ts:
 * the device id, or the id followed by ':' and a suffix).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayUnderTest, startGateway, waitFor } from '../helpers/gateway.js';

const run = promisify(execFile);
const DEVICE = 'shelf-mosq';

let gw: GatewayUnderTest;
let password: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  // The demo store's own config (a copy of config/default.yaml, ports 0): what an installer runs.
  gw = await startGateway();
  password = await gw.addDevice(DEVICE, 'shelf');
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await gw?.stop();
});

function connection(clientId: string, secret = password): string[] {
  return ['-h', '127.0.0.1', '-p', String(gw.ports.mqtt), '-V', 'mqttv311', '-i', clientId, '-u', DEVICE, '-P', secret];
}

function mosquittoPub(topic: string, message: string, secret?: string) {
  return run(
    '/usr/bin/mosquitto_pub',
    [...connection(`${DEVICE}:pub`, secret), '-q', '1', '-t', topic, '-m', message],
    {
      timeout: 10_000,
    },
  );
}

describe('E2E: mosquitto_pub and mosquitto_sub as a registered device', () => {
  it('publishes a valid reading that reaches the bus', async () => {
    const weights = gw.record('shelfWeight');
    const ts = Date.now();
    await mosquittoPub(`omo/shelf/${DEVICE}/weight`, JSON.stringify({ ts, lanes: [{ lane: 2, grams: 812.5 }] }));
    await waitFor(() => weights.length > 0, 5000, 'the reading on the bus');
    expect(weights).toEqual([{ deviceId: DEVICE, kind: 'shelf', ts, lanes: [{ lane: 2, grams: 812.5 }] }]);
  });

  it('receives the error reply to an invalid reading on its own error topic', async () => {
    // -d prints the SUBACK, so the invalid reading is sent only once the subscription is in place; stdbuf
    // makes mosquitto_sub's stdout line-buffered (a pipe would otherwise hold the SUBACK line until exit).
    const sub = spawn(
      '/usr/bin/stdbuf',
      [
        '-oL',
        '/usr/bin/mosquitto_sub',
        ...connection(`${DEVICE}:sub`),
        '-d',
        '-v',
        '-C',
        '1',
        '-W',
        '15',
        '-t',
        `omo/shelf/${DEVICE}/error`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(sub);
    let output = '';
    sub.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    sub.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    // 'close', not 'exit': only then has every byte of its stdout been read.
    const exited = new Promise<number | null>((resolve) => sub.once('close', (code) => resolve(code)));
    await waitFor(() => output.includes('SUBACK'), 10_000, 'mosquitto_sub to be subscribed');

    const invalid = JSON.stringify({ ts: Date.now(), lanes: [{ lane: 1, grams: 'heavy' }] });
    await mosquittoPub(`omo/shelf/${DEVICE}/weight`, invalid);

    expect(await exited, output).toBe(0);
    const line = output.split('\n').find((l) => l.startsWith(`omo/shelf/${DEVICE}/error `));
    expect(line, output).toBeDefined();
    const reply = JSON.parse((line as string).slice(`omo/shelf/${DEVICE}/error `.length)) as Record<string, unknown>;
    expect(reply).toMatchObject({
      topic: `omo/shelf/${DEVICE}/weight`,
      reason: 'schema',
      detail: 'lanes[0].grams must be a number, got "heavy"',
    });
    expect(typeof reply.ts).toBe('number');
  });

  it('is refused by mosquitto_pub with a wrong password (CONNACK 4, as the broker says)', async () => {
    const failure = await mosquittoPub(`omo/shelf/${DEVICE}/weight`, '{}', 'not-the-password').catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure).toMatchObject({ code: expect.any(Number) });
    expect((failure as { code: number }).code).not.toBe(0);
    expect((failure as { stderr: string }).stderr).toMatch(/bad user name or password/i);
  });
});
