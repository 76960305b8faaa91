/**
 * The gateway's data path for path-analysis tests, composed the way src/gateway.ts composes it: the real
 * device registry (a file in a temp data directory, watched), the real broker on port 0, the real ingest
 * with its dead-letter table, the real bus and LivePaths publishing occupancy through the broker. Final
 * bins and retained publishes are recorded. (Until the gateway wires LivePaths in itself.)
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { profileKinds, profiles } from '../../../devices/index.js';
import { Broker } from '../../../src/broker/broker.js';
import { EventBus } from '../../../src/bus.js';
import { type GatewayConfig, parseConfig } from '../../../src/config/index.js';
import { DeadLetterStore } from '../../../src/ingest/dead-letter.js';
import { Ingest } from '../../../src/ingest/ingest.js';
import { setLogLevel } from '../../../src/log.js';
import { createRegistry, type Registry } from '../../../src/metrics.js';
import type { BinData } from '../../../src/paths/aggregator.js';
import { LivePaths } from '../../../src/paths/live/live-paths.js';
import { DeviceRegistry } from '../../../src/registry/devices.js';
import { openDatabase } from '../../../src/store/database.js';

setLogLevel('silent');

export interface PathsGateway {
  config: GatewayConfig;
  dataDir: string;
  configFile: string;
  mqttUrl: string;
  registry: DeviceRegistry;
  paths: LivePaths;
  metrics: Registry;
  bins: BinData[];
  published: { topic: string; payload: string; retain: boolean }[];
  refusals: string[];
  stop(): Promise<void>;
}

/** Starts the data path on `yaml` (broker ports are forced to 0 on 127.0.0.1, WebSocket off). */
export async function startPathsGateway(yaml: string): Promise<PathsGateway> {
  const dataDir = await mkdtemp(join(tmpdir(), 'omo-paths-'));
  const configFile = join(dataDir, 'gateway.yaml');
  await writeFile(configFile, yaml);
  const config = parseConfig(yaml, configFile, { env: {}, knownKinds: profileKinds });
  config.broker = { ...config.broker, host: '127.0.0.1', mqtt_port: 0, ws_enabled: false };
  const metrics = createRegistry();
  const bus = new EventBus();
  const db = openDatabase(join(dataDir, 'omo.db'), []);
  const registry = await DeviceRegistry.open(join(dataDir, 'registry.json'));
  const stops: (() => Promise<void> | void)[] = [
    () => rm(dataDir, { recursive: true, force: true }),
    () => void db.close(),
  ];
  const bins: BinData[] = [];
  const published: PathsGateway['published'] = [];
  const refusals: string[] = [];
  const deadLetters = new DeadLetterStore({
    db,
    maxRows: config.ingest.dead_letter_max_rows,
    sampleBytes: config.ingest.dead_letter_sample_bytes,
    metrics,
  });
  const broker: Broker = new Broker({
    config: config.broker,
    registry,
    profiles,
    metrics,
    configDir: dataDir,
    onMessage: (message) => ingest.handle(message),
    onRefused: (refusal) => ingest.refuse(refusal),
  });
  const ingest = new Ingest({
    config: config.ingest,
    profiles,
    bus,
    deadLetters,
    metrics,
    reply: (topic, payload) => void broker.publish(topic, payload).catch(() => undefined),
  });
  bus.on('test', 'ingestRefused', (event) => refusals.push(`${event.reason}: ${event.detail}`));
  const paths = new LivePaths({
    config,
    bus,
    metrics,
    publish: (topic, payload, options) => {
      published.push({ topic, payload, retain: options.retain });
      void broker.publish(topic, payload, { retain: options.retain }).catch(() => undefined);
    },
    onBin: (bin) => bins.push(bin),
    tickMs: 200,
  });
  const stop = async () => {
    for (const part of stops.reverse()) await part();
  };
  try {
    for (const part of [registry, deadLetters, ingest, paths]) {
      await part.start();
      stops.push(() => part.stop());
    }
    const ports = await broker.start();
    stops.push(() => broker.stop());
    return {
      config,
      dataDir,
      configFile,
      mqttUrl: `mqtt://127.0.0.1:${ports.mqtt}`,
      registry,
      paths,
      metrics,
      bins,
      published,
      refusals,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
