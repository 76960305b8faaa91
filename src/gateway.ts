/**
 * The composition root (ARCHITECTURE §3): loads the validated config, opens the database, builds every
 * part from one shared context (src/part.ts) and starts them in the order of `gatewayParts`; stops them
 * in reverse. The order follows the data flow backwards — storage before ingest, ingest before the broker
 * lets devices in, HTTP last — so no message or request reaches a part that is not ready for it.
 * Adding a part is one file (`src/<area>/part.ts`) and one line in the list below.
 */
import { join } from 'node:path';
import { Counter } from 'prom-client';
import { profileKinds } from '../devices/index.js';
import { aggregatesPart } from './aggregate/part.js';
import { brokerPart } from './broker/part.js';
import { EventBus } from './bus.js';
import { type Clock, systemClock } from './clock.js';
import { loadConfig } from './config/load.js';
import type { GatewayConfig } from './config/schema.js';
import { gpioPart } from './gpio/part.js';
import { healthReport } from './health.js';
import { httpPart } from './http/part.js';
import { type RuntimeInfo, removeRuntimeFile, writeRuntimeFile } from './http/runtime-file.js';
import { deadLetterPart } from './ingest/dead-letter-part.js';
import { ingestPart } from './ingest/part.js';
import { createLogger, setLogLevel } from './log.js';
import { createRegistry, type Registry } from './metrics.js';
import type { Part, PartContext, PartFactory, Services } from './part.js';
import { createPartContext } from './part-context.js';
import { pathsPart } from './paths/part.js';
import { registryPart } from './registry/part.js';
import { openDatabase } from './store/database.js';
import { outboxPart } from './store/outbox/part.js';
import { uplinkPart } from './uplink/part.js';
import { visionPart } from './vision/part.js';

const log = createLogger('omo:gateway');

/** Every part of the gateway, in start order (stop order is the reverse). */
export const gatewayParts: readonly PartFactory[] = [
  registryPart, // device credentials and API tokens (lowdb documents)
  deadLetterPart, // refused messages (SQLite)
  outboxPart, // store-and-forward queue (its own SQLite file)
  uplinkPart, // outbox → cloud broker
  aggregatesPart, // bins, roll-ups, uplink staging
  pathsPart, // tracks → journeys → §5 figures; HQ routes
  gpioPart, // door beams, buttons, status LED (only with a gpio section)
  visionPart, // plain cameras' frames → detector → tracker → tracks
  ingestPart, // topic → profile → validate → bus
  brokerPart, // devices connect here
  httpPart, // health, metrics, admin, and every route the parts above added
];

export interface GatewayOptions {
  configFile: string;
  dataDir: string;
  /** Command-line port overrides (take precedence over OMO_* variables and the file); 0 picks a free port. */
  mqttPort?: number;
  wsPort?: number;
  httpPort?: number;
  env?: NodeJS.ProcessEnv;
  /** The gateway's wall clock; default the system clock. */
  clock?: Clock;
  /** The parts to run, in start order; default `gatewayParts`. */
  parts?: readonly PartFactory[];
}

export class Gateway {
  readonly bus = new EventBus();
  readonly metrics: Registry = createRegistry();
  /** Stop actions of what has started, in start order. */
  private readonly started: { name: string; stop(): Promise<void> | void }[] = [];
  private readonly parts: Part[] = [];
  private config: GatewayConfig | undefined;
  private context: PartContext | undefined;
  private runtime: RuntimeInfo | undefined;

  constructor(private readonly options: GatewayOptions) {}

  /** The validated config (available after start). */
  get settings(): GatewayConfig {
    if (this.config === undefined) throw new Error('gateway not started');
    return this.config;
  }

  get ports(): RuntimeInfo {
    if (this.runtime === undefined) throw new Error('gateway not started');
    return this.runtime;
  }

  /** A service a running part provides (the demo provisions devices in `devices`; tests read others). */
  service<K extends keyof Services>(name: K): Services[K] {
    if (this.context === undefined) throw new Error('gateway not started');
    return this.context.need(name);
  }

  get deviceRegistry(): Services['devices'] {
    return this.service('devices');
  }

  async start(): Promise<RuntimeInfo> {
    try {
      return await this.startParts();
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  private async startParts(): Promise<RuntimeInfo> {
    const { options } = this;
    const loaded = await loadConfig(options.configFile, { env: this.environment(), knownKinds: profileKinds });
    const config = loaded.config;
    this.config = config;
    if (process.env.OMO_LOG_LEVEL === undefined) setLogLevel(config.gateway.log_level);
    this.bus.setFailureHook(this.countListenerFailures());

    const db = openDatabase(join(options.dataDir, 'omo.db'), []);
    this.started.push({ name: 'database', stop: () => void db.close() });
    let building = 'gateway';
    const context = createPartContext({
      config,
      configDir: loaded.dir,
      dataDir: options.dataDir,
      bus: this.bus,
      metrics: this.metrics,
      clock: options.clock ?? systemClock,
      db,
      health: () => healthReport(db, this.parts),
      currentPart: () => building,
    });
    this.context = context;

    for (const factory of options.parts ?? gatewayParts) {
      building = factory.name || `part ${this.parts.length + 1}`;
      const part = factory(context);
      building = part.name;
      // A part counts as started (and is stopped) as soon as its start begins: a start that fails half
      // way may already hold sockets or timers.
      this.started.push(part);
      await part.start();
      this.parts.push(part);
    }

    this.runtime = {
      mqtt: context.ports.mqtt ?? 0,
      ws: context.ports.ws ?? 0,
      http: context.ports.http ?? 0,
      pid: process.pid,
    };
    if (context.ports.tls !== undefined) this.runtime.tls = context.ports.tls;
    await writeRuntimeFile(options.dataDir, this.runtime);
    this.started.push({ name: 'runtime file', stop: () => removeRuntimeFile(options.dataDir) });
    log.info(
      `store ${config.store.id} ready: mqtt ${this.runtime.mqtt}, ws ${this.runtime.ws}, http ${this.runtime.http}`,
    );
    return this.runtime;
  }

  /** Stops everything started, in reverse order; a part that fails to stop does not keep others running. */
  async stop(): Promise<void> {
    this.parts.length = 0;
    while (this.started.length > 0) {
      const part = this.started.pop() as Part;
      try {
        await part.stop();
      } catch (error) {
        log.warn(`stopping ${part.name} failed: ${(error as Error).message}`);
      }
    }
  }

  /** Command-line ports go in as environment overrides, so the port-collision check sees them too. */
  private environment(): NodeJS.ProcessEnv {
    const { options } = this;
    const env = { ...(options.env ?? process.env) };
    if (options.mqttPort !== undefined) env.OMO_MQTT_PORT = String(options.mqttPort);
    if (options.wsPort !== undefined) env.OMO_WS_PORT = String(options.wsPort);
    if (options.httpPort !== undefined) env.OMO_HTTP_PORT = String(options.httpPort);
    return env;
  }

  private countListenerFailures() {
    const failures = new Counter({
      name: 'omo_bus_listener_failures_total',
      help: 'Bus listeners that threw, by event; the other listeners still ran.',
      labelNames: ['event'],
      registers: [this.metrics],
    });
    return (event: string) => failures.inc({ event });
  }
}
