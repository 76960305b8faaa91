/** The broker's Prometheus metrics (names start omo_broker_; labels are reasons and kinds, never device ids). */
import { Counter, Gauge } from 'prom-client';
import type { Registry } from '../metrics.js';

export type BrokerMetrics = ReturnType<typeof createBrokerMetrics>;

export function createBrokerMetrics(registry: Registry, connected: () => number) {
  const registers = [registry];
  return {
    connections: new Gauge({
      name: 'omo_broker_connections',
      help: 'Authenticated MQTT connections open now.',
      registers,
      collect() {
        this.set(connected());
      },
    }),
    connects: new Counter({
      name: 'omo_broker_connects_total',
      help: 'MQTT connections accepted (CONNACK 0).',
      registers,
    }),
    disconnects: new Counter({
      name: 'omo_broker_disconnects_total',
      help: 'Authenticated MQTT connections that ended, by how the device death became visible.',
      labelNames: ['death'] as const,
      registers,
    }),
    authFailures: new Counter({
      name: 'omo_broker_auth_failures_total',
      help: 'CONNECTs refused, by reason.',
      labelNames: ['reason'] as const,
      registers,
    }),
    refused: new Counter({
      name: 'omo_broker_refused_total',
      help: 'Publishes refused by the broker (acl, rate_limited, topic_levels, oversize).',
      labelNames: ['reason'] as const,
      registers,
    }),
    subscriptionsRefused: new Counter({
      name: 'omo_broker_subscriptions_refused_total',
      help: 'Subscriptions refused (granted 0x80).',
      registers,
    }),
    messages: new Counter({
      name: 'omo_broker_messages_total',
      help: 'Device publishes accepted and handed to the ingest, by device kind.',
      labelNames: ['kind'] as const,
      registers,
    }),
    clientErrors: new Counter({
      name: 'omo_broker_client_errors_total',
      help: 'Connections closed by the broker for a protocol or resource reason.',
      labelNames: ['reason'] as const,
      registers,
    }),
    connectRateLimited: new Counter({
      name: 'omo_broker_connect_rate_limited_total',
      help: 'Sockets closed on accept because their address opened connections faster than connect_rate_per_s.',
      registers,
    }),
    connectionsRejected: new Counter({
      name: 'omo_broker_connections_rejected_total',
      help: 'Sockets closed on accept because far more than max_connections were open.',
      registers,
    }),
  };
}

/** Unregisters the broker's metrics, so a broker can be started again on the same registry. */
export function removeBrokerMetrics(registry: Registry, metrics: BrokerMetrics): void {
  // prom-client metrics carry their name at runtime; its typings do not declare it.
  for (const metric of Object.values(metrics))
    registry.removeSingleMetric((metric as unknown as { name: string }).name);
}

/** Maps an aedes client/connection error to a low-cardinality reason label. */
export function clientErrorReason(error: Error): string {
  const message = error.message;
  if (message.includes('drain timeout')) return 'drain_timeout';
  if (message.includes('queue limit')) return 'queue_limit';
  if (message.includes('keep alive')) return 'keepalive_timeout';
  if (message.includes('connect did not arrive')) return 'connect_timeout';
  if (message.includes('exceeds the') && message.includes('limit')) return 'oversize';
  if (message.includes('too many levels')) return 'topic_levels';
  if (message.includes('maxInflightInbound')) return 'inflight_limit';
  if (message.includes('ECONNRESET') || message.includes('EPIPE')) return 'reset';
  return 'protocol';
}
