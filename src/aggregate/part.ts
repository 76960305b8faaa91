/**
 * The aggregates part: the SQLite time series of every feature's bins, rolled up to 15 minutes, hours
 * and store days, and staged for the uplink outbox (ARCHITECTURE §5 "Bins", §6, §7).
 */
import type { PartFactory } from '../part.js';
import { AggregateStore } from './store.js';

export const aggregatesPart: PartFactory = ({ db, config, metrics, clock, find, provide }) => {
  // Without an outbox part (a gateway built without the uplink) nothing is staged.
  const outbox = find('outbox');
  const aggregates = new AggregateStore({
    db,
    config,
    metrics,
    now: () => clock.now(),
    ...(outbox ? { outbox } : {}),
  });
  provide('aggregates', aggregates);
  return { name: 'aggregates', start: () => aggregates.start(), stop: () => aggregates.stop() };
};
