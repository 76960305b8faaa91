/**
 * The configuration schema: the single source of truth for every key in config/*.yaml. Each key has a
 * description, a default and bounds; `additionalProperties: false` everywhere so a typo is an error,
 * not a silently ignored key. Keys are snake_case (they are YAML keys); code reads them as they are.
 * The reference config (config/reference.yaml) and config/README.md are written from this file.
 */
import { type Static, Type as T, type TSchema } from '@sinclair/typebox';

const Id = (description: string) =>
  T.String({
    description,
    pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$',
    minLength: 1,
    maxLength: 64,
  });

const Strict = { additionalProperties: false } as const;

function Section<P extends Record<string, TSchema>>(description: string, properties: P) {
  return T.Object(properties, { ...Strict, description, default: {} });
}

const Point = T.Tuple([T.Number({ minimum: -1e4, maximum: 1e4 }), T.Number({ minimum: -1e4, maximum: 1e4 })], {
  description: '[x, y] in floor metres; x to the right, y up',
});

const Port = (description: string, fallback: number) =>
  T.Integer({
    description: `${description} (0 picks a free port)`,
    minimum: 0,
    maximum: 65535,
    default: fallback,
  });

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
    description: 'Most concurrent MQTT connections; further CONNECTs are refused (server unavailable).',
    minimum: 1,
    maximum: 100_000,
    default: 2000,
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
});

const ZoneKind = T.Union(
  [T.Literal('area'), T.Literal('queue'), T.Literal('viewing'), T.Literal('shelf_front'), T.Literal('staff_only')],
  {
    description: 'area zones form paths and must not overlap; the other kinds may overlap anything.',
  },
);

export const ZoneSchema = T.Object(
  {
    id: Id('Zone id, used in reports and topics.'),
    name: T.Optional(T.String({ description: 'Human name.', maxLength: 120 })),
    kind: ZoneKind,
    polygon: T.Array(Point, {
      description: 'Corners in floor metres, in order (even-odd rule).',
      minItems: 3,
      maxItems: 256,
    }),
    exit_grace_s: T.Number({
      description: 'Two inside runs closer than this in time are one visit.',
      minimum: 0,
      maximum: 3600,
      default: 1,
    }),
    min_dwell_s: T.Number({
      description: 'Visits shorter than this count nowhere.',
      minimum: 0,
      maximum: 86_400,
      default: 0,
    }),
    dwell_threshold_s: T.Number({
      description: 'Visits at least this long count as dwells, the rest as pass-throughs.',
      minimum: 0,
      maximum: 86_400,
      default: 10,
    }),
    stale_s: T.Number({
      description: 'For occupancy, a track whose newest sample is older than this is no longer present.',
      minimum: 0,
      maximum: 3600,
      default: 2,
    }),
  },
  Strict,
);

export const LineSchema = T.Object(
  {
    id: Id('Counting line id.'),
    name: T.Optional(T.String({ description: 'Human name.', maxLength: 120 })),
    from: Point,
    to: Point,
    mode: T.Union([T.Literal('net'), T.Literal('every')], {
      description: 'every: each crossing counts; net: per track, +1 in or out by the balance at its end.',
      default: 'net',
    }),
    entrance: T.Boolean({
      description:
        'This line is a store entrance: its in/out are the store footfall (walking from `from` to `to`, left is in).',
      default: false,
    }),
  },
  Strict,
);

export const FixtureSchema = T.Object(
  {
    id: Id('Fixture id.'),
    name: T.Optional(T.String({ description: 'Human name.', maxLength: 120 })),
    polygon: T.Array(Point, {
      description: 'Outline in floor metres, in order.',
      minItems: 3,
      maxItems: 256,
    }),
  },
  {
    ...Strict,
    description: 'Fixed furniture (shelving, tables, tills) people walk around, not through.',
  },
);

export const FloorSchema = Section('The floor plan in metres: bounds, zones and counting lines.', {
  bounds: T.Object(
    {
      min: Point,
      max: Point,
    },
    {
      ...Strict,
      description: 'Rectangle holding the floor; the heatmap grid covers it.',
      default: { min: [0, 0], max: [30, 20] },
    },
  ),
  zones: T.Array(ZoneSchema, {
    description: 'Zones of the floor.',
    maxItems: 256,
    default: [],
  }),
  lines: T.Array(LineSchema, {
    description: 'Counting lines.',
    maxItems: 64,
    default: [],
  }),
  fixtures: T.Array(FixtureSchema, {
    description: 'Fixed furniture: the simulator routes around it and the dashboard draws it.',
    maxItems: 512,
    default: [],
  }),
  heatmap_cell_m: T.Number({
    description: 'Heatmap cell size.',
    minimum: 0.05,
    maximum: 10,
    default: 0.5,
  }),
  heatmap_max_gap_s: T.Number({
    description: 'A gap between samples longer than this adds only this many seconds to the heatmap.',
    minimum: 0,
    maximum: 60,
    default: 2,
  }),
});

export const AnalysisSchema = Section('Path analysis settings (ARCHITECTURE §5).', {
  bin_s: T.Integer({
    description: 'Length of the finest aggregate bin, UTC-aligned.',
    minimum: 10,
    maximum: 3600,
    default: 60,
  }),
  k_anonymity: T.Integer({
    description: 'Uplinked paths and transitions seen fewer times than this are folded into "other".',
    minimum: 1,
    maximum: 1000,
    default: 5,
  }),
  group_window_s: T.Number({
    description: 'Crossings within this time may form a group.',
    minimum: 0,
    maximum: 60,
    default: 2,
  }),
  group_distance_m: T.Number({
    description: 'Crossings within this distance may form a group.',
    minimum: 0,
    maximum: 20,
    default: 1.5,
  }),
});

const ImagePoint = T.Tuple([T.Number({ minimum: -1e5, maximum: 1e5 }), T.Number({ minimum: -1e5, maximum: 1e5 })], {
  description: '[u, v] in image pixels',
});

export const CameraSchema = T.Object(
  {
    type: T.Union([T.Literal('smart'), T.Literal('plain')], {
      description: 'smart cameras publish tracks; plain cameras publish (or serve) JPEG frames.',
    }),
    calibration: T.Optional(
      T.Object(
        {
          points: T.Array(T.Object({ image: ImagePoint, floor: Point }, Strict), {
            description: 'Image ↔ floor point pairs (at least 4, not three on a line) for the homography.',
            minItems: 4,
            maxItems: 64,
          }),
          max_error_m: T.Number({
            description: 'Largest mean reprojection error accepted for the calibration.',
            minimum: 0.001,
            maximum: 5,
            default: 0.25,
          }),
        },
        {
          ...Strict,
          description: 'Needed when the camera reports image pixels or sends frames.',
        },
      ),
    ),
    coverage: T.Optional(
      T.Array(Point, {
        description: 'Floor polygon this camera sees; used to stitch journeys.',
        minItems: 3,
        maxItems: 64,
      }),
    ),
    snapshot_url: T.Optional(
      T.String({
        description: 'HTTP URL the gateway pulls JPEG snapshots from (plain cameras that do not publish frames).',
        pattern: '^https?://',
        maxLength: 2048,
      }),
    ),
    fps: T.Number({
      description: 'Frames per second the gateway analyses from this camera.',
      minimum: 0.1,
      maximum: 30,
      default: 5,
    }),
  },
  {
    ...Strict,
    description: 'Camera settings; required when kind is camera and refused for other kinds.',
  },
);

export const ShelfSchema = T.Object(
  {
    zone: T.Optional(Id('The shelf_front zone in front of this shelf.')),
    chilled: T.Boolean({
      description: 'Chilled shelf: temperature readings are expected.',
      default: false,
    }),
    lanes: T.Array(
      T.Object(
        {
          lane: T.Integer({
            description: 'Lane number as the scale reports it.',
            minimum: 0,
            maximum: 255,
          }),
          sku: T.String({
            description: 'Product SKU on this lane.',
            minLength: 1,
            maxLength: 64,
          }),
          name: T.Optional(T.String({ description: 'Product name.', maxLength: 120 })),
          unit_grams: T.Number({
            description: 'Weight of one item in grams.',
            exclusiveMinimum: 0,
            maximum: 100_000,
          }),
          capacity: T.Integer({
            description: 'Items the lane holds when full.',
            minimum: 1,
            maximum: 10_000,
            default: 20,
          }),
        },
        Strict,
      ),
      {
        description: 'Lanes of the scale, each weighing one product.',
        minItems: 1,
        maxItems: 64,
      },
    ),
  },
  {
    ...Strict,
    description: 'Shelf-scale settings; required when kind is shelf and refused for other kinds.',
  },
);

export const SignageSchema = T.Object(
  {
    viewing_zone: Id('The viewing zone in front of the screen.'),
  },
  {
    ...Strict,
    description: 'Signage-screen settings; required when kind is signage and refused for other kinds.',
  },
);

export const DeviceSchema = T.Object(
  {
    id: Id('Device id; its MQTT topics are omo/<kind>/<id>/….'),
    kind: T.String({
      description: 'Device kind; must name a profile in devices/ (camera, shelf, signage). It is an MQTT topic level.',
      minLength: 1,
      maxLength: 32,
      pattern: '^[a-z][a-z0-9_-]{0,31}$',
    }),
    name: T.Optional(T.String({ description: 'Human name.', maxLength: 120 })),
    camera: T.Optional(CameraSchema),
    shelf: T.Optional(ShelfSchema),
    signage: T.Optional(SignageSchema),
  },
  Strict,
);

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

export const ConfigSchema = T.Object(
  {
    store: StoreSchema,
    gateway: GatewaySchema,
    broker: BrokerSchema,
    ingest: IngestSchema,
    http: HttpSchema,
    floor: FloorSchema,
    analysis: AnalysisSchema,
    devices: T.Array(DeviceSchema, {
      description: 'The store hardware, one entry per device.',
      maxItems: 5000,
      default: [],
    }),
    storage: StorageSchema,
    uplink: UplinkSchema,
    simulation: SimulationSchema,
  },
  { ...Strict, description: 'omo-edge gateway configuration.' },
);

export type GatewayConfig = Static<typeof ConfigSchema>;
export type ZoneConfig = Static<typeof ZoneSchema>;
export type LineConfig = Static<typeof LineSchema>;
export type DeviceConfig = Static<typeof DeviceSchema>;
export type FixtureConfig = Static<typeof FixtureSchema>;
export type FloorConfig = Static<typeof FloorSchema>;
export type UplinkConfig = Static<typeof UplinkSchema>;
