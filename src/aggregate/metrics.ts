/**
 * The aggregate store's Prometheus metrics (names start `omo_aggregate_`; labels are low-cardinality).
 * Registered once per registry, so a store restarted on the same registry keeps counting.
 */
import { Counter, Gauge, Histogram, type Metric, type Registry } from 'prom-client';

type RegisterOnce = <M extends Metric>(registry: Registry, name: string, create: () => M) => M;

export class AggregateMetrics {
  readonly written: Counter;
  readonly merged: Counter;
  readonly refused: Counter<'reason'>;
  readonly expired: Counter<'level'>;
  readonly writeSeconds: Histogram;
  readonly uplinked: Counter;
  readonly uplinkPending: Gauge;

  constructor(registry: Registry, once: RegisterOnce) {
    const registers = [registry];
    this.written = once(
      registry,
      'omo_aggregate_bins_written_total',
      () => new Counter({ name: 'omo_aggregate_bins_written_total', help: 'Closed bins written.', registers }),
    );
    this.merged = once(
      registry,
      'omo_aggregate_bins_merged_total',
      () =>
        new Counter({
          name: 'omo_aggregate_bins_merged_total',
          help: 'Bins written as the continuation of a partial bin a clean stop flushed (merged, not replaced).',
          registers,
        }),
    );
    this.refused = once(
      registry,
      'omo_aggregate_bins_refused_total',
      () =>
        new Counter({
          name: 'omo_aggregate_bins_refused_total',
          help: 'Bins not written: invalid record, or older than retention allows to roll up.',
          labelNames: ['reason'],
          registers,
        }),
    );
    this.expired = once(
      registry,
      'omo_aggregate_bins_expired_total',
      () =>
        new Counter({
          name: 'omo_aggregate_bins_expired_total',
          help: 'Bins deleted by retention, per resolution.',
          labelNames: ['level'],
          registers,
        }),
    );
    this.writeSeconds = once(
      registry,
      'omo_aggregate_write_seconds',
      () =>
        new Histogram({
          name: 'omo_aggregate_write_seconds',
          help: 'Time to write one bin and its roll-ups (one transaction).',
          buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5],
          registers,
        }),
    );
    this.uplinked = once(
      registry,
      'omo_aggregate_uplink_records_total',
      () =>
        new Counter({
          name: 'omo_aggregate_uplink_records_total',
          help: 'Aggregate records appended to the uplink outbox.',
          registers,
        }),
    );
    this.uplinkPending = once(
      registry,
      'omo_aggregate_uplink_staged',
      () =>
        new Gauge({
          name: 'omo_aggregate_uplink_staged',
          help: 'Aggregate records staged but not yet appended to the outbox.',
          registers,
        }),
    );
  }
}
