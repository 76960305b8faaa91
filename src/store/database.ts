/**
 * The gateway's SQLite database (better-sqlite3, WAL): aggregate time series, the dead-letter table and
 * the uplink outbox (ARCHITECTURE §6). Each feature declares its own migrations; the database applies
 * those not yet recorded in `schema_migrations`, each in its own transaction, in the order given.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;

export interface Migration {
  /** Unique and stable forever, e.g. 'dead_letter/001-create'. */
  id: string;
  up: (db: SqliteDatabase) => void;
}

/**
 * Page size of a NEW database file (an existing file keeps the one it was created with: changing it
 * means rewriting the whole file). SQLite writes whole pages — to the WAL at every commit, then again
 * at the checkpoint — and a bin's commit changes a few rows in each of several tables, so the bytes a
 * commit costs the SD card follow the page size, not the rows (ARCHITECTURE §10: with 4 KiB pages the
 * demo store wrote 1.9 times what it writes with 1 KiB ones). At 512 bytes a zone row (≈ 100 bytes)
 * would spill to an overflow page.
 */
const NEW_FILE_PAGE_SIZE = 1024;
/** WAL bytes between automatic checkpoints: a page changed by many commits is copied to the file once. */
const CHECKPOINT_WAL_BYTES = 4 * 1024 * 1024;

export function openDatabase(path: string, migrations: readonly Migration[]): SqliteDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma(`page_size = ${NEW_FILE_PAGE_SIZE}`);
  db.pragma('journal_mode = WAL');
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.pragma(`wal_autocheckpoint = ${Math.max(1, Math.round(CHECKPOINT_WAL_BYTES / pageSize))}`);
  // NORMAL is durable across application crashes in WAL mode; the outbox raises it to FULL for its
  // own commits, because an acknowledged aggregate must also survive a power cut (§6).
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  applyMigrations(db, migrations);
  return db;
}

export function applyMigrations(db: SqliteDatabase, migrations: readonly Migration[]): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
  const applied = new Set(
    (db.prepare('SELECT id FROM schema_migrations').all() as { id: string }[]).map((row) => row.id),
  );
  const record = db.prepare('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)');
  for (const migration of migrations) {
    if (applied.has(migration.id)) continue;
    db.transaction(() => {
      migration.up(db);
      record.run(migration.id, new Date().toISOString());
    })();
  }
}
