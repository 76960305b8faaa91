/**
 * Ingest benchmark (ARCHITECTURE §10, issue 2 point 8). The same load generator, in its own process,
 * runs against raw aedes (no auth, no pipeline: the baseline) and against the gateway (auth, ACL, rate
 * limits, validation, bus) in the same run. Measured from the moment every device has connected:
 * sustained msg/s arriving (aedes' `publish` event / the bus), p50/p99 device-to-arrival latency,
 * CPU of the broker's process. Then the idle memory of a real `omo-edge start` process with 100
 * devices connected.
 *
 *   npm run bench -- ingest
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Aedes } from 'aedes';
import { Gateway } from '../../src/gateway.js';
import { setLogLevel } from '../../src/log.js';
import { DeviceRegistry } from '../../src/registry/devices.js';
import { idleGatewayRss } from './idle-rss.js';
import { LatencyRecorder, printTable, type ScenarioResult } from './report.js';

setLogLevel('warn');
const root = new URL('../..', import.meta.url).pathname;

export interface Scenario {
  name: string;
  devices: number;
  /** Total msg/s; 0 = as fast as the sockets drain. */
  rate: number;
  qos: 0 | 1;
  durationS: number;
}

const scenarios: Scenario[] = [
  { name: 'flat out, QoS 0, 100 devices', devices: 100, rate: 0, qos: 0, durationS: 10 },
  { name: 'flat out, QoS 1, 100 devices', devices: 100, rate: 0, qos: 1, durationS: 10 },
  { name: '5,000 msg/s, QoS 0, 1,000 devices', devices: 1000, rate: 5000, qos: 0, durationS: 15 },
  { name: '5,000 msg/s, QoS 1, 1,000 devices', devices: 1000, rate: 5000, qos: 1, durationS: 15 },
];

/** Runs the load generator; `onConnected` fires when every device is connected and sending starts. */
export function runLoadgen(
  url: string,
  devicesFile: string,
  s: Scenario,
  onConnected: () => void,
  extra: string[] = [],
): Promise<{ sent: number }> {
  return new Promise((resolve, reject) => {
    const args = ['--import', 'tsx', join(root, 'test/bench/loadgen.ts'), '--url', url, '--devices', devicesFile];
    args.push('--rate', String(s.rate), '--duration', String(s.durationS), '--qos', String(s.qos), ...extra);
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let buffered = '';
    let last: { sent: number } | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const message = JSON.parse(line) as { event?: string; sent: number };
        if (message.event === 'connected') onConnected();
        else last = message;
      }
    });
    child.once('exit', (code) => {
      if (code !== 0 || last === undefined) reject(new Error(`loadgen exited with ${code}`));
      else resolve(last);
    });
  });
}

/** Arrivals counted from the moment the load generator starts sending. */
class Arrivals {
  count = 0;
  latency = new LatencyRecorder();
  private firstAt = 0;
  private lastAt = 0;
  reset(): void {
    this.count = 0;
    this.latency = new LatencyRecorder();
  }
  arrived(ts: number): void {
    const now = Date.now();
    if (this.count === 0) this.firstAt = now;
    this.lastAt = now;
    this.count++;
    this.latency.add(now - ts);
  }
  rate(): number {
    return this.lastAt > this.firstAt ? (this.count * 1000) / (this.lastAt - this.firstAt) : 0;
  }
}

async function measure(target: string, s: Scenario, url: string, devicesFile: string, arrivals: Arrivals) {
  let cpuBefore = process.cpuUsage();
  let wallBefore = performance.now();
  const { sent } = await runLoadgen(url, devicesFile, s, () => {
    arrivals.reset();
    cpuBefore = process.cpuUsage();
    wallBefore = performance.now();
  });
  const cpu = process.cpuUsage(cpuBefore);
  const wallMs = performance.now() - wallBefore;
  const result: ScenarioResult = {
    target,
    scenario: s.name,
    sent,
    arrived: arrivals.count,
    msgPerS: Math.round(arrivals.rate()),
    p50Ms: arrivals.latency.percentile(0.5),
    p99Ms: arrivals.latency.percentile(0.99),
    cpuPct: Math.round(((cpu.user + cpu.system) / 1000 / wallMs) * 100),
  };
  return result;
}

async function rawAedes(s: Scenario, devicesFile: string): Promise<ScenarioResult> {
  const broker = await Aedes.createBroker();
  const arrivals = new Arrivals();
  broker.on('publish', (packet, client) => {
    if (client === null) return;
    arrivals.arrived(JSON.parse(packet.payload.toString()).ts);
  });
  const server = createServer(broker.handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const result = await measure('raw aedes', s, `mqtt://127.0.0.1:${port}`, devicesFile, arrivals);
  await new Promise<void>((r) => broker.close(() => r()));
  server.close();
  return result;
}

async function gateway(s: Scenario, devicesFile: string, dataDir: string, configFile: string): Promise<ScenarioResult> {
  const gw = new Gateway({ configFile, dataDir, mqttPort: 0, httpPort: 0 });
  const ports = await gw.start();
  const arrivals = new Arrivals();
  gw.bus.on('bench', 'shelfWeight', (event) => arrivals.arrived(event.ts));
  const result = await measure('omo-edge', s, `mqtt://127.0.0.1:${ports.mqtt}`, devicesFile, arrivals);
  await gw.stop();
  return result;
}

export const benchConfig = [
  'store: { id: bench-store }',
  'gateway: { id: bench-gw, log_level: warn }',
  // The flat-out scenarios send ~1,000 msg/s per device; the default per-device rate limit would
  // (rightly) refuse most of that, and this benchmark measures the pipeline, not the limiter. Its 1,000
  // devices all connect from 127.0.0.1 at once, far past the default per-address connection burst.
  'broker: { ws_port: 0, limits: { publish_rate_per_s: 100000, publish_burst: 100000, connect_burst: 100000 } }',
  'http: { host: 127.0.0.1 }',
  'floor: { bounds: { min: [0, 0], max: [30, 20] } }',
  '',
].join('\n');

export async function registerDevices(dir: string, count: number) {
  const registry = await DeviceRegistry.open(join(dir, 'registry.json'));
  const credentials: { id: string; kind: string; password: string }[] = [];
  process.stderr.write(`registering ${count} devices (scrypt)…\n`);
  for (let i = 0; i < count; i++) {
    const id = `scale-${String(i).padStart(4, '0')}`;
    credentials.push({ id, kind: 'shelf', password: (await registry.add(id, 'shelf')).password });
  }
  return credentials;
}

export async function ingestBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'omo-bench-ingest-'));
  try {
    const configFile = join(dir, 'config.yaml');
    writeFileSync(configFile, benchConfig);
    const credentials = await registerDevices(dir, Math.max(...scenarios.map((s) => s.devices)));
    const results: ScenarioResult[] = [];
    for (const s of scenarios) {
      const devicesFile = join(dir, `devices-${s.devices}.json`);
      writeFileSync(devicesFile, JSON.stringify(credentials.slice(0, s.devices)));
      process.stderr.write(`${s.name}: raw aedes…\n`);
      results.push(await rawAedes(s, devicesFile));
      process.stderr.write(`${s.name}: omo-edge…\n`);
      results.push(await gateway(s, devicesFile, dir, configFile));
    }
    printTable(results);
    const idleFile = join(dir, 'devices-100.json');
    writeFileSync(idleFile, JSON.stringify(credentials.slice(0, 100)));
    const rss = await idleGatewayRss(dir, configFile, idleFile);
    process.stdout.write(`\nidle omo-edge process with ${rss.devices} devices connected: RSS ${rss.rssMb} MB\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await ingestBench();
