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

export function openDatabase(path: string, migrations: readonly Migration[]): SqliteDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
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
