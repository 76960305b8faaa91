/**
 * The device catalog: every kind the gateway understands, by kind. The broker derives ACLs from it, the
 * ingest compiles its schemas, the simulator encodes with it, the config check refuses unknown kinds.
 * Adding a kind = one file beside this one and one entry below.
 */
import type { DeviceProfile } from '../src/ingest/profile.js';
import { camera } from './camera.js';
import { shelf } from './shelf.js';
import { signage } from './signage.js';

export const profiles: ReadonlyMap<string, DeviceProfile> = new Map(
  [shelf, camera, signage].map((profile) => [profile.kind, profile]),
);

export const profileKinds: readonly string[] = [...profiles.keys()];

export {
  DEVICE_ID_PATTERN,
  type DeviceTopics,
  deviceTopic,
  deviceTopics,
  KIND_PATTERN,
  STREAM_PATTERN,
} from './lib/topics.js';
export { encodeForWire } from './lib/wire.js';
