/** A real broker on port 0 with its own registry, metrics and recorded messages/refusals, for tests. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { Broker } from '../../../src/broker/broker.js';
import { BrokerSchema, type GatewayConfig } from '../../../src/config/schema.js';
import type { DeviceMessage, Refusal } from '../../../src/ingest/profile.js';
import { createRegistry, type Registry } from '../../../src/metrics.js';
import { DeviceRegistry } from '../../../src/registry/devices.js';
import { testProfiles } from './profiles.js';

type BrokerConfig = GatewayConfig['broker'];
type Limits = BrokerConfig['limits'];

export interface HarnessOptions {
  config?: Partial<Omit<BrokerConfig, 'limits'>>;
  limits?: Partial<Limits>;
  configDir?: string;
  /** Runs after each refusal is recorded (e.g. to reply on the device's error topic). */
  onRefused?: (refusal: Refusal, broker: Broker) => void;
}

export interface Harness {
  broker: Broker;
  ports: { mqtt: number; ws?: number; tls?: number };
  registry: DeviceRegistry;
  metrics: Registry;
  messages: DeviceMessage[];
  refusals: Refusal[];
  dir: string;
  /** Registers a device and returns its password. */
  addDevice(id: string, kind?: string): Promise<string>;
  /** Connects an mqtt.js client and waits for CONNACK (rejects with the refusal). */
  connect(options: IClientOptions): Promise<MqttClient>;
  /** Value of a counter/gauge with these labels (0 when absent). */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** Waits until the metric has `value` (for counters bumped after the client saw the packet). */
  eventually(name: string, labels: Record<string, string>, value: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'omo-broker-'));
  const registry = await DeviceRegistry.open(join(dir, 'registry.json'));
  const metrics = createRegistry();
  const messages: DeviceMessage[] = [];
  const refusals: Refusal[] = [];
  const defaults = Value.Default(BrokerSchema, {}) as BrokerConfig;
  const config: BrokerConfig = {
    ...defaults,
    host: '127.0.0.1',
    mqtt_port: 0,
    ws_port: 0,
    ...options.config,
    limits: { ...defaults.limits, ...options.limits },
  };
  const broker: Broker = new Broker({
    config,
    registry,
    profiles: testProfiles,
    metrics,
    configDir: options.configDir ?? dir,
    onMessage: (message) => messages.push(message),
    onRefused: (refusal) => {
      refusals.push(refusal);
      options.onRefused?.(refusal, broker);
    },
  });
  let ports: Awaited<ReturnType<Broker['start']>>;
  try {
    ports = await broker.start();
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const clients: MqttClient[] = [];

  const harness: Harness = {
    broker,
    ports,
    registry,
    metrics,
    messages,
    refusals,
    dir,
    async addDevice(id, kind = 'shelf') {
      return (await registry.add(id, kind)).password;
    },
    connect(clientOptions) {
      const client = mqtt.connect({
        host: '127.0.0.1',
        port: ports.mqtt,
        reconnectPeriod: 0,
        connectTimeout: 5000,
        ...clientOptions,
      });
      clients.push(client);
      return new Promise((resolve, reject) => {
        client.once('connect', () => resolve(client));
        client.once('error', reject);
        client.once('close', () => reject(new Error('closed before CONNACK')));
      });
    },
    async metric(name, labels = {}) {
      const metric = metrics.getSingleMetric(name);
      if (metric === undefined) throw new Error(`no metric ${name}`);
      const values = (await metric.get()).values;
      const match = values.find((v) => Object.entries(labels).every(([k, value]) => v.labels[k] === value));
      return match?.value ?? 0;
    },
    async eventually(name, labels, value) {
      const deadline = Date.now() + 30_000; // a hang guard; the poll ends when the value is reached
      while ((await harness.metric(name, labels)) !== value) {
        if (Date.now() > deadline) throw new Error(`${name} ${JSON.stringify(labels)} never reached ${value}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async stop() {
      await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
      await broker.stop();
      await registry.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return harness;
}
