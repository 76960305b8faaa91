/**
 * The device topic grammar (ARCHITECTURE §4): omo/<kind>/<deviceId>/<stream>. A device publishes only
 * under its own prefix and subscribes only to its own downlink topics; both lists follow from its profile.
 */
import { type DeviceProfile, deviceTopic } from '../../src/ingest/profile.js';

/** Kinds are topic levels and config values: short, lower case, no MQTT wildcards or separators. */
export const KIND_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;
/** Stream names are the last topic level. */
export const STREAM_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;
/** Device ids: the registry's rule, which is the config schema's `Id` (src/registry/ids.ts). */
export { DEVICE_ID_PATTERN } from '../../src/registry/ids.js';

export { deviceTopic };

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
