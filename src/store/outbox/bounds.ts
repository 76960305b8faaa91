/**
 * The outbox bounds (ARCHITECTURE §6, §11): by bytes and by age. Policy when over a bound:
 *   1. acked rows (kept only so HQ can ask for a resend) go first, oldest first, uncounted;
 *   2. then pending rows, oldest append first, each counted as a drop — per stream and in total —
 *      so the uplink can report the loss itself (`dropped_unreported` feeds the drop report).
 * Functions here run inside the caller's transaction; they change rows and counters, and return what
 * they removed so the Outbox can keep its in-memory backlog figures without re-reading the table.
 */
import type { SqliteDatabase } from '../database.js';
import type { OutboxStream } from './streams.js';

export interface Eviction {
  /** Bytes of body removed. */
  bytes: number;
  /** Acked rows removed (no loss: the cloud has them). */
  ackedRows: number;
  /** Pending rows removed per stream: these are drops. */
  dropped: Map<OutboxStream, number>;
}

interface Row {
  pos: number;
  stream: OutboxStream;
  bytes: number;
}

export interface OutboxBounds {
  /** Removes oldest rows until at least `excessBytes` are freed (or the table is empty). */
  evictBytes(excessBytes: number): Eviction;
  /** Removes every row produced before `cutoffMs`. */
  evictOlderThan(cutoffMs: number): Eviction;
}

const SCAN_CHUNK = 512;

export function prepareBounds(db: SqliteDatabase): OutboxBounds {
  const oldestAcked = db.prepare(
    'SELECT pos, stream, bytes FROM outbox_records WHERE acked_at IS NOT NULL ORDER BY pos LIMIT ?',
  );
  const oldestPending = db.prepare(
    'SELECT pos, stream, bytes FROM outbox_records WHERE acked_at IS NULL ORDER BY pos LIMIT ?',
  );
  const deleteRow = db.prepare('DELETE FROM outbox_records WHERE pos = ?');
  const agedGroups = db.prepare(
    `SELECT stream, acked_at IS NULL AS pending, COUNT(*) AS n, COALESCE(SUM(bytes), 0) AS bytes
       FROM outbox_records WHERE produced_at < ? GROUP BY stream, pending`,
  );
  const deleteAged = db.prepare('DELETE FROM outbox_records WHERE produced_at < ?');
  const addStreamDrops = db.prepare('UPDATE outbox_streams SET dropped = dropped + ? WHERE stream = ?');
  const addCounter = db.prepare('UPDATE outbox_counters SET value = value + ? WHERE name = ?');

  const countDrops = (dropped: Map<OutboxStream, number>): void => {
    let total = 0;
    for (const [stream, n] of dropped) {
      addStreamDrops.run(n, stream);
      total += n;
    }
    if (total === 0) return;
    addCounter.run(total, 'dropped_total');
    addCounter.run(total, 'dropped_unreported');
  };

  const evictBytes = (excessBytes: number): Eviction => {
    const eviction: Eviction = { bytes: 0, ackedRows: 0, dropped: new Map() };
    for (const [select, pending] of [
      [oldestAcked, false],
      [oldestPending, true],
    ] as const) {
      while (eviction.bytes < excessBytes) {
        const rows = select.all(SCAN_CHUNK) as Row[];
        if (rows.length === 0) break;
        for (const row of rows) {
          if (eviction.bytes >= excessBytes) break;
          deleteRow.run(row.pos);
          eviction.bytes += row.bytes;
          if (pending) eviction.dropped.set(row.stream, (eviction.dropped.get(row.stream) ?? 0) + 1);
          else eviction.ackedRows += 1;
        }
      }
    }
    countDrops(eviction.dropped);
    return eviction;
  };

  const evictOlderThan = (cutoffMs: number): Eviction => {
    const eviction: Eviction = { bytes: 0, ackedRows: 0, dropped: new Map() };
    const groups = agedGroups.all(cutoffMs) as {
      stream: OutboxStream;
      pending: 0 | 1;
      n: number;
      bytes: number;
    }[];
    if (groups.length === 0) return eviction;
    for (const group of groups) {
      eviction.bytes += group.bytes;
      if (group.pending === 1) eviction.dropped.set(group.stream, group.n);
      else eviction.ackedRows += group.n;
    }
    deleteAged.run(cutoffMs);
    countDrops(eviction.dropped);
    return eviction;
  };

  return { evictBytes, evictOlderThan };
}
