/**
 * Hands each bin's uplink records to the outbox exactly once per revision (ARCHITECTURE §7, §11).
 *
 * The outbox lives in its own SQLite file and refuses to run inside another transaction (it must have
 * committed before the uplink may publish), so a bin write and its outbox append cannot be one commit.
 * Instead the bin write stages the records in `agg_uplink` in the SAME transaction as the bin; after
 * the commit `flush()` appends staged records to the outbox and clears them. A crash before the append
 * leaves them staged, and `start()` flushes them: nothing is lost.
 *
 * - Writing a bin again with the same figures stages nothing (same digest): a restart that re-closes
 *   a bin produces no duplicate record.
 * - Different figures stage the next `revision`; the cloud keeps the highest revision per
 *   (stream, bin_start). A partial bin continued after a restart is staged merged (store.ts), so its
 *   next revision holds both parts.
 * - A stream that had a record for the bin but has none now stages `{ …, retracted: true }`.
 * - A kill between the outbox commit and clearing the staged rows appends them again at the next
 *   start. Each goes with its source key (bin start, bin length, revision: `uplinkSourceKey`), which
 *   the outbox holds UNIQUE per stream, so the retry inserts nothing and gets the first ids back: the
 *   cloud never sees one record under two ids (§11).
 */
import { createHash } from 'node:crypto';
import type { SqliteDatabase } from '../store/database.js';
import type { PathBinRecord } from './records.js';
import { AGGREGATE_STREAMS, type AggregateStream, uplinkBodies, uplinkSourceKey } from './uplink-records.js';

/** The part of the outbox this needs (src/store/outbox/outbox.ts `Outbox`): an idempotent append by key. */
export interface OutboxSink {
  append(stream: AggregateStream, records: readonly object[], options: { keys: readonly string[] }): string[];
}

interface UplinkRow {
  stream: AggregateStream;
  start_ms: number;
  revision: number;
  body: string;
}

export class UplinkLog {
  private readonly previous;
  private readonly upsert;
  private readonly pendingRows;
  private readonly clear;
  private readonly expire;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly k: number,
  ) {
    this.previous = db.prepare('SELECT revision, digest FROM agg_uplink WHERE stream = ? AND start_ms = ?');
    this.upsert = db.prepare(
      `INSERT INTO agg_uplink (stream, start_ms, revision, digest, body) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (stream, start_ms) DO UPDATE SET revision = excluded.revision, digest = excluded.digest,
       body = excluded.body`,
    );
    this.pendingRows = db.prepare(
      'SELECT stream, start_ms, revision, body FROM agg_uplink WHERE body IS NOT NULL ORDER BY start_ms, stream',
    );
    this.clear = db.prepare('UPDATE agg_uplink SET body = NULL WHERE stream = ? AND start_ms = ? AND revision = ?');
    this.expire = db.prepare('DELETE FROM agg_uplink WHERE body IS NULL AND start_ms < ?');
  }

  /** Stages the records of a raw bin (call inside the bin's transaction). Returns the streams staged. */
  stage(record: PathBinRecord): AggregateStream[] {
    const bodies = uplinkBodies(record, this.k);
    const staged: AggregateStream[] = [];
    for (const stream of AGGREGATE_STREAMS) {
      const before = this.previous.get(stream, record.bin_start_ms) as { revision: number; digest: string } | undefined;
      const body = bodies[stream] ?? (before ? retraction(record) : undefined);
      if (body === undefined) continue;
      const json = JSON.stringify(body);
      const digest = createHash('sha256').update(json).digest('base64url');
      if (before?.digest === digest) continue;
      const revision = (before?.revision ?? 0) + 1;
      this.upsert.run(stream, record.bin_start_ms, revision, digest, JSON.stringify({ ...body, revision }));
      staged.push(stream);
    }
    return staged;
  }

  /** Appends every staged record to the outbox, oldest bin first, one append per stream. */
  flush(outbox: OutboxSink): number {
    const rows = this.pendingRows.all() as UplinkRow[];
    const byStream = new Map<AggregateStream, UplinkRow[]>();
    for (const row of rows) {
      const list = byStream.get(row.stream) ?? [];
      list.push(row);
      byStream.set(row.stream, list);
    }
    let appended = 0;
    for (const [stream, list] of byStream) {
      const records = list.map((row) => JSON.parse(row.body) as { bin_start: string; bin_s: number; revision: number });
      outbox.append(stream, records, { keys: records.map(uplinkSourceKey) });
      this.db.transaction(() => {
        for (const row of list) this.clear.run(row.stream, row.start_ms, row.revision);
      })();
      appended += list.length;
    }
    return appended;
  }

  pending(): number {
    return (this.pendingRows.all() as UplinkRow[]).length;
  }

  /** Forgets appended records of bins that started before `beforeMs` (they can no longer be rewritten). */
  expireBefore(beforeMs: number): number {
    return this.expire.run(beforeMs).changes;
  }
}

function retraction(record: PathBinRecord): object {
  return { bin_start: new Date(record.bin_start_ms).toISOString(), bin_s: record.bin_s, retracted: true };
}
