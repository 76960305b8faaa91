/**
 * The ingest load generator, run in its own process so it does not share the event loop with the
 * broker it measures. It connects N devices (one MQTT connection each), then publishes shelf weight
 * readings either at a fixed total rate (`--rate R`, spread round-robin over the devices)
 * or as fast as the sockets drain (`--rate 0`), or not at all (`--idle`, for memory). Each payload carries its send time in `ts` (epoch ms),
 * so the receiver measures device-to-bus latency. Prints one JSON line with what it sent.
 *
 *   node --import tsx test/bench/loadgen.ts --url mqtt://127.0.0.1:1883 --devices devices.json \
 *     --rate 5000 --duration 10 --qos 0
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import mqtt, { type MqttClient } from 'mqtt';

interface DeviceCredentials {
  id: string;
  kind: string;
  password: string;
}

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    devices: { type: 'string' },
    rate: { type: 'string', default: '0' },
    idle: { type: 'boolean', default: false },
    duration: { type: 'string', default: '10' },
    qos: { type: 'string', default: '0' },
  },
});
if (values.url === undefined || values.devices === undefined) {
  throw new Error('loadgen: --url and --devices are required');
}
const url = values.url;
const devices = JSON.parse(readFileSync(values.devices, 'utf8')) as DeviceCredentials[];
const rate = Number(values.rate);
const durationMs = Number(values.duration) * 1000;
const qos = Number(values.qos) as 0 | 1;

function connect(device: DeviceCredentials): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(url, {
      clientId: device.id,
      username: device.id,
      password: device.password,
      reconnectPeriod: 0,
      connectTimeout: 30_000,
      protocolVersion: 4,
    });
    client.once('connect', () => resolve(client));
    client.once('error', reject);
  });
}

async function connectAll(): Promise<MqttClient[]> {
  const clients: MqttClient[] = [];
  // Connect in waves: a thousand simultaneous scrypt checks would measure the login storm, not ingest.
  for (let i = 0; i < devices.length; i += 50) {
    clients.push(...(await Promise.all(devices.slice(i, i + 50).map(connect))));
  }
  return clients;
}

function payload(lane: number): string {
  return `{"ts":${Date.now()},"lanes":[{"lane":${lane},"grams":${(1000 + Math.random() * 500).toFixed(1)}}]}`;
}

function topicOf(device: DeviceCredentials): string {
  return `omo/${device.kind}/${device.id}/weight`;
}

async function runAtRate(clients: MqttClient[], topics: string[]): Promise<number> {
  let sent = 0;
  let next = 0;
  const start = performance.now();
  // The schedule follows elapsed time, not tick count, so late timers do not change the rate.
  for (let elapsed = 0; elapsed < durationMs; elapsed = performance.now() - start) {
    const due = Math.floor((rate * elapsed) / 1000);
    while (sent < due) {
      const i = next++ % clients.length;
      (clients[i] as MqttClient).publish(topics[i] as string, payload(i % 8), { qos });
      sent++;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  return sent;
}

/** Connected devices that send nothing: the idle-memory scenario. */
async function runIdle(): Promise<number> {
  await new Promise((r) => setTimeout(r, durationMs));
  return 0;
}

async function runFlatOut(clients: MqttClient[], topics: string[]): Promise<number> {
  let sent = 0;
  const start = performance.now();
  // Each client keeps its socket busy until it reports back-pressure, then waits for 'drain'.
  await Promise.all(
    clients.map(async (client, i) => {
      const stream = client.stream as NodeJS.WritableStream & {
        writableNeedDrain?: boolean;
      };
      while (performance.now() - start < durationMs) {
        for (let burst = 0; burst < 20; burst++) {
          client.publish(topics[i] as string, payload(i % 8), { qos });
          sent++;
        }
        if (stream.writableNeedDrain) await new Promise((r) => stream.once('drain', r));
        else await new Promise((r) => setImmediate(r));
      }
    }),
  );
  return sent;
}

const connectStart = performance.now();
const clients = await connectAll();
const connectMs = performance.now() - connectStart;
const topics = devices.map(topicOf);
const started = Date.now();
// The harness starts measuring at this line: logins (one scrypt each) are not part of the ingest figures.
process.stdout.write(`${JSON.stringify({ event: 'connected', connectMs: Math.round(connectMs) })}\n`);
const sent = values.idle
  ? await runIdle()
  : rate > 0
    ? await runAtRate(clients, topics)
    : await runFlatOut(clients, topics);
const finished = Date.now();
await new Promise((r) => setTimeout(r, 500));
await Promise.all(clients.map((client) => client.endAsync()));
process.stdout.write(
  `${JSON.stringify({ sent, started, finished, connectMs: Math.round(connectMs), devices: devices.length })}\n`,
);
