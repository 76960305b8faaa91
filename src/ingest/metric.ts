/**
 * Registers a metric once per registry. A feature that is stopped and started again on the same
 * registry (the gateway restarting a part) finds its metric already there and keeps counting on it,
 * where prom-client would otherwise throw on the duplicate name.
 */
import type { Metric, Registry } from 'prom-client';

export function registerOnce<M extends Metric>(registry: Registry, name: string, create: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? create();
}
