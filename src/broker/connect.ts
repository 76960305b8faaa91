/**
 * The aedes CONNECT hooks: record what the CONNECT said, then authenticate the device (auth.ts) and open
 * its session. Refusals are counted by reason and logged without the password (§11: never logged).
 */
import type { AedesOptions, AuthenticateError, Client } from 'aedes';
import {
  type AuthContext,
  admissionRefusal,
  assignedClientId,
  authenticateDevice,
  CONNACK,
  type ConnectInfo,
  type Occupancy,
} from './auth.js';
import { type HookContext, log, quoted } from './context.js';
import { TokenBucket } from './limits.js';

type ConnectHooks = Required<Pick<AedesOptions, 'preConnect' | 'authenticate'>>;

/** Clients refused by our authenticate hook, so the generic CONNACK counter does not count them twice. */
export const refusedByUs = new WeakSet<Client>();

function remote(client: Client): string {
  return (client.conn as { remoteAddress?: string }).remoteAddress ?? 'unknown';
}

function authError(returnCode: number, message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

export function connectHooks(context: HookContext): ConnectHooks {
  const { options, sessions, metrics } = context;
  const limits = options.config.limits;
  const connects = new WeakMap<Client, ConnectInfo>();
  const auth: AuthContext = {
    registry: options.registry,
    profiles: options.profiles,
    maxClientIdLength: limits.max_client_id_length,
  };
  const occupancy: Occupancy = {
    maxSessionsPerDevice: limits.max_sessions_per_device,
    maxConnections: limits.max_connections,
    total: (clientId) => sessions.count - (sessions.hasClientId(clientId) ? 1 : 0),
    ofDevice: (deviceId, clientId) => sessions.deviceSessions(deviceId, clientId),
  };

  return {
    preConnect(client, packet, callback) {
      const clean = packet.clean !== false;
      connects.set(client, { clientId: packet.clientId, clean, willTopic: packet.will?.topic });
      // aedes would name a client without an id `aedes_<uuid>`; ours carry the device id (auth.ts rule).
      const assigned = assignedClientId(packet.clientId, clean, packet.username);
      if (assigned !== undefined) packet.clientId = assigned;
      callback(null, true);
    },

    authenticate(client, username, password, callback) {
      const connect = connects.get(client) ?? { clientId: client.id, clean: client.clean, willTopic: undefined };
      authenticateDevice(auth, connect, client.id, username, password).then(
        (authenticated) => {
          const outcome = authenticated.ok
            ? (admissionRefusal(occupancy, authenticated.deviceId, client.id) ?? authenticated)
            : authenticated;
          if (!outcome.ok) {
            metrics.authFailures.inc({ reason: outcome.reason });
            refusedByUs.add(client);
            log.warn(() => `refused ${quoted(username)} from ${remote(client)} (${outcome.reason}): ${outcome.detail}`);
            callback(authError(outcome.returnCode, outcome.detail), false);
            return;
          }
          sessions.attach({
            client,
            deviceId: outcome.deviceId,
            kind: outcome.kind,
            acl: outcome.acl,
            bucket: new TokenBucket(limits.publish_rate_per_s, limits.publish_burst),
            messages: metrics.messages.labels(outcome.kind),
            willPublished: false,
          });
          callback(null, true);
        },
        (error: unknown) => {
          metrics.authFailures.inc({ reason: 'internal' });
          refusedByUs.add(client);
          log.error(`authentication of ${quoted(username)} failed: ${(error as Error).message}`);
          callback(authError(CONNACK.serverUnavailable, 'authentication failed'), false);
        },
      );
    },
  };
}
