/**
 * The uplink record of one bin of a declared stream (ARCHITECTURE §7), on the declaration's outbox
 * stream: a raw bin, or a 15-minute or hour period with `uplinkEvery`. One record per bin holds all its
 * rows, as the path streams do: a bin written again with other
 * figures is staged as `revision + 1` holding the bin's rows as they are now, so a row that disappeared
 * is retracted by its absence (the cloud keeps the highest revision per type and bin, replacing the
 * bin's rows), and a bin left with no rows at all is staged `{ …, retracted: true }`.
 *
 *   { type: <declaration name>, bin_start, bin_s, revision, k_anonymity?,
 *     rows: [{ dims: { <dimension>: value | null }, values: { <measure>: n | { count, p50, p90, hist } },
 *              folded?: n }] }
 *
 * `type` tells apart declarations sharing an outbox stream (and the outbox's own drop reports on
 * `alerts`). k-anonymity (§5 "Privacy"): with `kAnonymity` declared, rows whose count is below
 * `analysis.k_anonymity` have that dimension set to null and are merged (merge kinds) into one row per
 * remaining dimensions; `folded` says how many rows went in. Store-level figures only.
 */
import type { BinLevels, Level } from '../levels.js';
import type { StagedRevisions } from '../staged-revisions.js';
import type { CompiledStream } from './declaration.js';
import { mergeValues, presentValues, type StoredValues } from './measures.js';
import { dimsOf } from './records.js';

export interface StreamUplinkHead {
  type: string;
  bin_start: string;
  bin_s: number;
  revision: number;
}

/** The outbox source key of a record: type, bin and revision name it within its stream for ever. */
export function streamSourceKey(record: StreamUplinkHead): string {
  return `${record.type}/${record.bin_start}/${record.bin_s}/r${record.revision}`;
}

export function retractionOf(stream: CompiledStream, startMs: number, binS: number): object {
  return { type: stream.name, bin_start: new Date(startMs).toISOString(), bin_s: binS, retracted: true };
}

/** The record of a bin (without `revision`), or undefined for a bin without rows. */
export function uplinkBody(
  stream: CompiledStream,
  startMs: number,
  binS: number,
  rows: ReadonlyMap<string, StoredValues>,
  k: number,
): object | undefined {
  if (rows.size === 0) return undefined;
  const keys = [...rows.keys()].sort();
  const out: object[] = [];
  const folded = new Map<string, { dims: Record<string, string | null>; values: StoredValues; folded: number }>();
  for (const key of keys) {
    const values = rows.get(key) as StoredValues;
    const dims: Record<string, string | null> = dimsOf(stream, key);
    const fold = stream.fold;
    if (fold === null || (values[fold.count] as number) >= k) {
      out.push({ dims, values: presentValues(stream.measures, values) });
      continue;
    }
    dims[stream.dimensions[fold.dimension] as string] = null;
    const group = JSON.stringify(dims);
    const into = folded.get(group);
    const copy = structuredClone(values);
    if (into === undefined) folded.set(group, { dims, values: copy, folded: 1 });
    else {
      into.values = mergeValues(stream.measures, into.values, copy);
      into.folded += 1;
    }
  }
  for (const { dims, values, folded: n } of folded.values()) {
    out.push({ dims, values: presentValues(stream.measures, values), folded: n });
  }
  const head = { type: stream.name, bin_start: new Date(startMs).toISOString(), bin_s: binS };
  return stream.fold === null ? { ...head, rows: out } : { ...head, k_anonymity: k, rows: out };
}

/**
 * Stages a stream's records at its uplink level (`uplinkEvery`): the raw level gets one per bin
 * written (writer.ts), a coarser one one per period stored — when it closes or a late bin changes it
 * (periods.ts). Remembers whether anything was staged, so the caller knows to flush.
 */
export class UplinkStager {
  staged = false;
  private readonly level: Level | undefined;

  constructor(
    private readonly revisions: StagedRevisions<string> | null,
    private readonly stream: CompiledStream,
    levels: BinLevels,
    private readonly k: number,
  ) {
    this.level = stream.uplinkEvery === 'bin' ? levels.raw : levels.level(stream.uplinkEvery);
  }

  /** Stages the record of the bin of `level` at `startMs` unless `level` is not the uplink level. */
  stage(level: Level, startMs: number, rows: () => ReadonlyMap<string, StoredValues>): void {
    if (this.revisions === null || this.stream.uplink === null || level !== this.level) return;
    const binS = level.key;
    const body = uplinkBody(this.stream, startMs, binS, rows(), this.k);
    const staged = this.revisions.stage(this.stream.name, startMs, body, () =>
      retractionOf(this.stream, startMs, binS),
    );
    this.staged ||= staged;
  }
}
