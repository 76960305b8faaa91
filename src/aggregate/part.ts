/**
 * The aggregates part: the SQLite time series of every feature's bins, rolled up to 15 minutes, hours
 * and store days, and staged for the uplink outbox (ARCHITECTURE §5 "Bins", §6, §7). Path bins have
 * their own store (`aggregates`); every other feature declares its streams on `streams`
 * (`need('streams').declare(…)`, src/aggregate/README.md "Declared streams").
 */
import { type PartFactory, stopEach } from '../part.js';
import { AggregateStore } from './store.js';
import { StreamStore } from './streams/store.js';

export const aggregatesPart: PartFactory = ({ db, config, metrics, clock, find, provide }) => {
  // Without an outbox part (a gateway built without the uplink) nothing is staged.
  const outbox = find('outbox');
  const shared = { db, config, metrics, now: () => clock.now(), ...(outbox ? { outbox } : {}) };
  const aggregates = new AggregateStore({ ...shared, uplinkEvery: config.uplink.path_records_every });
  const streams = new StreamStore(shared);
  provide('aggregates', aggregates);
  provide('streams', streams);
  return {
    name: 'aggregates',
    async start() {
      await aggregates.start();
      await streams.start();
    },
    stop: () =>
      stopEach(
        () => streams.stop(),
        () => aggregates.stop(),
      ),
  };
};
