/**
 * The retained connection state on `<prefix>/<storeId>/v1/status` (ARCHITECTURE §7): `online` when
 * the uplink connects (birth), `offline` with reason `stopped` on a clean stop, and the same `offline`
 * with reason `connection_lost` registered as the MQTT last will, which the broker publishes — retained
 * — when the gateway vanishes without a DISCONNECT (power cut, kill -9, network loss) [MQTT-3.1.2-8].
 * The will is built when the uplink starts, so its `sent_at` is that time: the broker sends it later.
 */
import type { ConnectionState } from './payload.js';

export type OfflineReason = 'stopped' | 'connection_lost';

export interface StateMessage {
  gateway: string;
  store: string;
  state: ConnectionState;
  reason?: OfflineReason;
  sentAt: Date;
}

export function stateMessageJson(message: StateMessage): string {
  return JSON.stringify({
    schema: 'omo-edge/status/v1',
    gateway: message.gateway,
    store: message.store,
    seq: 0,
    sent_at: message.sentAt.toISOString(),
    state: message.state,
    ...(message.reason === undefined ? {} : { reason: message.reason }),
    records: [],
  });
}
