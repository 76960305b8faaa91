/**
 * Who may connect (ARCHITECTURE §4, §11). The MQTT username is the device id and the password the one
 * `omo-edge devices add` printed; both are checked against the registry. Refusals carry the CONNACK
 * return code MQTT 3.1.1 defines for them (§3.2.2.3) and a reason label for the metric:
 *
 *   anonymous (no username)                        5 not authorized
 *   unknown device, wrong or missing password      4 bad user name or password (the same code, so the
 *                                                    answer does not tell which ids exist)
 *   kind without a profile, will elsewhere        5 not authorized
 *   client id rule broken, too long, or empty     2 identifier rejected
 *     with a persistent session [MQTT-3.1.3-7/8]
 *   device_sessions: the device already holds     3 server unavailable
 *     max_sessions_per_device connections
 *   max_connections reached, and the device        3 server unavailable
 *     holds a connection already
 *
 * Both paths of a failed login cost the same (issue 8 point 2): an unknown device is checked against a
 * dummy scrypt hash (registry/devices.ts), so response time does not tell which device ids exist. The
 * session limits are applied only after the password: before it, anyone could learn from a CONNACK 3
 * that an id is registered and busy. One device's credentials can hold at most max_sessions_per_device
 * connections (one leaked credential once opened 1,999 and locked every other device out), and a
 * device with no connection is admitted even at max_connections, so the store's other devices can
 * always connect; the total stays bounded by the registry's size.
 *
 * Client id rule: the client id is the device id itself, or the device id followed by ':' and any suffix
 * (`shelf-01:probe`), so one device may hold several connections (a camera's tracker and its frame
 * pusher). ':' cannot occur in a device id, so no device can take over another's session by choosing its
 * id as a client id (aedes closes the older of two connections with one client id [MQTT-3.1.4-2]). An empty
 * client id with a clean session is given `<device id>:<uuid>` [MQTT-3.1.3-6].
 */
import { randomUUID } from 'node:crypto';
import type { DeviceProfile } from '../ingest/profile.js';
import type { DeviceRegistry } from '../registry/devices.js';
import { buildAcl, type DeviceAcl, publishProblem } from './acl.js';

export const CONNACK = {
  identifierRejected: 2,
  serverUnavailable: 3,
  badUsernameOrPassword: 4,
  notAuthorized: 5,
} as const;

export type RefusalCode = (typeof CONNACK)[keyof typeof CONNACK];

/** What the CONNECT said, recorded before aedes replaces an empty client id with one of its own. */
export interface ConnectInfo {
  clientId: string;
  clean: boolean;
  willTopic: string | undefined;
}

export type AuthOutcome =
  | { ok: true; deviceId: string; kind: string; clientId: string; acl: DeviceAcl }
  | { ok: false; returnCode: RefusalCode; reason: string; detail: string };

export interface AuthContext {
  registry: DeviceRegistry;
  profiles: ReadonlyMap<string, DeviceProfile>;
  maxClientIdLength: number;
}

/** What admission needs to know about the connections open now (sessions.ts). */
export interface Occupancy {
  maxSessionsPerDevice: number;
  maxConnections: number;
  /** All connections, not counting one with `clientId` (a reconnect with it replaces it [MQTT-3.1.4-2]). */
  total(clientId: string): number;
  /** The device's connections, open or being opened, not counting one with `clientId`. */
  ofDevice(deviceId: string, clientId: string): number;
}

const refuse = (returnCode: RefusalCode, reason: string, detail: string): AuthOutcome => ({
  ok: false,
  returnCode,
  reason,
  detail,
});

/** The client id rule above. */
export function clientIdBelongsTo(clientId: string, deviceId: string): boolean {
  return clientId === deviceId || (clientId.startsWith(deviceId) && clientId.charCodeAt(deviceId.length) === 58);
}

/** The client id to use for an empty one with a clean session, or undefined to keep what was sent. */
export function assignedClientId(clientId: string, clean: boolean, username: string | undefined): string | undefined {
  if (clientId !== '' || !clean || username === undefined || username === '') return undefined;
  return `${username}:${randomUUID()}`;
}

export async function authenticateDevice(
  context: AuthContext,
  connect: ConnectInfo,
  clientId: string,
  username: string | undefined,
  password: Buffer | undefined,
): Promise<AuthOutcome> {
  // [MQTT-3.1.3-7]: a zero-byte client id requires a clean session; [MQTT-3.1.3-8]: refuse with 2.
  if (connect.clientId === '' && !connect.clean) {
    return refuse(CONNACK.identifierRejected, 'empty_client_id', 'an empty client id needs clean session on');
  }
  if (username === undefined || username === '') {
    return refuse(CONNACK.notAuthorized, 'anonymous', 'anonymous clients are not allowed; log in as a device');
  }
  if (clientId.length > context.maxClientIdLength) {
    return refuse(CONNACK.identifierRejected, 'client_id_length', `client id longer than ${context.maxClientIdLength}`);
  }
  const device = password === undefined ? null : await context.registry.verify(username, password.toString('utf8'));
  if (device === null) {
    const known = context.registry.get(username) !== undefined;
    return refuse(
      CONNACK.badUsernameOrPassword,
      known ? 'bad_password' : 'unknown_device',
      known ? `wrong password for device ${username}` : `no device ${JSON.stringify(username)} is registered`,
    );
  }
  if (!clientIdBelongsTo(clientId, device.id)) {
    return refuse(
      CONNACK.identifierRejected,
      'client_id_mismatch',
      `client id ${JSON.stringify(clientId)} must be ${device.id} or start with ${device.id}:`,
    );
  }
  const profile = context.profiles.get(device.kind);
  if (profile === undefined) {
    return refuse(CONNACK.notAuthorized, 'no_profile', `device kind ${device.kind} has no profile in devices/`);
  }
  const acl = buildAcl(device.id, profile);
  if (connect.willTopic !== undefined) {
    const problem = publishProblem(acl, connect.willTopic);
    if (problem !== null) return refuse(CONNACK.notAuthorized, 'will_acl', `last will: ${problem}`);
  }
  return { ok: true, deviceId: device.id, kind: device.kind, clientId, acl };
}

/**
 * Whether an authenticated device may open one more connection now; called right before its session is
 * attached, in the same turn, so CONNECTs racing through the password check are counted one by one.
 */
export function admissionRefusal(occupancy: Occupancy, deviceId: string, clientId: string): AuthOutcome | undefined {
  const held = occupancy.ofDevice(deviceId, clientId);
  if (held >= occupancy.maxSessionsPerDevice) {
    return refuse(
      CONNACK.serverUnavailable,
      'device_sessions',
      `device ${deviceId} already holds ${held} connections (broker.limits.max_sessions_per_device ${occupancy.maxSessionsPerDevice})`,
    );
  }
  if (held > 0 && occupancy.total(clientId) >= occupancy.maxConnections) {
    return refuse(CONNACK.serverUnavailable, 'max_connections', 'the broker is at max_connections');
  }
  return undefined;
}
