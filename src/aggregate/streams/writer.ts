/**
 * Writes one closed raw bin of a declared stream, in ONE transaction with what it changes at the coarser
 * levels (ARCHITECTURE §6: nothing per reading; a bin commits whole or not at all), and stages its
 * uplink record — or those of the periods it closes, for a stream uplinked per period — in the same
 * transaction (uplink.ts, staged-revisions.ts).
 *
 * - The bin's rows replace what was stored for it: rows of keys no longer written are deleted, so a
 *   restart that re-closes a bin is harmless and the rewrite is idempotent.
 * - Roll-ups (15 min, hour, store day: levels.ts) are stored when their period closes (periods.ts);
 *   a late bin in a closed period recomputes there only the keys it touched (the keys stored before ∪
 *   the keys written now): other keys' roll-ups cannot have changed.
 * - A bin too old to roll up (retention.ts) is refused: writing it would shrink its coarse bins.
 */
import type { BinLevels } from '../levels.js';
import type { Retention } from '../retention.js';
import type { StagedRevisions } from '../staged-revisions.js';
import type { CompiledStream } from './declaration.js';
import { encodeValues, type StoredValues } from './measures.js';
import { closePeriods, isClosed, rebuild } from './periods.js';
import type { StreamStatements } from './statements.js';
import { UplinkStager } from './uplink.js';

/** What a started StreamStore lends its streams. */
export interface StreamRuntime {
  sql: StreamStatements;
  levels: BinLevels;
  retention: Retention;
  /** Present when the store has an outbox: uplink records are staged. */
  revisions: StagedRevisions<string> | null;
  k: number;
  now(): number;
}

export interface BinWriteResult {
  bin_start_ms: number;
  written: boolean;
  reason?: 'expired';
  /** Rows inserted, changed or deleted at every level (unchanged rows are not written). */
  rows_changed: number;
  /** A new uplink revision (or retraction) was staged. */
  staged: boolean;
}

export function writeBin(
  runtime: StreamRuntime,
  stream: CompiledStream,
  id: number,
  startMs: number,
  rows: ReadonlyMap<string, StoredValues>,
): BinWriteResult {
  const { sql, levels, retention, revisions } = runtime;
  const rollUps = levels.rollUpsOf(startMs);
  if (retention.tooLate(levels.raw, startMs, rollUps, runtime.now())) {
    return { bin_start_ms: startMs, written: false, reason: 'expired', rows_changed: 0, staged: false };
  }
  return sql.db.transaction(() => {
    const raw = levels.raw.key;
    const before = sql.keys(id, raw, startMs);
    const gone = before.filter((key) => !rows.has(key));
    let changed = sql.remove(id, raw, startMs, gone);
    for (const [key, values] of rows)
      changed += sql.upsert(id, raw, startMs, key, encodeValues(stream.measures, values));
    const uplink = new UplinkStager(revisions, stream, levels, runtime.k);
    const scope = { sql, levels, measures: stream.measures, id, stored: uplink.stage.bind(uplink) };
    // Close first: a bin past the open periods moves them on (a stream's first bin opens them).
    changed += closePeriods(scope, startMs);
    const marks = sql.marks(id);
    const touched = [...new Set([...before, ...rows.keys()])];
    for (const { level, period } of rollUps) {
      if (isClosed(marks, level, period, levels.raw)) changed += rebuild(scope, level, period, touched);
    }
    uplink.stage(levels.raw, startMs, () => rows);
    const staged = uplink.staged;
    return { bin_start_ms: startMs, written: true, rows_changed: changed, staged };
  })();
}
