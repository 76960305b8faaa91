/**
 * Prepared statements over the stream tables (schema.ts). Callers own the transactions: a bin write and
 * its roll-ups are one (stream-writer.ts).
 *
 * Writes go through `upsert … WHERE measures IS NOT excluded.measures`: a roll-up row whose figures did
 * not change is not written at all, so re-writing a bin with the same figures dirties no page.
 */
import type { SqliteDatabase } from '../../store/database.js';
import { dimensionOfKey } from './records.js';
import type { StoredRow, StreamRegistration } from './schema.js';

/** One SQL-side page: bins of one level in [from, to), after the keyset cursor, optional filters. */
export interface PageRange {
  id: number;
  res: number;
  from: number;
  to: number;
  afterStart: number;
  afterKey: string;
  /** JSON `[[values…] | null, …]` per dimension position, or null for no filter. */
  filters: string | null;
  limit: number;
}

export class StreamStatements {
  readonly registration;
  readonly register;
  readonly reregister;
  readonly registrations;
  readonly anyRow;
  private readonly keysAt;
  private readonly upsertRow;
  private readonly deleteKeys;
  private readonly sourceRows;
  private readonly starts;
  private readonly markRows;
  readonly setMark;
  private readonly pageRows;
  private readonly expire;

  constructor(readonly db: SqliteDatabase) {
    registerMatch(db);
    this.registration = db.prepare<[string], StreamRegistration>('SELECT * FROM agg_stream WHERE name = ?');
    this.register = db.prepare('INSERT INTO agg_stream (name, layout, uplink, declaration) VALUES (?, ?, ?, ?)');
    this.reregister = db.prepare('UPDATE agg_stream SET layout = ?, uplink = ?, declaration = ? WHERE id = ?');
    this.registrations = db.prepare<[], StreamRegistration>('SELECT * FROM agg_stream ORDER BY id');
    this.anyRow = db.prepare('SELECT 1 FROM agg_stream_row WHERE stream_id = ? LIMIT 1').pluck();
    const bin = 'stream_id = ? AND res_s = ? AND start_ms = ?';
    this.keysAt = db.prepare(`SELECT dims FROM agg_stream_row WHERE ${bin}`).pluck();
    this.upsertRow = db.prepare(
      `INSERT INTO agg_stream_row (stream_id, res_s, start_ms, dims, measures) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET measures = excluded.measures WHERE measures IS NOT excluded.measures`,
    );
    this.deleteKeys = db.prepare(
      `DELETE FROM agg_stream_row WHERE ${bin} AND dims IN (SELECT value FROM json_each(?))`,
    );
    const range = 'stream_id = ? AND res_s = ? AND start_ms >= ? AND start_ms < ?';
    this.sourceRows = db.prepare<[number, number, number, number, string | null, string | null], StoredRow>(
      `SELECT start_ms, dims, measures FROM agg_stream_row WHERE ${range}
       AND (? IS NULL OR dims IN (SELECT value FROM json_each(?))) ORDER BY dims, start_ms`,
    );
    this.starts = db.prepare(`SELECT DISTINCT start_ms FROM agg_stream_row WHERE ${range}`).pluck();
    this.markRows = db.prepare<[number], { res_s: number; open_ms: number }>(
      'SELECT res_s, open_ms FROM agg_stream_mark WHERE stream_id = ?',
    );
    this.setMark = db.prepare(
      `INSERT INTO agg_stream_mark (stream_id, res_s, open_ms) VALUES (?, ?, ?)
       ON CONFLICT DO UPDATE SET open_ms = excluded.open_ms`,
    );
    this.pageRows = db.prepare<[PageRange], StoredRow>(
      `SELECT start_ms, dims, measures FROM agg_stream_row
       WHERE stream_id = @id AND res_s = @res AND start_ms >= @from AND start_ms < @to
         AND (start_ms, dims) > (@afterStart, @afterKey)
         AND (@filters IS NULL OR omo_stream_match(dims, @filters))
       ORDER BY start_ms, dims LIMIT @limit`,
    );
    this.expire = db.prepare('DELETE FROM agg_stream_row WHERE stream_id = ? AND res_s = ? AND start_ms < ?');
  }

  keys(id: number, res: number, start: number): string[] {
    return this.keysAt.all(id, res, start) as string[];
  }

  upsert(id: number, res: number, start: number, key: string, measures: string): number {
    return this.upsertRow.run(id, res, start, key, measures).changes;
  }

  remove(id: number, res: number, start: number, keys: readonly string[]): number {
    return keys.length === 0 ? 0 : this.deleteKeys.run(id, res, start, JSON.stringify(keys)).changes;
  }

  /** Rows of `keys` (null: every key) in bins of level `res` starting in [from, to), by key then time. */
  sources(id: number, res: number, from: number, to: number, keys: readonly string[] | null): StoredRow[] {
    const list = keys === null ? null : JSON.stringify(keys);
    return this.sourceRows.all(id, res, from, to, list, list);
  }

  /** Starts of the bins of level `res` holding rows in [from, to). */
  binStarts(id: number, res: number, from: number, to: number): number[] {
    return this.starts.all(id, res, from, to) as number[];
  }

  /** Per level key, the start of its open period (periods.ts). */
  marks(id: number): Map<number, number> {
    return new Map(this.markRows.all(id).map((row) => [row.res_s, row.open_ms]));
  }

  page(range: PageRange): StoredRow[] {
    return this.pageRows.all(range);
  }

  expireBefore(id: number, res: number, beforeMs: number): number {
    return this.expire.run(id, res, beforeMs).changes;
  }
}

/**
 * `omo_stream_match(dims, filters)`: 1 when every filtered dimension's value is among its allowed
 * values. Filters are the same JSON text for every row of a query, so the parsed form is kept.
 */
function registerMatch(db: SqliteDatabase): void {
  let lastText = '';
  let last: (Set<string> | null)[] = [];
  db.function('omo_stream_match', { deterministic: true }, (dims: unknown, filters: unknown) => {
    if (filters !== lastText) {
      lastText = filters as string;
      last = (JSON.parse(lastText) as (string[] | null)[]).map((values) => (values === null ? null : new Set(values)));
    }
    return last.every((allowed, i) => allowed === null || allowed.has(dimensionOfKey(dims as string, i) ?? '')) ? 1 : 0;
  });
}
