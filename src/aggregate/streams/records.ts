/**
 * Rows a part writes for its closed bins, checked before anything is stored: a NaN or a misaligned bin
 * in SQLite would poison every roll-up and uplink record after it, so it is refused with an error that
 * names the stream, the record and the field. A write is checked whole before any bin of it is stored.
 *
 * Dimension values are strings of 1–128 characters without control characters; a row's dimension
 * key is its values in declaration order joined by U+001F, which sorts like the tuple (U+001F is below
 * every character allowed), so ordering by key is ordering by (dim 1, dim 2, …).
 */
import type { CompiledStream } from './declaration.js';
import type { MeasureInput, StoredValues } from './measures.js';
import { storedValuesOf } from './measures.js';

export interface StreamRow {
  dims: Readonly<Record<string, string>>;
  values: Readonly<Record<string, MeasureInput>>;
}

/** One row of one closed raw bin (`analysis.bin_s` long, UTC-aligned). */
export interface StreamRecord extends StreamRow {
  bin_start_ms: number;
}

/** A record or query refused: `field` names what is wrong (an HTTP route answers 400 with it). */
export class StreamInputError extends Error {
  constructor(
    readonly field: string,
    why: string,
  ) {
    super(`${field} ${why}`);
    this.name = 'StreamInputError';
  }
}

const SEPARATOR = '\u001f';
const MAX_VALUE_LENGTH = 128;
const MAX_SAMPLES = 100_000;

export function keyOf(stream: CompiledStream, dims: Readonly<Record<string, string>>): string {
  return stream.dimensions.map((d) => dims[d]).join(SEPARATOR);
}

export function dimsOf(stream: CompiledStream, key: string): Record<string, string> {
  const parts = key.split(SEPARATOR);
  return Object.fromEntries(stream.dimensions.map((d, i) => [d, parts[i] as string]));
}

/** The position of dimension `index` in a key, for SQL-side filters (statements.ts). */
export function dimensionOfKey(key: string, index: number): string | null {
  return key.split(SEPARATOR)[index] ?? null;
}

/**
 * Checks the rows of one bin (`at(i)` names row i in errors, e.g. `shelf: records[7]`); returns their
 * stored values by dimension key.
 */
export function checkRows(stream: CompiledStream, rows: readonly StreamRow[], at: (i: number) => string) {
  const byKey = new Map<string, { index: number; values: StoredValues }>();
  rows.forEach((row, i) => {
    const field = at(i);
    if (typeof row !== 'object' || row === null) throw new StreamInputError(field, 'must be an object');
    checkDims(stream, row.dims, `${field}.dims`);
    checkValues(stream, row.values, `${field}.values`);
    const key = keyOf(stream, row.dims);
    const first = byKey.get(key);
    if (first !== undefined) {
      throw new StreamInputError(`${field}.dims`, `repeats the dimensions of ${at(first.index)} in the same bin`);
    }
    byKey.set(key, { index: i, values: storedValuesOf(stream.measures, row.values) });
  });
  return new Map([...byKey].map(([key, { values }]) => [key, values]));
}

export function checkBinStart(startMs: unknown, binS: number, field: string): number {
  if (!Number.isSafeInteger(startMs) || (startMs as number) < 0 || (startMs as number) % (binS * 1000) !== 0) {
    throw new StreamInputError(
      field,
      `(${String(startMs)}) must be an epoch ms on a ${binS} s boundary (analysis.bin_s)`,
    );
  }
  return startMs as number;
}

function checkDims(stream: CompiledStream, dims: unknown, field: string): void {
  if (typeof dims !== 'object' || dims === null) throw new StreamInputError(field, 'must be an object');
  for (const name of Object.keys(dims)) {
    if (!stream.dimensions.includes(name)) {
      throw new StreamInputError(
        `${field}.${name}`,
        `is not a dimension of ${stream.name} (${stream.dimensions.join(', ') || 'none'})`,
      );
    }
  }
  for (const name of stream.dimensions) {
    const value = (dims as Record<string, unknown>)[name];
    if (value === undefined) throw new StreamInputError(`${field}.${name}`, 'is missing');
    if (typeof value !== 'string' || value.length === 0 || value.length > MAX_VALUE_LENGTH || hasControl(value)) {
      throw new StreamInputError(
        `${field}.${name}`,
        `must be a string of 1-${MAX_VALUE_LENGTH} characters without control characters, got ${JSON.stringify(value)}`,
      );
    }
  }
}

function checkValues(stream: CompiledStream, values: unknown, field: string): void {
  if (typeof values !== 'object' || values === null) throw new StreamInputError(field, 'must be an object');
  for (const name of Object.keys(values)) {
    if (!stream.measures.some((m) => m.name === name)) {
      throw new StreamInputError(`${field}.${name}`, `is not a measure of ${stream.name}`);
    }
  }
  for (const m of stream.measures) {
    const value = (values as Record<string, unknown>)[m.name];
    const at = `${field}.${m.name}`;
    if (value === undefined) throw new StreamInputError(at, 'is missing');
    if (m.kind !== 'distribution') {
      if (!isFiniteNumber(value)) throw new StreamInputError(at, `must be a finite number, got ${String(value)}`);
      continue;
    }
    if (!Array.isArray(value) || value.length > MAX_SAMPLES) {
      throw new StreamInputError(at, `must be an array of at most ${MAX_SAMPLES} samples (a distribution)`);
    }
    const limit = Number.MAX_SAFE_INTEGER / 10 ** m.decimals;
    value.forEach((sample: unknown, i) => {
      if (!isFiniteNumber(sample) || Math.abs(sample) > limit) {
        throw new StreamInputError(`${at}[${i}]`, `must be a finite number within ±${limit}, got ${String(sample)}`);
      }
    });
  }
}

function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
