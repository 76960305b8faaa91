/**
 * Builds the one context every part is made from (src/part.ts). The services map is filled as parts
 * start, in order, so `need()` in a factory sees exactly the parts before it.
 */
import type { EventBus } from './bus.js';
import type { Clock } from './clock.js';
import type { GatewayConfig } from './config/schema.js';
import type { HealthReport, HttpRoutePlugin } from './http/types.js';
import { createLogger } from './log.js';
import type { Registry } from './metrics.js';
import type { BoundPortsReport, PartContext, Services } from './part.js';
import type { SqliteDatabase } from './store/database.js';

export interface ContextSources {
  config: GatewayConfig;
  configDir: string;
  dataDir: string;
  bus: EventBus;
  metrics: Registry;
  clock: Clock;
  db: SqliteDatabase;
  health(): Promise<HealthReport>;
  /** The name of the part being built, for `need()`'s error. */
  currentPart(): string;
}

export function createPartContext(sources: ContextSources): PartContext {
  const services = new Map<keyof Services, { service: unknown; by: string }>();
  const routes: HttpRoutePlugin[] = [];
  const ports: BoundPortsReport = {};
  const log = createLogger('omo:gateway');
  const find = <K extends keyof Services>(name: K): Services[K] | undefined =>
    services.get(name)?.service as Services[K] | undefined;
  return {
    config: sources.config,
    configDir: sources.configDir,
    dataDir: sources.dataDir,
    bus: sources.bus,
    metrics: sources.metrics,
    clock: sources.clock,
    db: sources.db,
    routes,
    ports,
    health: sources.health,
    logger: createLogger,
    publish(topic, payload, options = {}) {
      const broker = find('broker');
      if (broker === undefined) {
        log.warn(`publish to ${topic} before the broker started: dropped`);
        return;
      }
      broker
        .publish(topic, payload, { retain: options.retain ?? false })
        .catch((error: Error) => log.warn(`publish to ${topic} failed: ${error.message}`));
    },
    addRoutes(plugin) {
      routes.push(plugin);
    },
    provide(name, service) {
      const earlier = services.get(name);
      if (earlier !== undefined) {
        throw new Error(`parts "${earlier.by}" and "${sources.currentPart()}" both provide "${name}"`);
      }
      services.set(name, { service, by: sources.currentPart() });
    },
    need(name) {
      const service = find(name);
      if (service === undefined) {
        throw new Error(`part "${sources.currentPart()}" needs "${name}", which no part started before it provides`);
      }
      return service;
    },
    find,
  };
}
