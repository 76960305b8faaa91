/**
 * The aedes hooks on the message path: authorizePublish (limits + ACL), published (hand-off to the
 * ingest), authorizeSubscribe and authorizeForward (downlink only).
 *
 * Refusing a publish without dropping the device: aedes treats an error from authorizePublish as fatal
 * for the connection — it emits clientError and closes the socket, taking the device's valid traffic
 * with it (docs/Aedes.md, lib/handlers/publish.js). So a refused publish is instead *accepted* and
 * rerouted: its topic becomes REFUSED_TOPIC, which no client can subscribe to (devices may not
 * subscribe to `$` topics, and `#`/`+` never match them [MQTT-4.7.2-1]); it loses its payload and retain
 * flag, and `published` ignores it. For QoS 1 the device gets its PUBACK — MQTT 3.1.1 has no negative
 * acknowledgement, and Mosquitto acknowledges ACL-denied publishes the same way — so it does not
 * resend forever. The refusal itself goes to onRefused (error reply + dead letter, ARCHITECTURE §4) and
 * to omo_broker_refused_total.
 */
import type { AedesOptions, Client, PublishPacket } from 'aedes';
import { strictJsonProblem } from '../ingest/strict-json.js';
import { mayReceive, ownStream, publishProblem, subscribeProblem } from './acl.js';
import { type HookContext, log, quoted, safely } from './context.js';
import { topicLevels } from './limits.js';
import type { DeviceSession } from './sessions.js';

export const REFUSED_TOPIC = '$omo/refused';
const EMPTY = Buffer.alloc(0);

type TrafficHooks = Required<
  Pick<AedesOptions, 'authorizePublish' | 'published' | 'authorizeSubscribe' | 'authorizeForward'>
>;

/** Whether a status payload says the device is going offline; read as strictly as the ingest reads it. */
function saysOffline(payload: Buffer): boolean {
  try {
    const text = payload.toString('utf8');
    const value = JSON.parse(text) as { status?: unknown };
    return value.status === 'offline' && strictJsonProblem(text, value) === undefined;
  } catch {
    return false;
  }
}

export function trafficHooks(context: HookContext): TrafficHooks {
  const { options, sessions, metrics } = context;
  const limits = options.config.limits;

  /** Why this publish is refused, or null. Cheapest checks first: this runs for every message. */
  function refusal(session: DeviceSession, topic: string): [reason: string, detail: string] | null {
    if (!session.bucket.take()) {
      return [
        'rate_limited',
        `more than ${limits.publish_rate_per_s} publishes/s (burst ${limits.publish_burst}) from this connection`,
      ];
    }
    const problem = publishProblem(session.acl, topic);
    if (problem === null) return null; // own topics have exactly 4 levels, within any max_topic_levels (>= 4)
    if (topicLevels(topic) > limits.max_topic_levels) {
      return ['topic_levels', `topic has more than ${limits.max_topic_levels} levels`];
    }
    return ['acl', problem];
  }

  function refuse(session: DeviceSession, packet: PublishPacket, reason: string, detail: string): void {
    metrics.refused.inc({ reason });
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    safely('onRefused', options.onRefused, {
      deviceId: session.deviceId,
      kind: session.kind,
      topic: packet.topic,
      reason,
      detail,
      payload,
      receivedAt: Date.now(),
    });
    packet.topic = REFUSED_TOPIC;
    packet.payload = EMPTY;
    packet.retain = false;
  }

  return {
    authorizePublish(client, packet, callback) {
      const session = sessions.get(client);
      // client is null only for wills of clients from before a restart, which our in-memory persistence never has.
      if (session === undefined) return callback(client === null ? null : new Error('publish before authentication'));
      if ((client as Client).closed) {
        // aedes is publishing the will of a connection that ended uncleanly; its topic passed the ACL at CONNECT.
        if (publishProblem(session.acl, packet.topic) !== null) return callback(new Error('will outside the ACL'));
        session.willPublished = true;
        return callback(null);
      }
      const refused = refusal(session, packet.topic);
      if (refused !== null) refuse(session, packet, refused[0], refused[1]);
      callback(null);
    },

    published(packet, client, callback) {
      const session = sessions.get(client);
      // No session: aedes' own $SYS traffic and the gateway's publishes, which must not loop back.
      if (session === undefined || packet.topic === REFUSED_TOPIC || context.stopping()) return callback(null);
      const stream = ownStream(session.acl, packet.topic);
      if (stream === null) return callback(null);
      const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
      if (stream === 'status' && !client.closed) sessions.noteStatus(session.deviceId, saysOffline(payload));
      session.messages.inc();
      safely('onMessage', options.onMessage, {
        deviceId: session.deviceId,
        kind: session.kind,
        stream,
        topic: packet.topic,
        payload,
        receivedAt: Date.now(),
      });
      callback(null);
    },

    authorizeSubscribe(client, subscription, callback) {
      const session = sessions.get(client);
      if (session === undefined) return callback(new Error('subscribe before authentication'));
      const problem =
        topicLevels(subscription.topic) > limits.max_topic_levels
          ? `topic filter has more than ${limits.max_topic_levels} levels`
          : subscribeProblem(session.acl, subscription.topic);
      if (problem === null) return callback(null, subscription);
      metrics.subscriptionsRefused.inc();
      log.warn(() => `subscription of ${session.deviceId} to ${quoted(subscription.topic)} refused: ${problem}`);
      // A null subscription makes aedes grant 0x80 (failure) for this filter only [MQTT-3.9.3].
      callback(null, null);
    },

    authorizeForward(client, packet) {
      const session = sessions.get(client);
      return session !== undefined && mayReceive(session.acl, packet.topic) ? packet : null;
    },
  };
}
