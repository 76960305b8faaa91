/**
 * Config schema: the simulation, local storage and the cloud uplink (ARCHITECTURE §6, §7).
 */
import { Type as T } from '@sinclair/typebox';
import { Section } from './schema-parts.js';

export const SimulationSchema = Section('The virtual store run by `start --demo` and `simulate`.', {
  seed: T.Integer({
    description: 'Random seed; the same seed gives the same shoppers.',
    minimum: 0,
    maximum: 2 ** 31 - 1,
    default: 42,
  }),
  arrivals_per_min: T.Number({
    description: 'Mean shopper groups entering per minute.',
    minimum: 0,
    maximum: 600,
    default: 2,
  }),
  staff: T.Integer({
    description: 'Staff members walking the floor and the back room.',
    minimum: 0,
    maximum: 50,
    default: 2,
  }),
  speed: T.Number({
    description: 'Simulated seconds per real second.',
    minimum: 0.1,
    maximum: 1000,
    default: 1,
  }),
});

export const StorageSchema = Section('Local storage under the data directory.', {
  minute_retention_days: T.Integer({
    description: 'Days 1-minute (and 15-minute) bins are kept.',
    minimum: 1,
    maximum: 3650,
    default: 14,
  }),
  hour_retention_days: T.Integer({
    description: 'Days hourly and daily bins are kept.',
    minimum: 1,
    maximum: 36_500,
    default: 730,
  }),
});

export const UplinkSchema = Section("The cloud uplink: aggregates to the chain's MQTT broker (ARCHITECTURE §7).", {
  url: T.Optional(
    T.String({
      description:
        'Cloud broker URL (mqtt, mqtts, ws, wss); OMO_UPLINK_URL overrides it. No url: the uplink is off and the outbox still fills.',
      pattern: '^(mqtt|mqtts|ws|wss)://',
      maxLength: 2048,
    }),
  ),
  client_id: T.Optional(
    T.String({
      description: 'MQTT client id at the cloud broker; default omo-edge-<gateway id>.',
      minLength: 1,
      maxLength: 128,
    }),
  ),
  username: T.Optional(
    T.String({
      description: 'Username at the cloud broker.',
      maxLength: 256,
    }),
  ),
  password: T.Optional(
    T.String({
      description: 'Password at the cloud broker; prefer OMO_UPLINK_PASSWORD.',
      maxLength: 1024,
    }),
  ),
  ca_file: T.Optional(
    T.String({
      description: 'PEM CA bundle to trust for mqtts/wss (path relative to the config file).',
      minLength: 1,
      maxLength: 4096,
    }),
  ),
  cert_file: T.Optional(
    T.String({
      description: 'PEM client certificate (path relative to the config file).',
      minLength: 1,
      maxLength: 4096,
    }),
  ),
  key_file: T.Optional(
    T.String({
      description: 'PEM client key (path relative to the config file).',
      minLength: 1,
      maxLength: 4096,
    }),
  ),
  topic_prefix: T.String({
    description: 'First topic level at the cloud broker.',
    minLength: 1,
    maxLength: 64,
    pattern: '^[^/+#]+$',
    default: 'omo',
  }),
  batch_max_records: T.Integer({
    description: 'Records per uplink message at most.',
    minimum: 1,
    maximum: 10_000,
    default: 500,
  }),
  batch_max_wait_ms: T.Integer({
    description: 'How long a partial batch waits for more records.',
    minimum: 0,
    maximum: 600_000,
    default: 1000,
  }),
  gzip: T.Boolean({
    description: 'Gzip payloads (the cloud must expect it).',
    default: false,
  }),
  path_records_every: T.Union([T.Literal('bin'), T.Literal('15min'), T.Literal('hour')], {
    description:
      'One footfall, zones, paths and heatmap record per analysis bin, or per closed 15-minute or hour period. ' +
      'Per bin costs the SD card ≈ 15 times the writes (ARCHITECTURE §10); the local store keeps every bin.',
    default: '15min',
  }),
  outbox_max_bytes: T.Integer({
    description: 'Outbox size bound; past it the oldest records are dropped and counted.',
    minimum: 1024,
    maximum: 64 * 1024 ** 3,
    default: 256 * 1024 ** 2,
  }),
  outbox_max_age_h: T.Number({
    description: 'Records older than this are dropped from the outbox and counted.',
    minimum: 0.01,
    maximum: 8760,
    default: 168,
  }),
  reconnect_min_ms: T.Integer({
    description: 'First reconnect delay; doubles per failure, with jitter.',
    minimum: 100,
    maximum: 600_000,
    default: 1000,
  }),
  reconnect_max_ms: T.Integer({
    description: 'Longest reconnect delay.',
    minimum: 100,
    maximum: 3_600_000,
    default: 60_000,
  }),
});
