/**
 * The access rules of a device, derived from its profile (ARCHITECTURE §4): it publishes only on
 * omo/<kind>/<id>/<stream> for its own kind and id and a stream its profile `publishes` (plus `status`,
 * common to all kinds), and receives only its own downlink topics — the profile's `receives` plus `error`.
 * Besides, a kind may read the gateway's store-context topics its profile names in `readsContext`
 * (omo/gateway/<name>/<key>, e.g. live occupancy per zone), read-only.
 * Never `$SYS` or any other `$` topic, never a wildcard reaching outside its own prefix.
 */
import { type DeviceProfile, deviceTopic } from '../ingest/profile.js';

/** Streams every kind publishes (birth/death) and receives (why a message was refused). */
export const COMMON_PUBLISHES = ['status'] as const;
export const COMMON_RECEIVES = ['error'] as const;

export interface DeviceAcl {
  deviceId: string;
  kind: string;
  /** omo/<kind>/<id>/ — every topic of the device starts with it. */
  prefix: string;
  publishes: ReadonlySet<string>;
  receives: ReadonlySet<string>;
  /** Names of the omo/gateway/<name>/… context topics it may read. */
  contexts: ReadonlySet<string>;
}

const CONTEXT_PREFIX = 'omo/gateway/';

export { deviceTopic } from '../ingest/profile.js';

export function buildAcl(deviceId: string, profile: DeviceProfile): DeviceAcl {
  return {
    deviceId,
    kind: profile.kind,
    prefix: deviceTopic(profile.kind, deviceId, ''),
    publishes: new Set([...Object.keys(profile.publishes), ...COMMON_PUBLISHES]),
    receives: new Set([...profile.receives, ...COMMON_RECEIVES]),
    contexts: new Set(profile.readsContext ?? []),
  };
}

/** The stream of `topic` when it is one of this device's own topics (exactly four levels), else null. */
export function ownStream(acl: DeviceAcl, topic: string): string | null {
  if (!topic.startsWith(acl.prefix)) return null;
  const stream = topic.slice(acl.prefix.length);
  return stream.length > 0 && !stream.includes('/') ? stream : null;
}

/** Why the device may not publish on `topic`, or null when it may. Runs for every publish: no allocation on success. */
export function publishProblem(acl: DeviceAcl, topic: string): string | null {
  const stream = ownStream(acl, topic);
  if (stream !== null && acl.publishes.has(stream)) return null;
  if (stream === null) {
    return `topic ${JSON.stringify(topic)} is not one of this device's topics: publish on ${acl.prefix}<stream>`;
  }
  return `stream ${JSON.stringify(stream)} is not one a ${acl.kind} publishes (${[...acl.publishes].join(', ')})`;
}

/**
 * Why the device may not subscribe to `filter`, or null when it may. Exact downlink topics are allowed;
 * so are `<prefix>+` and `<prefix>#`, whose deliveries `mayReceive` then narrows to downlink streams.
 */
export function subscribeProblem(acl: DeviceAcl, filter: string): string | null {
  if (filter.startsWith('$')) return `${JSON.stringify(filter)}: $-topics (such as $SYS) are reserved to the gateway`;
  if (filter === `${acl.prefix}+` || filter === `${acl.prefix}#`) return null;
  if (filter.startsWith(CONTEXT_PREFIX)) return contextProblem(acl, filter);
  if (filter.includes('+') || filter.includes('#')) {
    return `${JSON.stringify(filter)}: wildcards are allowed only as ${acl.prefix}+ or ${acl.prefix}#`;
  }
  const stream = ownStream(acl, filter);
  if (stream === null) return `${JSON.stringify(filter)} is not one of this device's topics (${acl.prefix}<stream>)`;
  if (!acl.receives.has(stream)) {
    return `${JSON.stringify(filter)}: a ${acl.kind} receives only ${[...acl.receives].join(', ')}`;
  }
  return null;
}

/** Whether a message on `topic` may be delivered to the device (its downlink streams and contexts only). */
export function mayReceive(acl: DeviceAcl, topic: string): boolean {
  const stream = ownStream(acl, topic);
  if (stream !== null) return acl.receives.has(stream);
  return acl.contexts.size > 0 && topic.startsWith(CONTEXT_PREFIX) && acl.contexts.has(contextName(topic));
}

/** `occupancy` of omo/gateway/occupancy/<zone>. */
function contextName(topic: string): string {
  const end = topic.indexOf('/', CONTEXT_PREFIX.length);
  return end < 0 ? topic.slice(CONTEXT_PREFIX.length) : topic.slice(CONTEXT_PREFIX.length, end);
}

/** A context filter is omo/gateway/<name>/+, …/#, or …/<key> for a name the profile reads. */
function contextProblem(acl: DeviceAcl, filter: string): string | null {
  const name = contextName(filter);
  const rest = filter.slice(CONTEXT_PREFIX.length + name.length + 1);
  if (!acl.contexts.has(name)) {
    const allowed = acl.contexts.size > 0 ? [...acl.contexts].join(', ') : 'none';
    return `${JSON.stringify(filter)}: a ${acl.kind} may read gateway context ${allowed}`;
  }
  if (rest === '+' || rest === '#' || (rest.length > 0 && !/[+#/]/.test(rest))) return null;
  return `${JSON.stringify(filter)}: read ${CONTEXT_PREFIX}${name}/+ or ${CONTEXT_PREFIX}${name}/<key>`;
}
