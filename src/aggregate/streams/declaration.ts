/**
 * A stream declaration: what a part (shelf, till, signage, alerts…) writes to say which figures it
 * keeps per bin, and how each rolls up. The store derives tables, roll-ups, queries, k-anonymity and
 * uplink records from it (README "Declared streams"); a part writes no SQL.
 *
 *   declareStream({ name: 'shelf_lane', uplink: 'shelf', dimensions: ['sku', 'lane'],
 *     measures: { pickups: 'sum', items_min: 'min', items_end: 'last', dwell_s: 'distribution' } })
 *
 * Merge kinds (how two bins of one dimension key combine, in roll-ups):
 * - `sum` adds; `min` / `max` keep the smallest / largest; `last` keeps the value of the latest bin
 *   holding that key (a key absent from later bins keeps its value: a stock level stays put);
 * - `distribution` takes the bin's samples and keeps a mergeable histogram of them rounded to
 *   `decimals` (default 1), so p50/p90 are nearest-rank within ½·10^-decimals (dwell-histogram.ts).
 */
import { isOutboxStream, type OutboxStream } from '../../store/outbox/streams.js';

export const MERGE_KINDS = ['sum', 'min', 'max', 'last', 'distribution'] as const;
export type MergeKind = (typeof MERGE_KINDS)[number];
export type MeasureSpec = MergeKind | { kind: 'distribution'; decimals: number };
export const UPLINK_EVERY = ['bin', '15min', 'hour'] as const;
export type UplinkEvery = (typeof UPLINK_EVERY)[number];

export interface StreamDeclaration {
  /** Unique per gateway, stable for ever: rows are stored under it. `[a-z][a-z0-9_]*`, ≤ 40. */
  name: string;
  /** The outbox stream its records travel on (ARCHITECTURE §7); none: kept locally only. */
  uplink?: OutboxStream;
  /**
   * One uplink record per raw bin (`bin`, the default) or per 15-minute or hour period, staged when
   * the period closes (periods.ts): fewer, larger records, far fewer outbox writes (README "Measured").
   */
  uplinkEvery?: UplinkEvery;
  /** What a row is per: each record names one string value per dimension (none: one row per bin). */
  dimensions: readonly string[];
  measures: Readonly<Record<string, MeasureSpec>>;
  /**
   * §5 "Privacy": in each uplinked bin, rows whose `count` measure (a sum) is below
   * `analysis.k_anonymity` get `dimension` replaced by null and are merged into one row per remaining
   * dimensions, with `folded` saying how many values went in.
   */
  kAnonymity?: { dimension: string; count: string };
}

export interface Measure {
  name: string;
  kind: MergeKind;
  /** Distributions only: values are kept rounded to this many decimals. */
  decimals: number;
}

/** A checked declaration with positions resolved; `layout` is what the stored rows' shape depends on. */
export interface CompiledStream {
  name: string;
  uplink: OutboxStream | null;
  uplinkEvery: UplinkEvery;
  dimensions: readonly string[];
  measures: readonly Measure[];
  fold: { dimension: number; count: number } | null;
  layout: string;
  /** The declaration as JSON: stored, so housekeeping can close and stage a stream not declared yet. */
  source: string;
}

const NAME = /^[a-z][a-z0-9_]{0,39}$/;
const MAX_DIMENSIONS = 8;
const MAX_MEASURES = 64;

export class DeclarationError extends Error {
  constructor(stream: unknown, field: string, why: string) {
    super(`stream declaration ${typeof stream === 'string' ? JSON.stringify(stream) : '(no name)'}: ${field} ${why}`);
    this.name = 'DeclarationError';
  }
}

/** Checks a declaration and resolves it; throws a DeclarationError naming the field. */
export function compileStream(declaration: StreamDeclaration): CompiledStream {
  const { name, uplink, uplinkEvery = 'bin', dimensions, measures, kAnonymity } = declaration;
  const fail = (field: string, why: string) => new DeclarationError(name, field, why);
  if (typeof name !== 'string' || !NAME.test(name)) throw fail('name', 'must match [a-z][a-z0-9_]* (≤ 40)');
  if (uplink !== undefined && !isOutboxStream(uplink))
    throw fail('uplink', `${String(uplink)} is not an outbox stream`);
  if (!UPLINK_EVERY.includes(uplinkEvery)) throw fail('uplinkEvery', `must be one of ${UPLINK_EVERY.join(', ')}`);
  if (!Array.isArray(dimensions) || dimensions.length > MAX_DIMENSIONS) {
    throw fail('dimensions', `must be an array of at most ${MAX_DIMENSIONS} names`);
  }
  const entries = typeof measures === 'object' && measures !== null ? Object.entries(measures) : [];
  if (entries.length === 0 || entries.length > MAX_MEASURES) {
    throw fail('measures', `must name 1 to ${MAX_MEASURES} measures`);
  }
  const seen = new Set<string>();
  for (const [field, id] of [
    ...dimensions.map((d, i) => [`dimensions[${i}]`, d]),
    ...entries.map(([m]) => [`measures.${m}`, m]),
  ]) {
    if (typeof id !== 'string' || !NAME.test(id)) throw fail(String(field), 'must match [a-z][a-z0-9_]* (≤ 40)');
    if (seen.has(id))
      throw fail(String(field), `repeats the name ${id}: dimension and measure names are one namespace`);
    seen.add(id);
  }
  const compiled = entries.map(([measure, spec]) => measureOf(measure, spec, fail));
  return {
    name,
    uplink: uplink ?? null,
    uplinkEvery,
    dimensions: [...dimensions],
    measures: compiled,
    fold: kAnonymity === undefined ? null : foldOf(kAnonymity, dimensions, compiled, fail),
    layout: JSON.stringify({ dimensions, measures: compiled.map((m) => [m.name, m.kind, m.decimals]) }),
    source: JSON.stringify(declaration),
  };
}

type Fail = (field: string, why: string) => Error;

function measureOf(name: string, spec: MeasureSpec, fail: Fail): Measure {
  if (typeof spec === 'string' && (MERGE_KINDS as readonly string[]).includes(spec)) {
    return { name, kind: spec, decimals: spec === 'distribution' ? 1 : 0 };
  }
  if (typeof spec === 'object' && spec !== null && spec.kind === 'distribution') {
    const { decimals } = spec;
    if (!Number.isInteger(decimals) || decimals < 0 || decimals > 6) {
      throw fail(`measures.${name}.decimals`, 'must be an integer from 0 to 6');
    }
    return { name, kind: 'distribution', decimals };
  }
  throw fail(`measures.${name}`, `must be one of ${MERGE_KINDS.join(', ')} or { kind: 'distribution', decimals }`);
}

function foldOf(
  k: NonNullable<StreamDeclaration['kAnonymity']>,
  dimensions: readonly string[],
  measures: readonly Measure[],
  fail: Fail,
): CompiledStream['fold'] {
  const dimension = dimensions.indexOf(k.dimension);
  if (dimension < 0) throw fail('kAnonymity.dimension', `${String(k.dimension)} is not one of its dimensions`);
  const count = measures.findIndex((m) => m.name === k.count);
  if (count < 0 || measures[count]?.kind !== 'sum') {
    throw fail('kAnonymity.count', `${String(k.count)} must name one of its sum measures`);
  }
  return { dimension, count };
}

/** The measures a stored layout names: enough to merge a stream's rows without its declaration. */
export function measuresOfLayout(layout: string): Measure[] {
  const { measures } = JSON.parse(layout) as { measures: [string, MergeKind, number][] };
  return measures.map(([name, kind, decimals]) => ({ name, kind, decimals }));
}
