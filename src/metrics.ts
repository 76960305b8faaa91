/**
 * Prometheus metrics. One registry per gateway instance (tests run several gateways in one process),
 * passed to every feature, which registers its own counters with `registers: [registry]`.
 * Metric names start with `omo_`; labels are low-cardinality (kind, reason, stream — never a device id).
 */
import { collectDefaultMetrics, type Metric, Registry } from 'prom-client';

export type { Registry } from 'prom-client';

export function createRegistry(): Registry {
  const registry = new Registry();
  // Process RSS, CPU, event-loop lag and GC come from prom-client's defaults.
  collectDefaultMetrics({ register: registry, prefix: 'omo_' });
  return registry;
}

/**
 * Registers a metric once per registry. A feature that is stopped and started again on the same
 * registry (the gateway restarting a part, an HTTP app rebuilt) finds its metric already there and keeps
 * counting on it, where prom-client would otherwise throw on the duplicate name.
 */
export function registerOnce<M extends Metric>(registry: Registry, name: string, create: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? create();
}
