/**
 * Cross-field rules a JSON Schema cannot state, thrown as DecodeError so the ingest refuses the message
 * with the offending field named (ARCHITECTURE §4).
 */
import { DecodeError } from '../../src/ingest/profile.js';

/**
 * Each item's `key` must differ from every other's. Lists are short (≤ 64 lanes, ≤ 512 people), so a
 * nested loop beats allocating a Set per message on the hot path until a list grows past 32 items.
 */
export function assertUnique<K extends string, T extends { [key in K]: string | number }>(
  items: readonly T[],
  key: K,
  listName: string,
): void {
  if (items.length > 32) {
    const seen = new Set<string | number>();
    for (let i = 0; i < items.length; i++) {
      const value = (items[i] as T)[key];
      if (seen.has(value)) throw duplicate(listName, i, key, value);
      seen.add(value);
    }
    return;
  }
  for (let i = 1; i < items.length; i++) {
    const value = (items[i] as T)[key];
    for (let j = 0; j < i; j++) {
      if ((items[j] as T)[key] === value) throw duplicate(listName, i, key, value);
    }
  }
}

function duplicate(listName: string, index: number, key: string, value: string | number): DecodeError {
  const field = `${listName}[${index}].${key}`;
  return new DecodeError('schema', field, `${field} repeats ${JSON.stringify(value)}; each ${key} may appear once`);
}
