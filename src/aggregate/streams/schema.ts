/**
 * SQLite tables of the declared streams (ARCHITECTURE §6), generic for every stream: one row per
 * stream × level × bin × dimension key, measures as one JSON array (measures.ts).
 *
 * - `agg_stream` registers each declared name once: its integer id (so rows do not repeat the name),
 *   the `layout` its rows were written with (a declaration that changes it is refused while rows exist)
 *   and its outbox stream (so records staged before a crash can be appended before the part declares
 *   again).
 * - `agg_stream_row` is clustered by (stream, level, bin start, key): a bin's rows share pages, so a
 *   write dirties few pages per level (SD-card wear, §10), and a range query or a keyset page is one
 *   index range scan in (bin_start, dims) order. No other index: each would be written on every bin.
 * - `agg_stream_uplink` stages uplink records, the same shape as `agg_uplink` (staged-revisions.ts).
 */
import type { Migration } from '../../store/database.js';
import { stagingTableSql } from '../staged-revisions.js';

export const streamMigrations: Migration[] = [
  {
    id: 'aggregate-streams/001-create',
    up: (db) =>
      db.exec(`
        CREATE TABLE agg_stream (
          id INTEGER PRIMARY KEY,
          name TEXT NOT NULL UNIQUE,
          layout TEXT NOT NULL,
          uplink TEXT
        );
        CREATE TABLE agg_stream_row (
          stream_id INTEGER NOT NULL,
          res_s INTEGER NOT NULL,
          start_ms INTEGER NOT NULL,
          dims TEXT NOT NULL,
          measures TEXT NOT NULL,
          PRIMARY KEY (stream_id, res_s, start_ms, dims)
        ) WITHOUT ROWID;
        ${stagingTableSql('agg_stream_uplink')}
      `),
  },
  {
    // Roll-up periods are written when they close, not on every bin (periods.ts): per stream and
    // level, the start of the one period still open.
    id: 'aggregate-streams/002-open-periods',
    up: (db) =>
      db.exec(`
        CREATE TABLE agg_stream_mark (
          stream_id INTEGER NOT NULL,
          res_s INTEGER NOT NULL,
          open_ms INTEGER NOT NULL,
          PRIMARY KEY (stream_id, res_s)
        ) WITHOUT ROWID;
      `),
  },
  {
    // The declaration as declared: housekeeping closes (and stages) periods of a stream its part has
    // not declared again since the start.
    id: 'aggregate-streams/003-declaration',
    up: (db) => db.exec('ALTER TABLE agg_stream ADD COLUMN declaration TEXT'),
  },
];

export interface StreamRegistration {
  id: number;
  name: string;
  layout: string;
  uplink: string | null;
  declaration: string | null;
}

export interface StoredRow {
  start_ms: number;
  dims: string;
  measures: string;
}
