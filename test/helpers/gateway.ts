/**
 * The whole gateway in-process for end-to-end tests: a temp data directory, a config file (YAML text or a
 * copy of config/default.yaml), every port 0, real mqtt.js clients and `fetch` against the real HTTP
 * listener. Devices are registered through the running gateway's own registry and tokens before start,
 * so nothing here reaches into a part the gateway did not build itself.
 */
import { randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { BusEventName, BusEvents } from '../../src/bus.js';
import { Gateway } from '../../src/gateway.js';
import type { RuntimeInfo } from '../../src/http/runtime-file.js';
import type { PartFactory } from '../../src/part.js';
import { type Scope, TokenStore } from '../../src/registry/tokens.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const DEFAULT_CONFIG = join(REPO_ROOT, 'config/default.yaml');

/** The smallest config the gateway starts on; tests append sections (e.g. broker limits). */
export const MINIMAL_YAML = 'store: { id: e2e-store }\ngateway: { id: e2e-gw, log_level: warn }\n';

/**
 * Polls `check` until it returns something truthy and returns it; throws naming `what` after `timeoutMs`.
 * `intervalMs` between polls: raise it when the check itself loads the gateway (an HQ query).
 */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  // A hang guard, not a speed check: the poll ends as soon as `check` holds.
  timeoutMs = 30_000,
  what = 'a condition',
  intervalMs = 20,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      // What the check looks at may not exist yet (a file, a listener): keep polling.
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (${String(lastError)})` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export async function makeDataDir(prefix = 'omo-e2e-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Writes `yaml` as `<dir>/<name>`, or copies config/default.yaml there when `yaml` is omitted. */
export async function writeConfigFile(dir: string, yaml?: string, name = 'gateway.yaml'): Promise<string> {
  const file = join(dir, name);
  if (yaml === undefined) await copyFile(DEFAULT_CONFIG, file);
  else await writeFile(file, yaml);
  return file;
}

/** One sample of a Prometheus text exposition. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1] ?? ''] = pair[2] ?? '';
    samples.push({ name: match[1] ?? '', labels, value: Number(match[3]) });
  }
  return samples;
}

/** Sum of the samples named `name` whose labels include `labels` (0 when there are none). */
export function metricValue(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

/** Connects an mqtt.js client (MQTT 3.1.1, no reconnect) and resolves on CONNACK 0; rejects with the refusal. */
export function connectClient(port: number, options: IClientOptions): Promise<MqttClient> {
  const client = mqtt.connect({ host: '127.0.0.1', port, reconnectPeriod: 0, connectTimeout: 5000, ...options });
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => {
      client.off('connect', succeed);
      client.end(true);
      reject(error);
    };
    const closed = () => fail(new Error('connection closed before CONNACK'));
    const succeed = () => {
      client.off('error', fail);
      client.off('close', closed);
      resolve(client);
    };
    client.once('connect', succeed);
    client.once('error', fail);
    client.once('close', closed);
  });
}

/** The CONNACK return code a CONNECT gets (0 when accepted); the client is closed either way. */
export async function connackCode(port: number, options: IClientOptions): Promise<number> {
  try {
    const client = await connectClient(port, options);
    await client.endAsync(true);
    return 0;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'number') return code;
    throw error;
  }
}

export interface GatewayUnderTest {
  gateway: Gateway;
  ports: RuntimeInfo;
  dataDir: string;
  configFile: string;
  /** A token with the admin scope, made before start. */
  adminToken: string;
  /** Registers a device in the running gateway and returns its password. */
  addDevice(id: string, kind: string): Promise<string>;
  /** Connects as a registered device (client id = device id unless given). */
  connectDevice(id: string, password: string, options?: IClientOptions): Promise<MqttClient>;
  /** GET (or other method) on the HTTP API, with a bearer token when given. */
  http(path: string, init?: { token?: string; method?: string }): Promise<Response>;
  /** One scrape of /metrics, parsed. */
  scrape(): Promise<Sample[]>;
  /** Records every payload of one bus event from now on. */
  record<E extends BusEventName>(event: E): BusEvents[E][];
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Config text; default: a copy of config/default.yaml. */
  yaml?: string;
  /** Extra OMO_* variables (ports are forced to 0 regardless). */
  env?: NodeJS.ProcessEnv;
  /** Reuse a data directory (e.g. one the CLI writes to); default: a new temp one, removed on stop. */
  dataDir?: string;
  /** The parts to run; default the gateway's own list (`gatewayParts`). */
  parts?: readonly PartFactory[];
}

export async function startGateway(options: StartOptions = {}): Promise<GatewayUnderTest> {
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await makeDataDir());
  const configFile = await writeConfigFile(dataDir, options.yaml);
  const tokens = await TokenStore.open(join(dataDir, 'tokens.json'));
  const adminToken = (await tokens.add(`e2e-admin-${randomBytes(4).toString('hex')}`, ['admin' as Scope])).token;
  const env = { OMO_LOG_LEVEL: 'warn', ...options.env, OMO_WS_PORT: '0' };
  const gateway = new Gateway({
    configFile,
    dataDir,
    mqttPort: 0,
    httpPort: 0,
    env,
    ...(options.parts ? { parts: options.parts } : {}),
  });
  const clients: MqttClient[] = [];
  let ports: RuntimeInfo;
  try {
    ports = await gateway.start();
  } catch (error) {
    if (ownDir) await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const base = `http://127.0.0.1:${ports.http}`;
  const under: GatewayUnderTest = {
    gateway,
    ports,
    dataDir,
    configFile,
    adminToken,
    async addDevice(id, kind) {
      return (await gateway.deviceRegistry.add(id, kind)).password;
    },
    async connectDevice(id, password, clientOptions = {}) {
      const client = await connectClient(ports.mqtt, { clientId: id, username: id, password, ...clientOptions });
      clients.push(client);
      return client;
    },
    http(path, init = {}) {
      const headers: Record<string, string> = {};
      if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
      return fetch(`${base}${path}`, { method: init.method ?? 'GET', headers, signal: AbortSignal.timeout(30_000) });
    },
    async scrape() {
      const response = await under.http('/metrics');
      if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
      return parseMetrics(await response.text());
    },
    record(event) {
      const seen: BusEvents[typeof event][] = [];
      gateway.bus.on('e2e-test', event, (payload) => seen.push(payload));
      return seen;
    },
    async stop() {
      await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
      gateway.bus.removeOwner('e2e-test');
      await gateway.stop();
      if (ownDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
  return under;
}
