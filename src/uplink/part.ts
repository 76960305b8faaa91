/**
 * The uplink part: drains the outbox to the chain's cloud broker (ARCHITECTURE §7). Healthy while
 * connected; degraded while the cloud is away (the outbox holds the records, nothing is lost yet);
 * disabled when no `uplink.url` is configured (the outbox still fills, for a later uplink).
 */
import type { PartFactory } from '../part.js';
import { Uplink } from './uplink.js';

export const uplinkPart: PartFactory = ({ config, configDir, metrics, need, provide }) => {
  const uplink = new Uplink({
    config: config.uplink,
    storeId: config.store.id,
    gatewayId: config.gateway.id,
    outbox: need('outbox'),
    metrics,
    configDir,
  });
  provide('uplink', uplink);
  return {
    name: 'uplink',
    start: () => uplink.start(),
    stop: () => uplink.stop(),
    health() {
      const state = uplink.status();
      const figures = {
        url: state.url,
        connected: state.connected,
        backlog: state.backlog,
        oldest_record_at: state.oldestRecordAt,
        last_ack_at: state.lastAckAt,
        dropped: state.dropped,
        sent: state.sent,
      };
      if (state.url === null) return { status: 'disabled', ...figures };
      return { status: state.connected ? 'ok' : 'degraded', ...figures };
    },
  };
};
