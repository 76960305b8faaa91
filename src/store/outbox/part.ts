/**
 * The outbox part: the uplink's store-and-forward queue in its own SQLite file (`<data-dir>/outbox.db`),
 * whose commits run with synchronous=FULL — an acknowledged aggregate must survive a power cut (§6) —
 * without making every aggregate and dead-letter write pay for it.
 */
import type { PartFactory } from '../../part.js';
import { Outbox, outboxOptionsFromConfig } from './outbox.js';

export const outboxPart: PartFactory = ({ config, dataDir, clock, provide }) => {
  const outbox = new Outbox({ ...outboxOptionsFromConfig(config, dataDir), now: () => clock.now() });
  provide('outbox', outbox);
  return {
    name: 'outbox',
    start: () => outbox.start(),
    stop: () => outbox.stop(),
    health() {
      const stats = outbox.stats();
      return { status: 'ok', bytes: stats.bytes, backlog: stats.backlogTotal, dropped: stats.droppedTotal };
    },
  };
};
