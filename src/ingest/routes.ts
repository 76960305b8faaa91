/**
 * The ingest's routing table: kind → stream → everything handle() needs for one message, prepared once
 * at start so the hot path does two Map lookups and no allocation to find its way. Every JSON stream's
 * schema is compiled here, once (issue 2: "validators compiled once").
 */
import { Ajv, type ValidateFunction } from 'ajv';
import type { Counter } from 'prom-client';
import type { GatewayConfig } from '../config/schema.js';
import type { DeviceProfile, StreamProfile } from './profile.js';

export interface Route {
  readonly kind: string;
  readonly stream: string;
  readonly profile: StreamProfile;
  /** The compiled payload schema; undefined for binary (JPEG) streams. */
  readonly validate: ValidateFunction | undefined;
  /** Largest payload accepted, and the config key that sets it (named in the refusal). */
  readonly maxBytes: number;
  readonly sizeKey: 'max_json_bytes' | 'max_frame_bytes';
  /** `omo_ingest_messages_total{kind,stream}`, resolved once so accepting a message hashes no labels. */
  readonly accepted: Counter.Internal;
}

export interface RouteTable {
  readonly routes: ReadonlyMap<string, ReadonlyMap<string, Route>>;
  /** For unknown_topic details: the streams each kind publishes, as a readable list. */
  readonly streamLists: ReadonlyMap<string, string>;
}

export function compileRoutes(
  profiles: ReadonlyMap<string, DeviceProfile>,
  config: GatewayConfig['ingest'],
  accepted: Counter<'kind' | 'stream'>,
): RouteTable {
  // allErrors off: the first violation is enough for the refusal and stops validation early on floods.
  // No coercion and no defaults: a payload is judged exactly as the device sent it.
  const ajv = new Ajv({ allErrors: false, coerceTypes: false, useDefaults: false, strict: true });
  const routes = new Map<string, Map<string, Route>>();
  const streamLists = new Map<string, string>();
  for (const [kind, profile] of profiles) {
    const byStream = new Map<string, Route>();
    for (const [stream, streamProfile] of Object.entries(profile.publishes)) {
      const json = streamProfile.payload === 'json';
      byStream.set(stream, {
        kind,
        stream,
        profile: streamProfile,
        validate: json ? compileSchema(ajv, kind, stream, streamProfile.schema) : undefined,
        maxBytes: json ? config.max_json_bytes : config.max_frame_bytes,
        sizeKey: json ? 'max_json_bytes' : 'max_frame_bytes',
        accepted: accepted.labels(kind, stream),
      });
    }
    routes.set(kind, byStream);
    streamLists.set(kind, [...byStream.keys()].join(', '));
  }
  return { routes, streamLists };
}

function compileSchema(ajv: Ajv, kind: string, stream: string, schema: object): ValidateFunction {
  try {
    return ajv.compile(schema);
  } catch (error) {
    throw new Error(`device profile ${kind}: schema of stream ${stream} does not compile: ${String(error)}`);
  }
}
