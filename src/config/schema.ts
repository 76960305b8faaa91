/**
 * The configuration schema: the single source of truth for every key in config/*.yaml. Each key has a
 * description, a default and bounds; `additionalProperties: false` everywhere so a typo is an error,
 * not a silently ignored key. Keys are snake_case (they are YAML keys); code reads them as they are.
 * The reference config (config/reference.yaml) is generated from it and config/README.md explains it.
 * The sections live in schema-*.ts; this file composes them and is what the rest of the code imports.
 */
import { type Static, Type as T } from '@sinclair/typebox';
import { DeviceSchema } from './schema-devices.js';
import { AnalysisSchema, type FixtureSchema, FloorSchema, type LineSchema, type ZoneSchema } from './schema-floor.js';
import { GpioSchema } from './schema-gpio.js';
import { BrokerSchema, GatewaySchema, HttpSchema, IngestSchema, StoreSchema } from './schema-network.js';
import { Strict } from './schema-parts.js';
import { SimulationSchema, StorageSchema, UplinkSchema } from './schema-services.js';
import { type DetectorSchema, VisionSchema } from './schema-vision.js';

export * from './schema-devices.js';
export * from './schema-floor.js';
export * from './schema-gpio.js';
export * from './schema-network.js';
export * from './schema-services.js';
export * from './schema-vision.js';

export const ConfigSchema = T.Object(
  {
    store: StoreSchema,
    gateway: GatewaySchema,
    broker: BrokerSchema,
    ingest: IngestSchema,
    http: HttpSchema,
    floor: FloorSchema,
    analysis: AnalysisSchema,
    vision: VisionSchema,
    devices: T.Array(DeviceSchema, {
      description: 'The store hardware, one entry per device.',
      maxItems: 5000,
      default: [],
    }),
    storage: StorageSchema,
    uplink: UplinkSchema,
    simulation: SimulationSchema,
    gpio: T.Optional(GpioSchema),
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
export type DetectorConfig = Static<typeof DetectorSchema>;
