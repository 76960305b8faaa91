/**
 * Strict JSON (issue 8 point 3), checked after JSON.parse has accepted the text:
 *
 * - **Duplicate keys** are refused (`duplicate_key`, naming the key and where). JSON.parse keeps the
 *   last of `{"ts":1,"ts":2}`, another parser the first, so a payload could say one thing to the
 *   gateway and another to whoever reads the dead letter or the device's own log (RFC 8259 §4: names
 *   "SHOULD be unique"; I-JSON, RFC 7493 §2.3, makes it MUST).
 * - **Control characters** (Unicode Cc: U+0000–U+001F, U+007F–U+009F) in any string, key or value,
 *   are refused (`control_char`): no field of any device profile is meant to hold them, and a NUL or an
 *   escape sequence in a `firmware` string reaches logs, CSV exports and the dashboard.
 *
 * Cost on the hot path (ARCHITECTURE §10, ≥ 20,000 readings/s): a valid payload pays two native scans
 * and a walk of the parsed value, never a second parse. Duplicates: JSON.parse collapses each duplicate
 * into one property, so the text's colons (one per key, plus any inside strings) equal the parsed
 * value's property count exactly when there is neither a duplicate nor a colon inside a string; only
 * when they differ does a tokenizer look for the duplicate. Control characters: raw C0 characters
 * cannot be in valid JSON strings, so a parsed string can hold one only through a `\` escape, or a raw
 * DEL/C1 character; only a text with one of those is walked.
 */

export interface StrictJsonProblem {
  reason: 'duplicate_key' | 'control_char';
  detail: string;
}

const MAY_HOLD_CONTROL = /[\\\u007f-\u009f]/;
const CONTROL = /\p{Cc}/u;

/** The first strictness problem of `text`, which JSON.parse turned into `value`; undefined when none. */
export function strictJsonProblem(text: string, value: unknown): StrictJsonProblem | undefined {
  let colons = 0;
  for (let at = text.indexOf(':'); at !== -1; at = text.indexOf(':', at + 1)) colons++;
  if (colons !== propertyCount(value)) {
    const duplicate = findDuplicateKey(text);
    if (duplicate !== undefined) return duplicate;
  }
  if (MAY_HOLD_CONTROL.test(text)) return findControlCharacter(value, '');
  return undefined;
}

/** Own properties of every object in a parsed JSON value. */
function propertyCount(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let count = 0;
  if (Array.isArray(value)) {
    for (const item of value) count += propertyCount(item);
    return count;
  }
  for (const key in value) count += 1 + propertyCount((value as Record<string, unknown>)[key]);
  return count;
}

/** Path of a field in refusal details, as the schema errors write it: `lanes[0].grams`. */
const child = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

interface Container {
  /** Keys seen so far; undefined for an array. */
  keys: Set<string> | undefined;
  path: string;
  /** The current key of an object, the current index of an array. */
  key: string;
  index: number;
}

/** Walks valid JSON text token by token; the first key that repeats within its object. */
function findDuplicateKey(text: string): StrictJsonProblem | undefined {
  const stack: Container[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const top = stack[stack.length - 1];
    if (c === 0x22 /* " */) {
      let end = i + 1;
      while (text.charCodeAt(end) !== 0x22) end += text.charCodeAt(end) === 0x5c /* \ */ ? 2 : 1;
      if (expectKey && top?.keys !== undefined) {
        // Decoded, so "t\u0073" and "ts" are the same key, as they are to JSON.parse.
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (top.keys.has(key)) {
          const where = top.path === '' ? 'the payload object' : top.path;
          return { reason: 'duplicate_key', detail: `key ${JSON.stringify(key)} appears twice in ${where}` };
        }
        top.keys.add(key);
        top.key = key;
        expectKey = false;
      }
      i = end;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      const path =
        top === undefined ? '' : top.keys === undefined ? `${top.path}[${top.index}]` : child(top.path, top.key);
      stack.push({ keys: c === 0x7b ? new Set() : undefined, path, key: '', index: 0 });
      expectKey = c === 0x7b;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */ && top !== undefined) {
      if (top.keys === undefined) top.index++;
      else expectKey = true;
    }
  }
  return undefined;
}

/** The first string (key or value) holding a control character, named by its path. */
function findControlCharacter(value: unknown, path: string): StrictJsonProblem | undefined {
  if (typeof value === 'string') {
    const at = value.search(CONTROL);
    if (at < 0) return undefined;
    const code = (value.codePointAt(at) ?? 0).toString(16).toUpperCase().padStart(4, '0');
    const field = path === '' ? 'the payload' : path;
    return {
      reason: 'control_char',
      detail: `${field} must not hold control characters, got U+${code} at index ${at}`,
    };
  }
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = findControlCharacter(value[i], `${path}[${i}]`);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
  for (const key in value) {
    if (CONTROL.test(key)) {
      const where = path === '' ? 'the payload object' : path;
      return { reason: 'control_char', detail: `a key in ${where} holds control characters: ${JSON.stringify(key)}` };
    }
    const problem = findControlCharacter((value as Record<string, unknown>)[key], child(path, key));
    if (problem !== undefined) return problem;
  }
  return undefined;
}
