/** The ingest's public surface, for the composition root (src/gateway.ts) and the broker. */
export {
  type DeadLetterQuery,
  type DeadLetterRow,
  DeadLetterStore,
  type DeadLetterStoreOptions,
  deadLetterMigrations,
} from './dead-letter.js';
export { Ingest, type IngestOptions } from './ingest.js';
export * from './profile.js';
