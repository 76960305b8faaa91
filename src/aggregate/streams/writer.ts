/**
 * Writes one closed raw bin of a declared stream and recomputes every roll-up holding it, in ONE
 * transaction (ARCHITECTURE §6: nothing per reading; a bin commits whole or not at all), then stages its
 * uplink record in the same transaction (staged-revisions.ts).
 *
 * - The bin's rows replace what was stored for it: rows of keys no longer written are deleted, so a
 *   restart that re-closes a bin is harmless and the rewrite is idempotent.
 * - Roll-ups (15 min, hour, store day: levels.ts) are recomputed only for the keys this write touched
 *   (the keys stored before ∪ the keys written now): other keys' roll-ups cannot have changed, and a
 *   stream with many keys of which few move per bin writes only those.
 * - A bin too old to roll up (retention.ts) is refused: writing it would shrink its coarse bins.
 */
import type { BinLevels, RollUp } from '../levels.js';
import type { Retention } from '../retention.js';
import type { StagedRevisions } from '../staged-revisions.js';
import type { CompiledStream } from './declaration.js';
import { decodeValues, encodeValues, mergeValues, type StoredValues } from './measures.js';
import type { StreamStatements } from './statements.js';
import { retractionOf, uplinkBody } from './uplink.js';

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
    let changed = sql.remove(
      id,
      raw,
      startMs,
      before.filter((key) => !rows.has(key)),
    );
    for (const [key, values] of rows)
      changed += sql.upsert(id, raw, startMs, key, encodeValues(stream.measures, values));
    const touched = [...new Set([...before, ...rows.keys()])];
    for (const rollUp of rollUps) changed += rollUpKeys(sql, stream, id, rollUp, touched);
    let staged = false;
    if (revisions !== null && stream.uplink !== null) {
      const body = uplinkBody(stream, startMs, levels.binS, rows, runtime.k);
      staged = revisions.stage(stream.name, startMs, body, () => retractionOf(stream, startMs, levels.binS));
    }
    return { bin_start_ms: startMs, written: true, rows_changed: changed, staged };
  })();
}

/** Rebuilds the rows of `touched` keys in one roll-up bin from its source level; returns rows changed. */
function rollUpKeys(
  sql: StreamStatements,
  stream: CompiledStream,
  id: number,
  { level, period, source }: RollUp,
  touched: readonly string[],
): number {
  const merged = new Map<string, StoredValues>();
  // By key, then time: `last` takes the latest bin's value.
  for (const row of sql.sources(id, source.key, period.start, period.end, touched)) {
    merged.set(row.dims, mergeValues(stream.measures, merged.get(row.dims), decodeValues(row.measures)));
  }
  const gone = touched.filter((key) => !merged.has(key));
  let changed = sql.remove(id, level.key, period.start, gone);
  for (const [key, values] of merged) {
    changed += sql.upsert(id, level.key, period.start, key, encodeValues(stream.measures, values));
  }
  return changed;
}
