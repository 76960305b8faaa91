/**
 * Metrics of the declared streams (names start `omo_aggregate_stream_`; the `stream` label is a
 * declaration name — a handful per gateway). Registered once per registry (src/metrics.ts).
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { registerOnce } from '../../metrics.js';

export class StreamMetrics {
  readonly written: Counter<'stream'>;
  readonly refused: Counter<'stream' | 'reason'>;
  readonly expired: Counter<'level'>;
  readonly writeSeconds: Histogram<'stream'>;
  readonly uplinked: Counter;
  readonly staged: Gauge;

  constructor(registry: Registry) {
    const registers = [registry];
    const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
      registerOnce(registry, name, () => new Counter<L>({ name, help, labelNames, registers }));
    this.written = counter('omo_aggregate_stream_bins_written_total', 'Bins of declared streams written.', ['stream']);
    this.refused = counter(
      'omo_aggregate_stream_bins_refused_total',
      'Bins of declared streams not written: invalid records, or older than retention allows to roll up.',
      ['stream', 'reason'],
    );
    this.expired = counter('omo_aggregate_stream_rows_expired_total', 'Stream rows deleted by retention.', ['level']);
    this.uplinked = counter(
      'omo_aggregate_stream_uplink_records_total',
      'Declared-stream records appended to the uplink outbox.',
      [],
    );
    const writeSeconds = 'omo_aggregate_stream_write_seconds';
    this.writeSeconds = registerOnce(
      registry,
      writeSeconds,
      () =>
        new Histogram({
          name: writeSeconds,
          help: 'Time to write one bin of a declared stream and its roll-ups (one transaction).',
          labelNames: ['stream'],
          buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5],
          registers,
        }),
    );
    const staged = 'omo_aggregate_stream_uplink_staged';
    this.staged = registerOnce(
      registry,
      staged,
      () => new Gauge({ name: staged, help: 'Declared-stream records staged, not yet in the outbox.', registers }),
    );
  }
}
