/**
 * The composition root (ARCHITECTURE §3): builds every part of the gateway from the validated config,
 * starts them in order and stops them in reverse. A reader sees the whole gateway on this screen.
 * Start-up order follows the data flow backwards — storage before ingest, ingest before the broker lets
 * devices in, HTTP last — so no message arrives at a part that is not ready for it.
 */
import { join } from 'node:path';
import { Counter } from 'prom-client';
import { profileKinds, profiles } from '../devices/index.js';
import { pathBinRecordFromBinData } from './aggregate/records.js';
import { AggregateStore } from './aggregate/store.js';
import { Broker } from './broker/broker.js';
import { EventBus } from './bus.js';
import { loadConfig } from './config/load.js';
import type { GatewayConfig } from './config/schema.js';
import { healthReport } from './health.js';
import { buildHttpApp } from './http/app.js';
import { hqRoutes } from './http/routes/hq-routes.js';
import { occupancyRoutes } from './http/routes/occupancy.js';
import { type RuntimeInfo, removeRuntimeFile, writeRuntimeFile } from './http/runtime-file.js';
import type { HealthReport } from './http/types.js';
import { DeadLetterStore } from './ingest/dead-letter.js';
import { Ingest } from './ingest/ingest.js';
import { createLogger, setLogLevel } from './log.js';
import { createRegistry, type Registry } from './metrics.js';
import { LivePaths } from './paths/live/live-paths.js';
import { DeviceRegistry } from './registry/devices.js';
import { TokenStore } from './registry/tokens.js';
import { openDatabase, type SqliteDatabase } from './store/database.js';
import { Outbox, outboxOptionsFromConfig } from './store/outbox.js';
import { Uplink } from './uplink/uplink.js';

const log = createLogger('omo:gateway');

export interface GatewayOptions {
  configFile: string;
  dataDir: string;
  /** Command-line port overrides (take precedence over OMO_* variables and the file). */
  mqttPort?: number;
  httpPort?: number;
  env?: NodeJS.ProcessEnv;
}

interface Part {
  name: string;
  stop(): Promise<void> | void;
}

export class Gateway {
  readonly bus = new EventBus();
  readonly metrics: Registry = createRegistry();
  private readonly parts: Part[] = [];
  private config: GatewayConfig | undefined;
  private runtime: RuntimeInfo | undefined;
  private db: SqliteDatabase | undefined;
  private broker: Broker | undefined;
  private devices: DeviceRegistry | undefined;
  private outboxStore: Outbox | undefined;
  private uplinkClient: Uplink | undefined;
  private livePaths: LivePaths | undefined;

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

  /** The live path analysis (occupancy, stitching counts), for the API and tests. */
  get pathAnalysis(): LivePaths {
    if (this.livePaths === undefined) throw new Error('gateway not started');
    return this.livePaths;
  }

  get deviceRegistry(): DeviceRegistry {
    if (this.devices === undefined) throw new Error('gateway not started');
    return this.devices;
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
    // Command-line ports go in as environment overrides, so the port-collision check sees them too.
    const env = { ...(options.env ?? process.env) };
    if (options.mqttPort !== undefined) env.OMO_MQTT_PORT = String(options.mqttPort);
    if (options.httpPort !== undefined) env.OMO_HTTP_PORT = String(options.httpPort);
    const loaded = await loadConfig(options.configFile, { env, knownKinds: profileKinds });
    const config = loaded.config;
    this.config = config;
    if (process.env.OMO_LOG_LEVEL === undefined) setLogLevel(config.gateway.log_level);
    this.bus.setFailureHook(this.countListenerFailures());

    const db = openDatabase(join(options.dataDir, 'omo.db'), []);
    this.db = db;
    this.parts.push({ name: 'database', stop: () => void db.close() });

    const devices = await DeviceRegistry.open(join(options.dataDir, 'registry.json'));
    this.devices = devices;
    await this.startPart('device registry', devices);
    const tokens = await TokenStore.open(join(options.dataDir, 'tokens.json'));
    await this.startPart('token store', tokens);

    const deadLetters = new DeadLetterStore({
      db,
      maxRows: config.ingest.dead_letter_max_rows,
      sampleBytes: config.ingest.dead_letter_sample_bytes,
      metrics: this.metrics,
    });
    await this.startPart('dead letters', deadLetters);

    // The outbox has its own SQLite file: its commits run with synchronous=FULL (an acknowledged
    // aggregate must survive a power cut, §6) without slowing the aggregate and dead-letter writes.
    const outbox = new Outbox(outboxOptionsFromConfig(config, options.dataDir));
    this.outboxStore = outbox;
    await this.startPart('outbox', outbox);
    const uplink = new Uplink({
      config: config.uplink,
      storeId: config.store.id,
      gatewayId: config.gateway.id,
      outbox,
      metrics: this.metrics,
      configDir: loaded.dir,
    });
    this.uplinkClient = uplink;
    await this.startPart('uplink', uplink);

    // Closed path-analysis bins land here (one transaction per bin) and are staged for the uplink.
    const aggregates = new AggregateStore({ db, config, metrics: this.metrics, outbox });
    await this.startPart('aggregates', aggregates);

    const broker = new Broker({
      config: config.broker,
      registry: devices,
      profiles,
      metrics: this.metrics,
      configDir: loaded.dir,
      onMessage: (message) => ingest.handle(message),
      onRefused: (refusal) => ingest.refuse(refusal),
    });
    this.broker = broker;
    const publish = (topic: string, payload: string, retain: boolean) => {
      broker
        .publish(topic, payload, { retain })
        .catch((error: Error) => log.warn(`publish to ${topic} failed: ${error.message}`));
    };

    // Camera tracks → journeys → §5 engines; every final bin goes to the aggregate store. Stopped after
    // the broker (reverse order), so its last flush still lands in the store.
    const paths = new LivePaths({
      config,
      bus: this.bus,
      metrics: this.metrics,
      journeys: config.analysis.journeys,
      publish: (topic, payload, { retain }) => publish(topic, payload, retain),
      onBin: (bin, model) => {
        try {
          aggregates.writeBin(pathBinRecordFromBinData(model, bin));
        } catch (error) {
          // A bin the store refuses (e.g. older than retention) is logged and counted there; the
          // live analysis goes on with the next one.
          log.error(`bin not stored: ${(error as Error).message}`);
        }
      },
    });
    this.livePaths = paths;
    await this.startPart('paths', paths);

    const ingest = new Ingest({
      config: config.ingest,
      profiles,
      bus: this.bus,
      deadLetters,
      metrics: this.metrics,
      reply: (topic, payload) => publish(topic, payload, false),
    });
    await this.startPart('ingest', ingest);
    const brokerPorts = await broker.start();
    this.parts.push({ name: 'broker', stop: () => broker.stop() });

    const http = await buildHttpApp({
      tokens,
      metrics: this.metrics,
      health: () => this.health(),
      devices,
      deadLetters,
      routes: [...hqRoutes({ aggregates, config }), occupancyRoutes(paths)],
    });
    await http.listen({ host: config.http.host, port: config.http.port });
    this.parts.push({ name: 'http', stop: () => http.close() });
    const address = http.server.address();
    const httpPort = typeof address === 'object' && address !== null ? address.port : config.http.port;

    this.runtime = {
      mqtt: brokerPorts.mqtt,
      ws: brokerPorts.ws ?? 0,
      http: httpPort,
      pid: process.pid,
    };
    if (brokerPorts.tls !== undefined) this.runtime.tls = brokerPorts.tls;
    await writeRuntimeFile(options.dataDir, this.runtime);
    this.parts.push({
      name: 'runtime file',
      stop: () => removeRuntimeFile(options.dataDir),
    });
    log.info(
      `store ${config.store.id} ready: mqtt ${this.runtime.mqtt}, ws ${this.runtime.ws}, http ${this.runtime.http}`,
    );
    return this.runtime;
  }

  /** Stops every started part in reverse order; a part that fails to stop does not keep others running. */
  async stop(): Promise<void> {
    while (this.parts.length > 0) {
      const part = this.parts.pop() as Part;
      try {
        await part.stop();
      } catch (error) {
        log.warn(`stopping ${part.name} failed: ${(error as Error).message}`);
      }
    }
  }

  private async startPart(name: string, part: { start(): Promise<void>; stop(): Promise<void> }): Promise<void> {
    await part.start();
    this.parts.push({ name, stop: () => part.stop() });
  }

  private health(): HealthReport {
    return healthReport({ broker: this.broker, db: this.db, outbox: this.outboxStore, uplink: this.uplinkClient });
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
