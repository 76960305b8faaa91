/**
 * The ingest part: every message the broker lets through is routed by topic to its device profile,
 * decoded, validated and put on the bus — or refused with an `…/error` reply, a dead-letter row and a
 * counter (ARCHITECTURE §2, §4).
 */
import { profiles } from '../../devices/index.js';
import type { PartFactory } from '../part.js';
import { Ingest } from './ingest.js';

export const ingestPart: PartFactory = ({ config, bus, metrics, clock, publish, need, provide }) => {
  const ingest = new Ingest({
    config: config.ingest,
    profiles,
    bus,
    deadLetters: need('deadLetters'),
    metrics,
    reply: (topic, payload) => publish(topic, payload),
    now: () => clock.now(),
  });
  provide('ingest', ingest);
  return { name: 'ingest', start: () => ingest.start(), stop: () => ingest.stop() };
};
