/**
 * How outbox commits reach the disk (ARCHITECTURE §6: "the outbox commits with synchronous=FULL").
 *
 * In WAL mode, NORMAL (what database.ts sets) survives a crash of the process but may lose the last
 * commits on a power cut; FULL fsyncs the WAL at every commit, so a record `append` returned for — or a
 * PUBACK `ack` recorded — is on the card. Two connection modes:
 * - own connection (`path`): the whole connection runs FULL; nothing else writes through it;
 * - shared connection (`database`): FULL is switched on just around each outbox transaction and
 *   the previous level restored, because SQLite refuses to change it inside a transaction and the
 *   aggregate tables on the same connection are content with NORMAL.
 * The outbox refuses to run inside a caller's transaction: the uplink may publish a record as soon
 * as `append` returns, so the record must be committed by then — a caller's later rollback would
 * otherwise un-write a record the cloud already holds, and its id would be handed out again.
 */
import { applyMigrations, openDatabase, type SqliteDatabase } from '../database.js';
import { outboxMigrations } from './schema.js';
import type { OutboxOptions } from './types.js';

export interface OutboxConnection {
  db: SqliteDatabase;
  owned: boolean;
}

export function openOutboxConnection(options: Pick<OutboxOptions, 'path' | 'database'>): OutboxConnection {
  const { path, database } = options;
  if ((path === undefined) === (database === undefined)) {
    throw new Error('Outbox needs exactly one of `path` (own connection) or `database` (shared)');
  }
  if (database) {
    applyMigrations(database, outboxMigrations);
    return { db: database, owned: false };
  }
  const db = openDatabase(path as string, outboxMigrations);
  db.pragma('synchronous = FULL');
  return { db, owned: true };
}

export function durableTransaction<T>(connection: OutboxConnection, fn: () => T): T {
  const { db, owned } = connection;
  if (db.inTransaction) {
    throw new Error('outbox: called inside another transaction; it must commit on its own (see durability.ts)');
  }
  const run = db.transaction(fn);
  if (owned) return run();
  const previous = db.pragma('synchronous', { simple: true }) as number;
  db.pragma('synchronous = FULL');
  try {
    return run();
  } finally {
    db.pragma(`synchronous = ${previous}`);
  }
}
