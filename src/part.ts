/**
 * The part contract (issue 7; zigbee2mqtt's `extension/extension.ts` is the model). Every piece of the
 * gateway — registry, stores, uplink, paths, ingest, broker, HTTP, the demo store, and the parts to come —
 * is a `Part` built by a `PartFactory` from one shared `PartContext`. `src/gateway.ts` holds the ordered
 * list: it builds and starts each part in turn, stops them in reverse, and asks each for its health.
 *
 * Rules for a part:
 * - The factory only wires: it builds objects and `provide`s what later parts may use; sockets, files
 *   and timers open in `start()`.
 * - A part imports no other part. What two parts share goes through the context: bus events, the
 *   database, `publish`, the routes they add, and the few services below that a later part `need`s.
 */
import type { AggregateStore } from './aggregate/store.js';
import type { StreamStore } from './aggregate/streams/store.js';
import type { Broker } from './broker/broker.js';
import type { EventBus } from './bus.js';
import type { Clock } from './clock.js';
import type { GatewayConfig } from './config/schema.js';
import type { ComponentHealth, HealthReport, HttpRoutePlugin } from './http/types.js';
import type { DeadLetterStore } from './ingest/dead-letter.js';
import type { Ingest } from './ingest/ingest.js';
import type { Logger } from './log.js';
import type { Registry } from './metrics.js';
import type { DeviceRegistry } from './registry/devices.js';
import type { TokenStore } from './registry/tokens.js';
import type { SqliteDatabase } from './store/database.js';
import type { Outbox } from './store/outbox/outbox.js';
import type { Uplink } from './uplink/uplink.js';

/** One part's state for `/healthz`; parts add the figures an operator needs (connections, backlog…). */
export type PartHealth = ComponentHealth;

export interface Part {
  /** Names the part in logs, in `/healthz` (when it reports health) and in start/stop errors. */
  readonly name: string;
  start(): Promise<void> | void;
  stop(): Promise<void> | void;
  /** Asked on every `/healthz`; `down` makes the gateway answer 503, `degraded` keeps it 200. */
  health?(): PartHealth | Promise<PartHealth>;
}

export type PartFactory = (context: PartContext) => Part;

/** Ports the gateway bound, as runtime.json reports them (ARCHITECTURE §9). */
export interface BoundPortsReport {
  mqtt?: number;
  ws?: number;
  tls?: number;
  http?: number;
}

/**
 * Services one part builds and later parts use. Kept to what a later part cannot get from the bus:
 * the broker authenticates against `devices`, HTTP checks `tokens`, the aggregates stage into `outbox`.
 */
export interface Services {
  devices: DeviceRegistry;
  tokens: TokenStore;
  deadLetters: DeadLetterStore;
  outbox: Outbox;
  uplink: Uplink;
  aggregates: AggregateStore;
  /** Aggregation for every feature: a part declares its streams here (src/aggregate/README.md). */
  streams: StreamStore;
  ingest: Ingest;
  broker: Broker;
}

export interface PartContext {
  readonly config: GatewayConfig;
  /** The directory of the config file; relative paths in the config (certificates, CA) resolve here. */
  readonly configDir: string;
  /** `--data-dir`: SQLite files, lowdb documents, runtime.json. */
  readonly dataDir: string;
  readonly bus: EventBus;
  readonly metrics: Registry;
  readonly clock: Clock;
  /** The gateway's SQLite connection (`<data-dir>/omo.db`, WAL). Parts add their tables by migrations. */
  readonly db: SqliteDatabase;
  /** A namespaced logger (`omo:<area>`). */
  logger(namespace: string): Logger;
  /** Publishes through the embedded broker; a failure is logged, never thrown (readings keep flowing). */
  publish(topic: string, payload: string | Buffer, options?: { retain?: boolean }): void;
  /** Adds HTTP routes; every route added before the HTTP part starts is served with the same auth. */
  addRoutes(plugin: HttpRoutePlugin): void;
  /** The gateway's health over every running part (`/healthz`). */
  health(): Promise<HealthReport>;
  /** The routes added so far (read by the HTTP part). */
  readonly routes: readonly HttpRoutePlugin[];
  /** Ports bound so far; the broker and HTTP parts fill it, the gateway writes it to runtime.json. */
  readonly ports: BoundPortsReport;
  provide<K extends keyof Services>(name: K, service: Services[K]): void;
  /** A service an earlier part provided; throws naming both parts when none did (an ordering mistake). */
  need<K extends keyof Services>(name: K): Services[K];
  /** The same, or undefined when no part provides it (optional features). */
  find<K extends keyof Services>(name: K): Services[K] | undefined;
}

/**
 * Stops several things of one part each on its own and rethrows the first failure after all have
 * stopped: one that fails must not keep another's sockets or timers running.
 */
export async function stopEach(...stops: readonly (() => Promise<void> | void)[]): Promise<void> {
  const results = await Promise.allSettled(stops.map(async (stop) => stop()));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
