/**
 * The outbox's prepared statements, prepared once per connection (better-sqlite3 statements are
 * cheap to run and costly to prepare). Kept apart from outbox.ts so the class reads as policy.
 */
import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from '../database.js';

type Counter = 'dropped_total' | 'dropped_unreported';

export class OutboxStatements {
  readonly ensureStream: Statement<[string]>;
  readonly insert: Statement<[string, number, number, number, string]>;
  readonly setNextSeq: Statement<[number, string]>;
  readonly reserveMessageSeq: Statement<[number, string]>;
  readonly peek: Statement<[string, number]>;
  readonly ack: Statement<[number, string, number]>;
  readonly requeue: Statement<[string, number, number]>;
  readonly setCounter: Statement<[number, Counter]>;
  readonly streams: Statement<[], { stream: string; next_seq: number; message_seq_reserved: number }>;
  readonly pendingCounts: Statement<[], { stream: string; n: number }>;
  readonly droppedByStream: Statement<[], { stream: string; dropped: number }>;
  private readonly counterValue: Statement<[Counter], { value: number }>;
  private readonly oldestPendingOf: Statement<[string], { produced_at: number }>;
  private readonly oldestHeldRow: Statement<[], { at: number | null }>;
  private readonly totalBytesRow: Statement<[], { bytes: number }>;
  private readonly lastAckedRow: Statement<[], { at: number | null }>;

  constructor(db: SqliteDatabase) {
    this.ensureStream = db.prepare(
      'INSERT OR IGNORE INTO outbox_streams (stream, next_seq, message_seq_reserved, dropped) VALUES (?, 1, 1, 0)',
    );
    this.insert = db.prepare(
      'INSERT INTO outbox_records (stream, seq, produced_at, bytes, body) VALUES (?, ?, ?, ?, ?)',
    );
    this.setNextSeq = db.prepare('UPDATE outbox_streams SET next_seq = ? WHERE stream = ?');
    this.reserveMessageSeq = db.prepare('UPDATE outbox_streams SET message_seq_reserved = ? WHERE stream = ?');
    this.peek = db.prepare(
      'SELECT seq, produced_at, body FROM outbox_records WHERE stream = ? AND acked_at IS NULL ORDER BY seq LIMIT ?',
    );
    this.ack = db.prepare('UPDATE outbox_records SET acked_at = ? WHERE stream = ? AND seq = ? AND acked_at IS NULL');
    this.requeue = db.prepare(
      `UPDATE outbox_records SET acked_at = NULL
        WHERE stream = ? AND acked_at IS NOT NULL AND produced_at >= ? AND produced_at <= ?`,
    );
    this.setCounter = db.prepare('UPDATE outbox_counters SET value = ? WHERE name = ?');
    this.streams = db.prepare('SELECT stream, next_seq, message_seq_reserved FROM outbox_streams');
    this.pendingCounts = db.prepare(
      'SELECT stream, COUNT(*) AS n FROM outbox_records WHERE acked_at IS NULL GROUP BY stream',
    );
    this.droppedByStream = db.prepare('SELECT stream, dropped FROM outbox_streams WHERE dropped > 0 ORDER BY stream');
    this.counterValue = db.prepare('SELECT value FROM outbox_counters WHERE name = ?');
    this.oldestPendingOf = db.prepare(
      'SELECT produced_at FROM outbox_records WHERE stream = ? AND acked_at IS NULL ORDER BY seq LIMIT 1',
    );
    this.oldestHeldRow = db.prepare('SELECT MIN(produced_at) AS at FROM outbox_records');
    this.totalBytesRow = db.prepare('SELECT COALESCE(SUM(bytes), 0) AS bytes FROM outbox_records');
    this.lastAckedRow = db.prepare('SELECT MAX(acked_at) AS at FROM outbox_records');
  }

  counter(name: Counter): number {
    return this.counterValue.get(name)?.value ?? 0;
  }

  oldestPending(stream: string): number | null {
    return this.oldestPendingOf.get(stream)?.produced_at ?? null;
  }

  oldestHeld(): number | null {
    return this.oldestHeldRow.get()?.at ?? null;
  }

  lastAcked(): number | null {
    return this.lastAckedRow.get()?.at ?? null;
  }

  totalBytes(): number {
    return this.totalBytesRow.get()?.bytes ?? 0;
  }
}
