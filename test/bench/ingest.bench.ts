/**
 * Ingest benchmark (ARCHITECTURE §10, issue 2 point 8). The same load generator, in its own process,
 * runs against raw aedes (no auth, no pipeline: the baseline) and against the gateway (auth, ACL, rate
 * limits, validation, bus) in the same run. Reported per scenario: sustained msg/s arriving (at aedes'
 * `publish` event / on the bus), p50/p99 device-to-arrival latency, broker-side CPU, RSS.
 *
 *   npm run bench -- ingest        (figures go in the README)
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
import { LatencyRecorder, printTable, type ScenarioResult } from './report.js';

setLogLevel('warn');
const root = new URL('../..', import.meta.url).pathname;

interface Scenario {
  name: string;
  devices: number;
  rate: number;
  qos: 0 | 1;
  durationS: number;
}

const scenarios: Scenario[] = [
  {
    name: 'max throughput, QoS 0',
    devices: 100,
    rate: 0,
    qos: 0,
    durationS: 10,
  },
  {
    name: 'max throughput, QoS 1',
    devices: 100,
    rate: 0,
    qos: 1,
    durationS: 10,
  },
  {
    name: '5,000 msg/s, QoS 0, 1,000 devices',
    devices: 1000,
    rate: 5000,
    qos: 0,
    durationS: 15,
  },
];

function runLoadgen(url: string, devicesFile: string, s: Scenario): Promise<{ sent: number; connectMs: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(root, 'test/bench/loadgen.ts'),
        '--url',
        url,
        '--devices',
        devicesFile,
        '--rate',
        String(s.rate),
        '--duration',
        String(s.durationS),
        '--qos',
        String(s.qos),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`loadgen exited with ${code}`));
      else resolve(JSON.parse(out.trim().split('\n').pop() as string));
    });
  });
}

/** Counts arrivals in the steady window (after all devices connected) and records latency. */
class Arrivals {
  count = 0;
  readonly latency = new LatencyRecorder();
  private firstAt = 0;
  private lastAt = 0;
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

async function measure(name: string, s: Scenario, url: string, devicesFile: string, arrivals: Arrivals) {
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const sent = await runLoadgen(url, devicesFile, s);
  const cpu = process.cpuUsage(cpuBefore);
  const wallMs = performance.now() - wallBefore;
  const result: ScenarioResult = {
    target: name,
    scenario: s.name,
    sent: sent.sent,
    arrived: arrivals.count,
    msgPerS: Math.round(arrivals.rate()),
    p50Ms: arrivals.latency.percentile(0.5),
    p99Ms: arrivals.latency.percentile(0.99),
    cpuPct: Math.round(((cpu.user + cpu.system) / 1000 / wallMs) * 100),
    rssMb: Math.round(process.memoryUsage().rss / 1024 / 1024),
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
  const result = await measure('omo-edge gateway', s, `mqtt://127.0.0.1:${ports.mqtt}`, devicesFile, arrivals);
  await gw.stop();
  return result;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'omo-bench-ingest-'));
  try {
    const configFile = join(dir, 'config.yaml');
    // Limits raised for the benchmark's flat-out scenarios: the per-device rate limit would otherwise
    // (correctly) refuse most of a device's 1,000+ msg/s.
    writeFileSync(
      configFile,
      [
        'store: { id: bench-store }',
        'gateway: { id: bench-gw, log_level: warn }',
        'broker: { ws_enabled: false, limits: { publish_rate_per_s: 100000, publish_burst: 100000 } }',
        'http: { host: 127.0.0.1 }',
        'floor: { bounds: { min: [0, 0], max: [30, 20] } }',
        '',
      ].join('\n'),
    );
    const registry = await DeviceRegistry.open(join(dir, 'registry.json'));
    const maxDevices = Math.max(...scenarios.map((s) => s.devices));
    const credentials: { id: string; kind: string; password: string }[] = [];
    process.stderr.write(`registering ${maxDevices} devices (scrypt)…\n`);
    for (let i = 0; i < maxDevices; i++) {
      const id = `scale-${String(i).padStart(4, '0')}`;
      credentials.push({
        id,
        kind: 'shelf',
        password: (await registry.add(id, 'shelf')).password,
      });
    }
    const results: ScenarioResult[] = [];
    for (const s of scenarios) {
      const devicesFile = join(dir, `devices-${s.devices}.json`);
      writeFileSync(devicesFile, JSON.stringify(credentials.slice(0, s.devices)));
      process.stderr.write(`${s.name}: raw aedes…\n`);
      results.push(await rawAedes(s, devicesFile));
      process.stderr.write(`${s.name}: gateway…\n`);
      results.push(await gateway(s, devicesFile, dir, configFile));
    }
    printTable(results);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
