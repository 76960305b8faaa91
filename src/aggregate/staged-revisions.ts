/**
 * Exactly-once hand-over of revised bin records to the outbox (ARCHITECTURE §7, §11), for any producer
 * that keeps its bins in `omo.db`: the path-bin uplink log (uplink-log.ts, table `agg_uplink`) and the
 * declared streams (streams/, table `agg_stream_uplink`). Both tables have the same shape.
 *
 * The outbox lives in its own SQLite file and refuses to run inside another transaction (it must have
 * committed before the uplink may publish), so a bin write and its outbox append cannot be one commit.
 * Instead `stage` runs in the SAME transaction as the bin and keeps the record in the table; after the
 * commit `flush` appends staged records to the outbox and clears them. A crash before the append
 * leaves them staged and the next start flushes them: nothing is lost. A flush hands every staged
 * stream to the outbox in ONE call (one durable commit: `Outbox.appendMany`) and clears them in one
 * transaction — two commits per flush, not two per stream (ARCHITECTURE §10: each costs pages).
 *
 * - Staging the same figures again stages nothing (same digest): a restart that re-closes a bin
 *   produces no duplicate record.
 * - Different figures stage the next `revision`; the cloud keeps the highest revision per
 *   (stream, bin_start). A revision not yet appended is overwritten by the next one.
 * - A stream that had a record for the bin but has none now stages the retraction the caller gives.
 * - A kill between the outbox commit and clearing the staged rows appends them again at the next
 *   start. The caller appends with source keys naming (bin, revision), which the outbox holds UNIQUE
 *   per stream, so the retry inserts nothing and gets the first ids back (src/store/outbox/keys.ts).
 */
import { createHash } from 'node:crypto';
import type { SqliteDatabase } from '../store/database.js';

export type StagingTable = 'agg_uplink' | 'agg_stream_uplink';

/**
 * The DDL of a staging table: per (stream, bin) the revision and digest of the last record staged, and
 * its body until it is appended to the outbox.
 */
export function stagingTableSql(table: StagingTable): string {
  return `
    CREATE TABLE ${table} (
      stream TEXT NOT NULL,
      start_ms INTEGER NOT NULL,
      revision INTEGER NOT NULL,
      digest TEXT NOT NULL,
      body TEXT,
      PRIMARY KEY (stream, start_ms)
    ) WITHOUT ROWID;
    CREATE INDEX ${table}_pending ON ${table} (start_ms) WHERE body IS NOT NULL;`;
}

/** The records of one stream that a flush hands over, oldest bin first, each with its `revision`. */
export type StagedRecord = Record<string, unknown> & { revision: number };

interface StagedRow {
  stream: string;
  start_ms: number;
  revision: number;
  body: string;
}

export class StagedRevisions<S extends string> {
  private readonly previous;
  private readonly upsert;
  private readonly pendingRows;
  private readonly pendingCount;
  private readonly clear;
  private readonly expire;

  constructor(
    private readonly db: SqliteDatabase,
    table: StagingTable,
  ) {
    this.previous = db.prepare(`SELECT revision, digest FROM ${table} WHERE stream = ? AND start_ms = ?`);
    this.upsert = db.prepare(
      `INSERT INTO ${table} (stream, start_ms, revision, digest, body) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (stream, start_ms) DO UPDATE SET revision = excluded.revision, digest = excluded.digest,
       body = excluded.body`,
    );
    const pending = `FROM ${table} WHERE body IS NOT NULL`;
    this.pendingRows = db.prepare(`SELECT stream, start_ms, revision, body ${pending} ORDER BY start_ms, stream`);
    this.pendingCount = db.prepare(`SELECT COUNT(*) ${pending}`).pluck();
    this.clear = db.prepare(`UPDATE ${table} SET body = NULL WHERE stream = ? AND start_ms = ? AND revision = ?`);
    this.expire = db.prepare(`DELETE FROM ${table} WHERE body IS NULL AND start_ms < ?`);
  }

  /**
   * Stages `body` (without `revision`) as the next revision of (stream, bin) when it differs from the
   * last one; with no body, stages `retraction()` if the bin had a record. Call inside the bin's
   * transaction. Returns whether a revision was staged.
   */
  stage(stream: S, startMs: number, body: object | undefined, retraction: () => object): boolean {
    const before = this.previous.get(stream, startMs) as { revision: number; digest: string } | undefined;
    const record = body ?? (before ? retraction() : undefined);
    if (record === undefined) return false;
    const json = JSON.stringify(record);
    const digest = createHash('sha256').update(json).digest('base64url');
    if (before?.digest === digest) return false;
    const revision = (before?.revision ?? 0) + 1;
    this.upsert.run(stream, startMs, revision, digest, JSON.stringify({ ...record, revision }));
    return true;
  }

  /**
   * Hands every staged record to `append` in ONE call — per stream, oldest bin first — and clears them
   * in one transaction once it returned (a kill in between re-appends them: source keys make that a
   * no-op). Returns the records handed over.
   */
  flush(append: (batches: { stream: S; records: StagedRecord[] }[]) => void): number {
    const rows = this.pendingRows.all() as StagedRow[];
    if (rows.length === 0) return 0;
    const byStream = new Map<S, StagedRecord[]>();
    for (const row of rows) {
      const list = byStream.get(row.stream as S) ?? [];
      list.push(JSON.parse(row.body) as StagedRecord);
      byStream.set(row.stream as S, list);
    }
    append([...byStream].map(([stream, records]) => ({ stream, records })));
    this.db.transaction(() => {
      for (const row of rows) this.clear.run(row.stream, row.start_ms, row.revision);
    })();
    return rows.length;
  }

  pending(): number {
    return this.pendingCount.get() as number;
  }

  /** Forgets appended records of bins that started before `beforeMs` (they can no longer be rewritten). */
  expireBefore(beforeMs: number): number {
    return this.expire.run(beforeMs).changes;
  }
}
