/**
 * The dead-letter part: the bounded table of refused messages (ARCHITECTURE §4, §11) that the ingest
 * writes and the admin API reads.
 */
import type { PartFactory } from '../part.js';
import { DeadLetterStore } from './dead-letter.js';

export const deadLetterPart: PartFactory = ({ db, config, metrics, provide }) => {
  const store = new DeadLetterStore({
    db,
    maxRows: config.ingest.dead_letter_max_rows,
    sampleBytes: config.ingest.dead_letter_sample_bytes,
    metrics,
  });
  provide('deadLetters', store);
  return { name: 'dead letters', start: () => store.start(), stop: () => store.stop() };
};
