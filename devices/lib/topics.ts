/**
 * The device topic grammar (ARCHITECTURE §4): omo/<kind>/<deviceId>/<stream>. A device publishes only
 * under its own prefix and subscribes only to its own downlink topics; both lists follow from its profile.
 */
import type { DeviceProfile } from '../../src/ingest/profile.js';

/** Kinds are topic levels and config values: short, lower case, no MQTT wildcards or separators. */
export const KIND_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;
/** Stream names are the last topic level. */
export const STREAM_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;
/** The same rule as device ids in the config schema (src/config/schema.ts). */
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export const TOPIC_ROOT = 'omo';

export function deviceTopic(kind: string, deviceId: string, stream: string): string {
  return `${TOPIC_ROOT}/${kind}/${deviceId}/${stream}`;
}

export interface DeviceTopics {
  /** Exact topics the device may publish to. */
  publish: string[];
  /** Exact topics the device may subscribe to. */
  subscribe: string[];
}

export function deviceTopics(profile: DeviceProfile, deviceId: string): DeviceTopics {
  return {
    publish: Object.keys(profile.publishes).map((stream) => deviceTopic(profile.kind, deviceId, stream)),
    subscribe: profile.receives.map((stream) => deviceTopic(profile.kind, deviceId, stream)),
  };
}
