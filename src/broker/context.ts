/** What the broker's parts share: the options it was built with and the state of the running broker. */
import type { Aedes } from 'aedes';
import type { GatewayConfig } from '../config/schema.js';
import type { DeviceMessage, DeviceProfile, Refusal } from '../ingest/profile.js';
import { createLogger } from '../log.js';
import type { Registry } from '../metrics.js';
import type { DeviceRegistry } from '../registry/devices.js';
import type { BrokerMetrics } from './metrics.js';
import type { SessionTable } from './sessions.js';

export const log = createLogger('omo:broker');

export interface BrokerOptions {
  config: GatewayConfig['broker'];
  registry: DeviceRegistry;
  /** Device profiles by kind (devices/index.ts); the ACL of each device is derived from its kind's profile. */
  profiles: ReadonlyMap<string, DeviceProfile>;
  metrics: Registry;
  /** Every publish by an authenticated device that passed the ACL and the limits (and devices' wills). */
  onMessage(message: DeviceMessage): void;
  /** Every publish the broker refused (acl, rate_limited, topic_levels, oversize); the ingest answers it. */
  onRefused(refusal: Refusal): void;
  /** Directory the config file is in; TLS file paths are relative to it. */
  configDir: string;
}

/** What the aedes hooks need; they are built before the aedes instance that calls them. */
export interface HookContext {
  options: BrokerOptions;
  sessions: SessionTable;
  metrics: BrokerMetrics;
  stopping(): boolean;
}

export interface BrokerContext extends HookContext {
  aedes: Aedes;
}

/** Calls a callback of the gateway's; a bug there is logged, never allowed to break the broker. */
export function safely<T>(what: string, callback: (value: T) => void, value: T): void {
  try {
    callback(value);
  } catch (error) {
    log.error(() => `${what} failed: ${(error as Error).stack ?? String(error)}`);
  }
}

/** Quotes and shortens text that came from the network before it goes into a log line. */
export function quoted(text: string | undefined, max = 80): string {
  if (text === undefined) return '(none)';
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}
