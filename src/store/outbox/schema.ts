/**
 * Outbox tables (ARCHITECTURE §6, §7). One row per uplink record, kept after its PUBACK (flagged by
 * `acked_at`) so HQ's resend command can ask for a time range again; the byte and age bounds evict
 * acked rows first, then the oldest pending ones (counted as drops). Migrations are append-only: an
 * applied one is never edited, a change is a new id.
 */
import type { Migration } from '../database.js';

export const outboxMigrations: readonly Migration[] = [
  {
    id: 'outbox/001-create',
    up: (db) => {
      db.exec(`
        CREATE TABLE outbox_records (
          pos INTEGER PRIMARY KEY,      -- global append order: "oldest" for the byte bound
          stream TEXT NOT NULL,
          seq INTEGER NOT NULL,         -- per-stream record sequence; the id is <gateway>:<stream>:<seq>
          produced_at INTEGER NOT NULL, -- ms since epoch when appended; the resend range and age bound use it
          acked_at INTEGER,             -- ms since epoch of the cloud's PUBACK; NULL while pending
          bytes INTEGER NOT NULL,       -- UTF-8 length of body, for the byte bound
          body TEXT NOT NULL,           -- the record as uplinked, id included
          UNIQUE (stream, seq)
        );
        -- Pending rows in send order; partial, so acked rows kept for resend cost the drain nothing.
        CREATE INDEX outbox_pending ON outbox_records (stream, seq) WHERE acked_at IS NULL;
        CREATE INDEX outbox_produced ON outbox_records (produced_at);

        CREATE TABLE outbox_streams (
          stream TEXT PRIMARY KEY,
          next_seq INTEGER NOT NULL,            -- next record seq; never reused, even after drops
          message_seq_reserved INTEGER NOT NULL, -- message seqs below this may have been used
          dropped INTEGER NOT NULL              -- pending records of this stream dropped by the bounds, ever
        );

        CREATE TABLE outbox_counters (
          name TEXT PRIMARY KEY,   -- dropped_total | dropped_unreported
          value INTEGER NOT NULL
        );
        INSERT INTO outbox_counters (name, value) VALUES ('dropped_total', 0), ('dropped_unreported', 0);
      `);
    },
  },
  {
    // Idempotent appends (keys.ts): a producer's stable key per record, kept after the row goes.
    id: 'outbox/002-source-keys',
    up: (db) => {
      db.exec(`
        CREATE TABLE outbox_source_keys (
          stream TEXT NOT NULL,
          source_key TEXT NOT NULL, -- the producer's name for the record, e.g. <bin start>/<bin_s>/r<revision>
          seq INTEGER NOT NULL,     -- the record's seq in its stream: re-appending the key returns this id
          digest TEXT NOT NULL,     -- sha256 of the producer's JSON: the same key with other content is refused
          PRIMARY KEY (stream, source_key)
        ) WITHOUT ROWID;
        CREATE INDEX outbox_source_keys_seq ON outbox_source_keys (stream, seq);
      `);
    },
  },
];
