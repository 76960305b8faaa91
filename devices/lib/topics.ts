/**
 * The device topic grammar (ARCHITECTURE §4): omo/<kind>/<deviceId>/<stream>. A device publishes only
 * under its own prefix and subscribes only to its own downlink topics; both lists follow from its profile.
 */
import { type DeviceProfile, deviceTopic } from '../../src/ingest/profile.js';

/** Stream names are the last topic level: lower snake_case, like kinds. */
export const STREAM_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;
/** Kinds and device ids: the one grammar the registry and the config schema use (src/registry/ids.ts). */
export { DEVICE_ID_PATTERN, DEVICE_KIND_PATTERN as KIND_PATTERN } from '../../src/registry/ids.js';

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
