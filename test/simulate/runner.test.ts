/**
 * E2E: the runner against a real aedes broker on a free port, real mqtt.js device connections, and the
 * device profiles decoding what arrives. The broker here is a bare aedes with password checks and a
 * publish-under-your-own-id rule, standing in for the gateway's.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { Aedes, type Client } from 'aedes';
import { Ajv, type ValidateFunction } from 'ajv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { profiles } from '../../devices/index.js';
import type { BusEvents } from '../../src/bus.js';
import type { JsonStream } from '../../src/ingest/profile.js';
import { setLogLevel } from '../../src/log.js';
import { SimulatorRunner, StoreSimulation } from '../../src/simulate/index.js';
import { EPOCH, smallStore } from './stores.js';

setLogLevel('error');

interface Arrival {
  topic: string;
  deviceId: string;
  kind: string;
  stream: string;
  payload: unknown;
  event: BusEvents[keyof BusEvents];
}

let broker: Aedes;
let server: Server;
let url: string;
let arrivals: Arrival[];
/** Anything that arrived and could not be read as its profile says; must stay empty. */
let unreadable: string[];
let clients: Map<string, Client>;
const ajv = new Ajv({ strict: true });
const validators = new Map<JsonStream, ValidateFunction>();
const config = smallStore();
const credentials = new Map(config.devices.map((device) => [device.id, randomBytes(12).toString('hex')]));

beforeEach(async () => {
  arrivals = [];
  unreadable = [];
  clients = new Map();
  broker = await Aedes.createBroker({
    authenticate: (client, username, password, done) => {
      const known = username !== undefined && credentials.get(username) === password?.toString('utf8');
      done(null, known && client.id === username);
    },
    authorizePublish: (client, packet, done) => {
      done(client === null || packet.topic.split('/')[2] === client.id ? null : new Error('not your topic'));
    },
  });
  broker.on('clientReady', (client) => clients.set(client.id, client));
  broker.on('publish', (packet) => {
    const [root, kind, deviceId, stream] = packet.topic.split('/') as [string, string, string, string];
    if (root !== 'omo' || stream === 'error') return;
    const definition = profiles.get(kind)?.publishes[stream] as JsonStream | undefined;
    if (definition === undefined) {
      unreadable.push(`${packet.topic}: no such profile stream`);
      return;
    }
    // What the gateway's ingest does with a message: the schema (Ajv, strict) first, then decode.
    let validate = validators.get(definition);
    if (validate === undefined) {
      validate = ajv.compile(definition.schema);
      validators.set(definition, validate);
    }
    const payload = JSON.parse(packet.payload.toString()) as unknown;
    if (!validate(payload)) {
      unreadable.push(`${packet.topic}: ${ajv.errorsText(validate.errors)}`);
      return;
    }
    const event = definition.decode(payload, { deviceId, kind, receivedAt: Date.now() });
    arrivals.push({ topic: packet.topic, deviceId, kind, stream, payload, event });
  });
  server = createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `mqtt://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterEach(async () => {
  expect(unreadable).toEqual([]);
  await new Promise<void>((resolve) => broker.close(() => resolve()));
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('E2E: SimulatorRunner over MQTT', () => {
  it('publishes the simulation, message for message, through the device profiles', async () => {
    const runner = new SimulatorRunner({
      config,
      url,
      credentials,
      profiles,
      seed: 9,
      speed: 60,
      durationS: 120,
      epochMs: EPOCH,
    });
    await runner.start();
    expect(broker.connectedClients).toBe(config.devices.length);
    await runner.done();
    const expected = [...new StoreSimulation(config, { seed: 9, epochMs: EPOCH, durationS: 120 }).messages()];
    expect(arrivals.length).toBe(expected.length);
    // Order holds per stream; across streams it may not (status goes at QoS 1, readings at QoS 0, and the
    // broker handles the two at different paces).
    for (const device of config.devices) {
      for (const stream of ['status', 'tracks', 'weight', 'temp', 'play']) {
        const got = arrivals.filter((a) => a.deviceId === device.id && a.stream === stream);
        const want = expected.filter((m) => m.deviceId === device.id && m.stream === stream);
        expect(got.map((a) => a.topic)).toEqual(want.map((m) => `omo/${m.kind}/${m.deviceId}/${m.stream}`));
        expect(got.map((a) => a.event)).toEqual(want.map((m) => m.event));
      }
    }
    const stats = runner.stats();
    const byStream: Record<string, number> = {};
    for (const message of expected) byStream[message.stream] = (byStream[message.stream] ?? 0) + 1;
    expect(stats.published).toEqual(byStream);
    expect(stats).toMatchObject({ errors: 0, dropped: 0, running: false, devices: config.devices.length });
    expect(stats.published.tracks).toBe(2 * (120 / 0.2));
    await until(() => broker.connectedClients === 0);
  });

  it('counts error replies, says offline by last will, comes back online, and says offline on stop', async () => {
    const runner = new SimulatorRunner({ config, url, credentials, profiles, speed: 1, durationS: 3600 });
    await runner.start();
    await until(() => arrivals.filter((a) => a.stream === 'status').length >= config.devices.length);

    // A refusal, as the gateway's ingest would send it (ARCHITECTURE §4).
    const refusal = {
      topic: 'omo/shelf/veg-scale/weight',
      reason: 'schema',
      detail: 'lanes[0].grams must be a number',
      ts: Date.now(),
    };
    broker.publish(
      {
        cmd: 'publish',
        topic: 'omo/shelf/veg-scale/error',
        payload: Buffer.from(JSON.stringify(refusal)),
        qos: 0,
        retain: false,
        dup: false,
      },
      () => {},
    );
    await until(() => runner.stats().errors === 1);
    expect(runner.stats().errorsByReason).toEqual({ schema: 1 });

    // The broker drops the screen without a DISCONNECT: its will says offline, without a device time.
    const screenStatus = () => arrivals.filter((a) => a.topic === 'omo/signage/hall-screen/status');
    const before = screenStatus().length;
    clients.get('hall-screen')?.close();
    await until(() => screenStatus().length > before);
    const will = screenStatus()[before] as Arrival;
    expect(will.payload).toEqual({ status: 'offline' });
    // mqtt.js reconnects (2 s period) and the device announces itself again.
    await until(() =>
      screenStatus().some((a, i) => i > before && (a.event as BusEvents['deviceStatus']).status === 'online'),
    );
    await until(() => runner.stats().connected === config.devices.length);

    const statusCount = arrivals.filter((a) => a.stream === 'status').length;
    await runner.stop();
    const goodbyes = arrivals.filter((a) => a.stream === 'status').slice(statusCount);
    expect(goodbyes.map((a) => a.deviceId).sort()).toEqual(config.devices.map((d) => d.id).sort());
    for (const goodbye of goodbyes) expect(goodbye.event).toMatchObject({ status: 'offline' });
    expect(runner.stats().running).toBe(false);
    await until(() => broker.connectedClients === 0);
  });

  it('refuses to start with a wrong password or missing credentials, naming the device', async () => {
    const wrong = new Map(credentials);
    wrong.set('cam-b', 'not-the-password');
    const runner = new SimulatorRunner({ config, url, credentials: wrong, profiles, durationS: 10 });
    await expect(runner.start()).rejects.toThrow(
      /simulated device "cam-b" could not connect to mqtt:\/\/127\.0\.0\.1:\d+: .*Not authorized/,
    );
    await until(() => broker.connectedClients === 0);

    const missing = new Map(credentials);
    missing.delete('hall-screen');
    await expect(new SimulatorRunner({ config, url, credentials: missing, profiles }).start()).rejects.toThrow(
      'devices[3].id: no credentials for simulated device "hall-screen"',
    );
  });
});
