/**
 * Reading a declared stream back: one resolution, bins starting in [from, to), optional dimension
 * filters, ordered by (bin start, dimensions) and paged SQL-side with a keyset cursor — a page costs
 * the rows it returns (plus the rows its filters skip), whatever page of the range it is, so an HQ
 * route can serve `next` links without reading the range before it.
 */
import type { Resolution } from '../levels.js';
import { RESOLUTIONS } from '../levels.js';
import type { CompiledStream } from './declaration.js';
import { decodeValues, encodeValues, type MeasureOutput, presentValues, type StoredValues } from './measures.js';
import { periodRows } from './periods.js';
import { dimsOf, StreamInputError } from './records.js';
import type { StoredRow } from './schema.js';
import type { StreamRuntime } from './writer.js';

export interface StreamQuery {
  /** `raw` is the level of `analysis.bin_s` (the same as `minute` when bin_s is 60). */
  resolution: Resolution | 'raw';
  fromMs: number;
  toMs: number;
  /** Per dimension, the values to keep (absent: all). */
  where?: Readonly<Record<string, readonly string[]>>;
  /** Rows per page: default 1000, at most 10,000. */
  limit?: number;
  /** The `next` of the previous page. */
  after?: string;
}

export interface StreamQueryRow {
  bin_start_ms: number;
  /** The bin's end: a store day is 23–25 h long around DST changes. */
  bin_end_ms: number;
  dims: Record<string, string>;
  values: Record<string, MeasureOutput>;
}

export interface StreamPage {
  rows: StreamQueryRow[];
  /** Cursor for the next page, or null when this page ends the range. */
  next: string | null;
}

const DEFAULT_LIMIT = 1000;
const MAX_LIMIT = 10_000;

export function queryStream(runtime: StreamRuntime, stream: CompiledStream, id: number, query: StreamQuery) {
  const { levels, sql } = runtime;
  const fail = (field: string, why: string) => new StreamInputError(`${stream.name} query ${field}`, why);
  const level = query.resolution === 'raw' ? levels.raw : levels.level(query.resolution);
  if (level === undefined) {
    const known = ['raw', ...RESOLUTIONS].join(', ');
    const why = (RESOLUTIONS as readonly string[]).includes(query.resolution)
      ? `is finer than analysis.bin_s (${levels.binS} s)`
      : `must be one of ${known}`;
    throw fail('resolution', `${String(query.resolution)} ${why}`);
  }
  for (const field of ['fromMs', 'toMs'] as const) {
    if (!Number.isSafeInteger(query[field])) throw fail(field, 'must be an epoch ms');
  }
  const limit = query.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw fail('limit', `must be 1 to ${MAX_LIMIT}`);
  const [afterStart, afterKey] = query.after === undefined ? [query.fromMs - 1, ''] : readCursor(query.after, fail);
  const filters = filtersOf(stream, query.where, fail);
  // Closed periods are stored rows, paged in SQL; the one open period (if in range) comes last.
  const marks = sql.marks(id);
  const open = level === levels.raw ? undefined : marks.get(level.key);
  const storedTo = open === undefined ? query.toMs : Math.min(query.toMs, open);
  const rows: StoredRow[] =
    afterStart < storedTo
      ? sql.page({
          id,
          res: level.key,
          from: query.fromMs,
          to: storedTo,
          afterStart,
          afterKey,
          filters,
          limit: limit + 1,
        })
      : [];
  if (rows.length <= limit && open !== undefined && open >= query.fromMs && open < query.toMs) {
    const scope = { sql, levels, measures: stream.measures, id };
    const computed = periodRows(scope, marks, level, levels.periodOf(level, open));
    const keep = (key: string) => (open > afterStart || key > afterKey) && matches(stream, query.where, key);
    for (const key of [...computed.keys()]
      .filter(keep)
      .sort()
      .slice(0, limit + 1 - rows.length)) {
      rows.push({
        start_ms: open,
        dims: key,
        measures: encodeValues(stream.measures, computed.get(key) as StoredValues),
      });
    }
  }
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  return {
    rows: page.map((row) => ({
      bin_start_ms: row.start_ms,
      bin_end_ms: levels.periodOf(level, row.start_ms).end,
      dims: dimsOf(stream, row.dims),
      values: presentValues(stream.measures, decodeValues(row.measures)),
    })),
    next: more && last ? cursorOf(last.start_ms, last.dims) : null,
  } satisfies StreamPage;
}

function matches(stream: CompiledStream, where: StreamQuery['where'], key: string): boolean {
  const dims = dimsOf(stream, key);
  return Object.entries(where ?? {}).every(([name, values]) => values.includes(dims[name] as string));
}

type Fail = (field: string, why: string) => Error;

function filtersOf(stream: CompiledStream, where: StreamQuery['where'], fail: Fail): string | null {
  if (where === undefined) return null;
  for (const [name, values] of Object.entries(where)) {
    if (!stream.dimensions.includes(name)) throw fail(`where.${name}`, `is not a dimension of ${stream.name}`);
    if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) {
      throw fail(`where.${name}`, 'must be an array of strings');
    }
  }
  return JSON.stringify(stream.dimensions.map((d) => where[d] ?? null));
}

function cursorOf(startMs: number, key: string): string {
  return Buffer.from(JSON.stringify([startMs, key])).toString('base64url');
}

function readCursor(text: string, fail: Fail): [number, string] {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && Number.isSafeInteger(value[0]) && typeof value[1] === 'string') {
      return [value[0] as number, value[1]];
    }
  } catch {
    // Not JSON: refused below like any other text that is not a cursor.
  }
  throw fail('after', 'is not a cursor a previous page returned');
}
