/**
 * Client lifecycle: connections counted, deaths made visible, and connections closed when their
 * credentials are removed or rotated in the registry (by this process or the CLI).
 *
 * Birth/death (ARCHITECTURE §4): a device announces itself on omo/<kind>/<id>/status and sets its last
 * will there with {"status":"offline",…}; aedes publishes the will when the connection ends uncleanly.
 * When a device's last connection ends and neither a will went out nor the device said "offline" itself
 * (no will set, or a clean DISCONNECT without a goodbye), the broker publishes {"status":"offline","ts":…}
 * on that topic and hands the same message to onMessage on the device's behalf — so every death reaches
 * MQTT subscribers and the bus alike.
 */
import type { Client } from 'aedes';
import type { RegistryChange } from '../registry/devices.js';
import { deviceTopic } from './acl.js';
import { refusedByUs } from './connect.js';
import { type BrokerContext, log, safely } from './context.js';
import { clientErrorReason } from './metrics.js';
import type { DeviceSession } from './sessions.js';

const connackReasons: Record<number, string> = { 1: 'unsupported_protocol', 2: 'client_id', 6: 'keepalive' };

function announceDeath(context: BrokerContext, session: DeviceSession): void {
  const topic = deviceTopic(session.kind, session.deviceId, 'status');
  const now = Date.now();
  const payload = Buffer.from(JSON.stringify({ status: 'offline', ts: now }));
  // Published without a client: `published` ignores it, and onMessage is called once, here.
  context.aedes.publish({ cmd: 'publish', topic, payload, qos: 0, retain: false, dup: false }, (error) => {
    if (error) log.error(`cannot publish the death of ${session.deviceId}: ${error.message}`);
  });
  safely('onMessage', context.options.onMessage, {
    deviceId: session.deviceId,
    kind: session.kind,
    stream: 'status',
    topic,
    payload,
    receivedAt: now,
  });
}

/** Attaches the lifecycle listeners; returns a function that detaches them. */
export function trackLifecycle(context: BrokerContext): () => void {
  const { aedes, sessions, metrics, options } = context;

  const onClient = (client: Client) => {
    const session = sessions.get(client);
    if (session === undefined) return;
    sessions.connected(session);
    sessions.noteStatus(session.deviceId, false);
    metrics.connects.inc();
    log.debug(() => `${session.deviceId} connected as ${client.id}`);
  };

  const onDisconnect = (client: Client) => {
    const session = sessions.get(client);
    if (session === undefined) return;
    const remaining = sessions.disconnected(session);
    if (context.stopping()) return;
    const count = (death: string) => {
      metrics.disconnects.inc({ death });
      log.debug(() => `${session.deviceId} (${client.id}) disconnected; death: ${death}`);
    };
    if (session.willPublished) return count('will');
    if (remaining > 0) return count('other_connection_open');
    if (sessions.takeReportedOffline(session.deviceId)) return count('reported');
    // A reconnect with the same client id closes the old connection first and registers the new one in
    // the same turn of the event loop [MQTT-3.1.4-2]; look again after it, so a device that merely
    // reconnected (often over a half-open TCP connection) is not announced dead.
    setImmediate(() => {
      if (context.stopping()) return;
      if (sessions.ofDevice(session.deviceId).length > 0) return count('replaced');
      announceDeath(context, session);
      count('announced');
    });
  };

  // aedes reports an error once per failed write (a drain timeout fails every queued delivery), but the
  // metric counts connections closed, so each client is counted once.
  const errored = new WeakSet<Client>();
  const onError = (client: Client, error: Error & { errorCode?: number }) => {
    // CONNECT refusals arrive here too; they are counted as auth failures already.
    if (refusedByUs.has(client) || error.errorCode !== undefined || errored.has(client)) return;
    errored.add(client);
    const reason = clientErrorReason(error);
    metrics.clientErrors.inc({ reason });
    log.debug(() => `connection ${client.id ?? '(no id)'} closed (${reason}): ${error.message}`);
  };

  const onConnack = (packet: { returnCode?: number }, client: Client) => {
    const code = packet.returnCode ?? 0;
    if (code === 0 || refusedByUs.has(client)) return;
    // Refused by aedes itself before our hook ran, e.g. an MQTT 5 CONNECT (aedes 1.2 speaks 3.1 and 3.1.1).
    metrics.authFailures.inc({ reason: connackReasons[code] ?? `connack_${code}` });
  };

  const onRegistryChange = (change: RegistryChange) => {
    for (const deviceId of [...change.removed, ...change.rotated]) {
      for (const session of sessions.ofDevice(deviceId)) {
        log.info(`closing ${session.client.id}: the credentials of ${deviceId} were removed or rotated`);
        session.client.close();
      }
    }
  };

  aedes.on('client', onClient);
  aedes.on('clientDisconnect', onDisconnect);
  aedes.on('clientError', onError);
  aedes.on('connectionError', onError);
  aedes.on('connackSent', onConnack);
  options.registry.on('changed', onRegistryChange);
  return () => {
    aedes.off('client', onClient);
    aedes.off('clientDisconnect', onDisconnect);
    aedes.off('clientError', onError);
    aedes.off('connectionError', onError);
    aedes.off('connackSent', onConnack);
    options.registry.off('changed', onRegistryChange);
  };
}
