/**
 * Prometheus metrics. One registry per gateway instance (tests run several gateways in one process),
 * passed to every feature, which registers its own counters with `registers: [registry]`.
 * Metric names start with `omo_`; labels are low-cardinality (kind, reason, stream — never a device id).
 */
import { collectDefaultMetrics, Registry } from 'prom-client';

export type { Registry } from 'prom-client';

export function createRegistry(): Registry {
  const registry = new Registry();
  // Process RSS, CPU, event-loop lag and GC come from prom-client's defaults.
  collectDefaultMetrics({ register: registry, prefix: 'omo_' });
  return registry;
}
