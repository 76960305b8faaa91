/**
 * Ajv's errors ("must NOT have additional properties", "must be <= 65535") rewritten as sentences an
 * installer can act on, each with the key path it concerns and whether it points at the key or its value.
 */
import type { ErrorObject } from 'ajv';
import { DEVICE_KIND_PATTERN } from '../registry/ids.js';
import type { ConfigPath } from './problems.js';

export interface SchemaFault {
  path: ConfigPath;
  reason: string;
  /** Unknown keys are pointed at by their key; everything else by its value. */
  at: 'key' | 'value';
}

type Schema = Record<string, unknown>;

// The patterns in schema.ts, said in words. A pattern not listed here is shown as the regular expression.
const PATTERN_WORDS: Record<string, string> = {
  '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$':
    'must start with a letter or digit and contain only letters, digits, ".", "_" and "-" (at most 64)',
  [DEVICE_KIND_PATTERN.source]:
    'must start with a lower-case letter and contain only lower-case letters, digits and "_" (at most 32)',
  '^[^/+#]+$': 'must not contain "/", "+" or "#"',
  '^/': 'must start with "/"',
  '^(mqtt|mqtts|ws|wss)://': 'must be a URL starting with mqtt://, mqtts://, ws:// or wss://',
  '^https?://': 'must be a URL starting with http:// or https://',
};

const TYPE_WORDS: Record<string, string> = {
  integer: 'must be an integer',
  number: 'must be a number',
  string: 'must be a string',
  boolean: 'must be true or false',
  array: 'must be a list',
  object: 'must be a mapping',
  null: 'must be empty',
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Converts a JSON pointer into a key path, reading `data` to tell list indices from keys. */
export function pointerToPath(pointer: string, data: unknown): (string | number)[] {
  if (pointer === '') return [];
  const path: (string | number)[] = [];
  let current = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const segment = Array.isArray(current) && /^\d+$/.test(key) ? Number(key) : key;
    path.push(segment);
    current = current !== null && typeof current === 'object' ? (current as Record<string, unknown>)[key] : undefined;
  }
  return path;
}

/** `[x, y]` for a floor point, `[u, v]` for an image point (the tuple descriptions start with it). */
function tupleWords(schema: Schema): string | undefined {
  if (!Array.isArray(schema.items)) return undefined;
  const shape = typeof schema.description === 'string' ? /^\[[^\]]+\]/.exec(schema.description)?.[0] : undefined;
  return `must be a pair of numbers ${shape ?? `of ${schema.items.length} items`}`;
}

function allConst(branches: unknown): unknown[] | undefined {
  if (!Array.isArray(branches)) return undefined;
  const values = branches.map((branch) => (branch as Schema).const);
  return values.every((value) => value !== undefined) ? values : undefined;
}

function reasonFor(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const limit = params.limit as number;
  switch (error.keyword) {
    case 'type':
      return TYPE_WORDS[String(params.type)] ?? `must be of type ${String(params.type)}`;
    case 'minimum':
      return `must be at least ${limit}`;
    case 'maximum':
      return `must be at most ${limit}`;
    case 'exclusiveMinimum':
      return `must be greater than ${limit}`;
    case 'exclusiveMaximum':
      return `must be less than ${limit}`;
    case 'minLength':
      return limit === 1 ? 'must not be empty' : `must be at least ${plural(limit, 'character')} long`;
    case 'maxLength':
      return `must be at most ${plural(limit, 'character')} long`;
    case 'minItems':
      return `must have at least ${plural(limit, 'item')}`;
    case 'maxItems':
    case 'additionalItems':
      return `must have at most ${plural(limit, 'item')}`;
    case 'pattern':
      return PATTERN_WORDS[String(params.pattern)] ?? `must match the pattern /${String(params.pattern)}/`;
    case 'const':
      return `must be ${JSON.stringify(params.allowedValue)}`;
    case 'enum':
      return `must be one of: ${(params.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'anyOf': {
      const values = allConst(error.schema);
      return values ? `must be one of: ${values.map(String).join(', ')}` : 'does not match any of the allowed forms';
    }
    default:
      return error.message ?? `fails the ${error.keyword} rule`;
  }
}

/** Translates Ajv errors (compiled with `verbose: true`) into faults; `data` is the validated value. */
export function explainSchemaErrors(errors: readonly ErrorObject[], data: unknown): SchemaFault[] {
  // A union of literals reports one `const` error per branch plus the `anyOf`; keep only the anyOf.
  const unions = errors.filter((e) => e.keyword === 'anyOf').map((e) => `${e.schemaPath}/`);
  const faults: SchemaFault[] = [];
  for (const error of errors) {
    if (unions.some((prefix) => error.schemaPath.startsWith(prefix))) continue;
    const path = pointerToPath(error.instancePath, data);
    const params = error.params as Record<string, unknown>;
    const parent = (error.parentSchema ?? {}) as Schema;
    if (error.keyword === 'additionalProperties') {
      const key = String(params.additionalProperty);
      const allowed = Object.keys((parent.properties as Schema | undefined) ?? {}).join(', ');
      faults.push({
        path: [...path, key],
        reason: `unknown key "${key}" (allowed: ${allowed})`,
        at: 'key',
      });
      continue;
    }
    if (error.keyword === 'required') {
      faults.push({
        path,
        reason: `missing required key "${String(params.missingProperty)}"`,
        at: 'value',
      });
      continue;
    }
    const tuple = ['type', 'minItems', 'maxItems', 'additionalItems'].includes(error.keyword)
      ? tupleWords(parent)
      : undefined;
    faults.push({ path, reason: tuple ?? reasonFor(error), at: 'value' });
  }
  return faults;
}
