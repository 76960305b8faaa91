/**
 * What the gateway publishes as itself on its embedded broker, seen from inside the broker. Needed for
 * the retained `omo/gateway/occupancy/<zone>` messages: under the device ACL (src/broker/acl.ts) a device
 * may subscribe only to its own downlink topics, so no MQTT client the gateway lets in can read them. The
 * tests therefore look at aedes itself — its 'publish' event and its retained store, which is exactly
 * what a permitted subscriber would be sent — through the gateway's `broker` service and one private
 * field (`Broker.running`). If that is renamed, these helpers fail loudly rather than see nothing.
 */
import type { Aedes, AedesPublishPacket } from 'aedes';
import type { Gateway } from '../../../src/gateway.js';

export interface SeenPublish {
  topic: string;
  payload: string;
  retain: boolean;
}

/** aedes keeps its persistence (retained store) on a field its typings leave out. */
interface RetainedStore {
  createRetainedStream(pattern: string): AsyncIterable<AedesPublishPacket>;
}
type AedesWithStore = Aedes & { persistence: RetainedStore };

function aedesOf(gateway: Gateway): AedesWithStore {
  const broker = gateway.service('broker') as unknown as { running?: { context?: { aedes?: AedesWithStore } } };
  const aedes = broker.running?.context?.aedes;
  if (aedes === undefined) throw new Error('no running aedes inside the gateway (not started, or its fields moved)');
  return aedes;
}

/** Records, from now on, every message the gateway itself publishes on topics starting with `prefix`. */
export function recordGatewayPublishes(gateway: Gateway, prefix: string): SeenPublish[] {
  const seen: SeenPublish[] = [];
  aedesOf(gateway).on('publish', (packet: AedesPublishPacket, client) => {
    // client is null for publishes made by the broker's owner (Broker.publish), set for devices'.
    if (client !== null || !packet.topic.startsWith(prefix)) return;
    seen.push({ topic: packet.topic, payload: packet.payload.toString(), retain: packet.retain });
  });
  return seen;
}

/** The retained messages matching `filter` now (what a subscriber to it would receive first). */
export async function retainedMessages(gateway: Gateway, filter: string): Promise<SeenPublish[]> {
  const stream = aedesOf(gateway).persistence.createRetainedStream(filter);
  const found: SeenPublish[] = [];
  for await (const packet of stream) {
    found.push({ topic: packet.topic, payload: packet.payload.toString(), retain: packet.retain });
  }
  return found.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0));
}
