/**
 * Config schema: the store and gateway identity, the MQTT broker, ingest and the HTTP server.
 */
import { Type as T } from '@sinclair/typebox';
import { Id, Port, Section, Strict } from './schema-parts.js';

export const StoreSchema = Section('The store this gateway runs in.', {
  id: Id('Store id; part of every uplink topic and record.'),
  name: T.String({
    description: 'Human name shown on the dashboard.',
    minLength: 1,
    maxLength: 120,
    default: 'Store',
  }),
  timezone: T.String({
    description: 'IANA time zone of the store, used to read `from`/`to` and to cut days in reports.',
    minLength: 1,
    maxLength: 64,
    default: 'UTC',
  }),
});

export const GatewaySchema = Section('This gateway.', {
  id: Id('Gateway id; prefix of every uplink record id, so it must be unique in the chain.'),
  log_level: T.Union(
    [T.Literal('silent'), T.Literal('error'), T.Literal('warn'), T.Literal('info'), T.Literal('debug')],
    {
      description: 'Lowest log level written to stderr; silent writes nothing. OMO_LOG_LEVEL overrides it.',
      default: 'info',
    },
  ),
});

export const BrokerLimitsSchema = Section('Broker limits; each protects the gateway from one kind of misuse.', {
  max_packet_bytes: T.Integer({
    description:
      'Largest MQTT packet accepted; larger ones are refused from their fixed header, before the payload is buffered, so a rogue client cannot make the gateway allocate it. Must hold a camera frame.',
    minimum: 1024,
    maximum: 16 * 1024 * 1024,
    default: 2 * 1024 * 1024,
  }),
  max_topic_levels: T.Integer({
    description: 'Most topic levels in a publish or subscription; omo/<kind>/<id>/<stream> needs 4.',
    minimum: 4,
    maximum: 32,
    default: 8,
  }),
  max_client_id_length: T.Integer({
    description: 'Longest MQTT client id accepted; device ids are at most 64 characters.',
    minimum: 23,
    maximum: 256,
    default: 128,
  }),
  max_connections: T.Integer({
    description:
      "Most concurrent MQTT connections; further CONNECTs are refused (server unavailable) — except a registered device's first connection, so that no flood of sessions can lock another device out.",
    minimum: 1,
    maximum: 100_000,
    default: 2000,
  }),
  max_sessions_per_device: T.Integer({
    description:
      "Most connections one device's credentials may hold at once (client ids <id> and <id>:<suffix>); more are refused with CONNACK 3, reason device_sessions. A reconnect with the same client id replaces its session and is not refused.",
    minimum: 1,
    maximum: 100,
    default: 2,
  }),
  connect_rate_per_s: T.Number({
    description:
      'Sustained new connections per second accepted from one network address (token bucket); past it sockets are closed on accept, before any CONNECT is read or password checked, so one host cannot flood the broker or time password checks in bulk.',
    minimum: 0.1,
    maximum: 100_000,
    default: 10,
  }),
  connect_burst: T.Integer({
    description:
      'New connections one address may open at once before connect_rate_per_s applies (a store rebooting behind one NAT address).',
    minimum: 1,
    maximum: 1_000_000,
    default: 100,
  }),
  publish_rate_per_s: T.Number({
    description:
      'Sustained publishes per second allowed per client (token bucket); a device over it has the excess refused and dead-lettered.',
    minimum: 1,
    maximum: 100_000,
    default: 100,
  }),
  publish_burst: T.Integer({
    description: 'Publishes a client may send at once before the rate applies (bucket size).',
    minimum: 1,
    maximum: 1_000_000,
    default: 200,
  }),
  drain_timeout_ms: T.Integer({
    description: 'A subscriber whose socket stays full this long is disconnected, so it cannot stall the broker.',
    minimum: 100,
    maximum: 600_000,
    default: 5000,
  }),
  queue_limit: T.Integer({
    description: 'Packets queued per client while it authenticates; past this the client is disconnected.',
    minimum: 1,
    maximum: 100_000,
    default: 100,
  }),
  connect_timeout_ms: T.Integer({
    description: 'A TCP connection that has not sent CONNECT within this time is closed.',
    minimum: 100,
    maximum: 120_000,
    default: 10_000,
  }),
});

export const BrokerSchema = Section('The embedded MQTT broker that devices connect to.', {
  host: T.String({
    description: 'Address the broker listens on.',
    minLength: 1,
    maxLength: 253,
    default: '0.0.0.0',
  }),
  mqtt_port: Port('MQTT over TCP port', 1883),
  ws_enabled: T.Boolean({
    description: 'Serve MQTT over WebSocket.',
    default: true,
  }),
  ws_port: Port('MQTT over WebSocket port', 8083),
  ws_path: T.String({
    description: 'HTTP path of the WebSocket listener.',
    pattern: '^/',
    maxLength: 128,
    default: '/mqtt',
  }),
  tls: T.Optional(
    T.Object(
      {
        port: Port('MQTT over TLS port', 8883),
        cert_file: T.String({
          description: 'PEM certificate chain (path relative to the config file).',
          minLength: 1,
          maxLength: 4096,
        }),
        key_file: T.String({
          description: 'PEM private key (path relative to the config file).',
          minLength: 1,
          maxLength: 4096,
        }),
      },
      {
        ...Strict,
        description: 'MQTT over TLS; the listener starts only when this section is present.',
      },
    ),
  ),
  limits: BrokerLimitsSchema,
});

export const IngestSchema = Section('Decoding and validation of device messages.', {
  watermark_s: T.Number({
    description:
      'A reading older than this many seconds behind the newest seen from the same device is late: dead-lettered, never merged (§2).',
    minimum: 0,
    maximum: 3600,
    default: 5,
  }),
  max_future_s: T.Number({
    description: 'A reading timestamped further than this ahead of the gateway clock is refused.',
    minimum: 0,
    maximum: 86_400,
    default: 30,
  }),
  max_past_s: T.Number({
    description:
      'Back-fill window: a reading timestamped more than this many seconds behind the gateway clock is refused as too_old, so a device with a bad clock cannot revise bins that are final (issue 8). Raise it to replay or fast-forward more history than this.',
    minimum: 60,
    maximum: 30 * 86_400,
    default: 3600,
  }),
  max_json_bytes: T.Integer({
    description: 'Largest JSON payload accepted.',
    minimum: 256,
    maximum: 4 * 1024 * 1024,
    default: 64 * 1024,
  }),
  max_frame_bytes: T.Integer({
    description: 'Largest JPEG frame accepted from a plain camera.',
    minimum: 1024,
    maximum: 16 * 1024 * 1024,
    default: 1536 * 1024,
  }),
  dead_letter_max_rows: T.Integer({
    description: 'Dead-letter rows kept; the oldest are deleted beyond this (counted in /metrics).',
    minimum: 100,
    maximum: 10_000_000,
    default: 100_000,
  }),
  refusal_trace_interval_s: T.Number({
    description:
      "Refusal traces are compressed per device and reason: the first refusal is answered and dead-lettered at once, the repeats within this interval get ONE error reply and dead-letter row with their count (repeats), so a flood cannot evict the table's older evidence. The refusal counter stays exact.",
    minimum: 0.05,
    maximum: 3600,
    default: 10,
  }),
  dead_letter_sample_bytes: T.Integer({
    description: 'How much of a refused payload is kept in its dead-letter row (hex for binary).',
    minimum: 0,
    maximum: 65_536,
    default: 1024,
  }),
});

export const HttpSchema = Section('The HTTP server: HQ API, dashboard, signage pull, metrics.', {
  host: T.String({
    description: 'Address the HTTP server listens on.',
    minLength: 1,
    maxLength: 253,
    default: '0.0.0.0',
  }),
  port: Port('HTTP port', 8080),
  query_workers: T.Integer({
    description:
      'Worker threads that answer HQ aggregate queries, each with its own read-only SQLite connection, so a long query never delays MQTT (issue 8). Each takes a core while it reads: keep one core for the broker.',
    minimum: 1,
    maximum: 4,
    default: 1,
  }),
  query_max_bins: T.Integer({
    description:
      'Stored bins one HQ request may read (sums read whole days inside a range, so a year of hours is about 400); a request needing more is answered 413 saying how to narrow it. 5,000 fits every span the minute and 15-minute bins allow.',
    minimum: 100,
    maximum: 1_000_000,
    default: 5000,
  }),
  query_queue: T.Integer({
    description:
      'HQ queries that may wait for a free query worker; one more is answered 503 with Retry-After (bounds the memory waiting requests hold).',
    minimum: 0,
    maximum: 64,
    default: 4,
  }),
});
