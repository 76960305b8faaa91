/**
 * `defineDevice`, the one call a profile file makes (in the manner of zigbee-herdsman-converters'
 * modernExtend): it adds what every kind shares — the `status` stream and the `error` downlink
 * (ARCHITECTURE §4) — so a profile lists only what is particular to its kind.
 */
import type { TProperties } from '@sinclair/typebox';
import type { DeviceProfile, StreamProfile } from '../../src/ingest/profile.js';
import { status } from './status.js';

export interface DeviceDefinition {
  kind: string;
  description: string;
  publishes: Record<string, StreamProfile>;
  /** Downlink streams besides `error`, which every device receives. */
  receives?: string[];
  /** Extra fields this kind may put in its `status` messages. */
  statusFields?: TProperties;
  /** Gateway store-context topics (omo/gateway/<name>/…) this kind may read. */
  readsContext?: string[];
}

export function defineDevice(definition: DeviceDefinition): DeviceProfile {
  return {
    kind: definition.kind,
    description: definition.description,
    publishes: { status: status(definition.statusFields), ...definition.publishes },
    receives: ['error', ...(definition.receives ?? [])],
    ...(definition.readsContext === undefined ? {} : { readsContext: definition.readsContext }),
  };
}
