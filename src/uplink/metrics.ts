/**
 * Uplink metrics (issue 4, operator view): registered on start, removed on stop so a gateway can be
 * restarted inside one process (tests) without "metric already registered". Backlog and dropped are
 * read from the outbox at scrape time; the dropped counter follows the outbox's persisted total, so
 * it counts drops over the gateway's life, not only since the last restart.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Outbox } from '../store/outbox/outbox.js';
import { OUTBOX_STREAMS, type OutboxStream } from '../store/outbox/streams.js';

export interface UplinkMetrics {
  acked(stream: OutboxStream, records: number, at: Date): void;
  remove(): void;
}

export function registerUplinkMetrics(registry: Registry, outbox: Outbox, isConnected: () => boolean): UplinkMetrics {
  const registers = [registry];
  new Gauge({
    name: 'omo_uplink_connected',
    help: '1 while connected to the cloud broker, else 0.',
    registers,
    collect() {
      this.set(isConnected() ? 1 : 0);
    },
  });
  new Gauge({
    name: 'omo_uplink_backlog_records',
    help: 'Records in the outbox waiting for the cloud broker’s PUBACK, per stream.',
    labelNames: ['stream'],
    registers,
    collect() {
      for (const stream of OUTBOX_STREAMS) this.set({ stream }, outbox.pending(stream));
    },
  });
  const sent = new Counter({
    name: 'omo_uplink_sent_records_total',
    help: 'Records the cloud broker acknowledged (PUBACK), per stream.',
    labelNames: ['stream'],
    registers,
  });
  let droppedSeen = 0;
  new Counter({
    name: 'omo_uplink_dropped_records_total',
    help: 'Records the outbox dropped unsent (bound by bytes or age), over the gateway’s life.',
    registers,
    collect() {
      let total: number;
      try {
        total = outbox.stats().droppedTotal;
      } catch {
        return; // outbox already stopped during shutdown: nothing new to count
      }
      if (total > droppedSeen) this.inc(total - droppedSeen);
      droppedSeen = Math.max(droppedSeen, total);
    },
  });
  const lastAck = new Gauge({
    name: 'omo_uplink_last_ack_timestamp_seconds',
    help: 'Unix time of the last PUBACK from the cloud broker.',
    registers,
  });
  const names = [
    'omo_uplink_connected',
    'omo_uplink_backlog_records',
    'omo_uplink_sent_records_total',
    'omo_uplink_dropped_records_total',
    'omo_uplink_last_ack_timestamp_seconds',
  ];
  return {
    acked(stream, records, at) {
      sent.inc({ stream }, records);
      lastAck.set(at.getTime() / 1000);
    },
    remove() {
      for (const name of names) registry.removeSingleMetric(name);
    },
  };
}
