/**
 * Turns Ajv's first error into a refusal a person can act on (ARCHITECTURE §4): the field path in the
 * payload's own terms (`lanes[0].grams`), the rule, and the value received, e.g.
 * `lanes[0].grams must be <= 1000000, got 1e+300`. A number that is not finite (a JSON number too large
 * for a double parses as Infinity) or a string such as "NaN" where a number belongs is reason
 * `not_finite`; every other violation is reason `schema`. Runs only on refusals, never on valid traffic.
 */
import type { ErrorObject } from 'ajv';

export interface SchemaRefusal {
  reason: 'schema' | 'not_finite';
  field: string;
  detail: string;
}

const NON_FINITE_TEXT = /^\s*[+-]?(nan|inf|infinity)\s*$/i;

/** Walks a JSON pointer through the parsed payload, building the path as `a.b[2].c`. */
function resolve(root: unknown, pointer: string): { field: string; value: unknown } {
  let field = '';
  let value = root;
  if (pointer === '') return { field: 'payload', value };
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    field += Array.isArray(value) ? `[${segment}]` : field === '' ? segment : `.${segment}`;
    value = (value as Record<string, unknown> | undefined)?.[segment];
  }
  return { field, value };
}

const child = (field: string, key: string) => (field === 'payload' ? key : `${field}.${key}`);

export function describeValue(value: unknown): string {
  if (typeof value === 'string')
    return value.length > 40 ? `${JSON.stringify(value.slice(0, 40))}…` : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return value === undefined ? 'nothing' : 'an object';
}

function isNumberRule(error: ErrorObject): boolean {
  const type = error.params.type;
  return error.keyword === 'type' && (type === 'number' || type === 'integer');
}

export function describeSchemaError(payload: unknown, error: ErrorObject): SchemaRefusal {
  const { field, value } = resolve(payload, error.instancePath);
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return {
      reason: 'not_finite',
      field,
      detail: `${field} must be a finite number, got a number too large to represent (${value})`,
    };
  }
  if (isNumberRule(error) && typeof value === 'string' && NON_FINITE_TEXT.test(value)) {
    return {
      reason: 'not_finite',
      field,
      detail: `${field} must be a finite number, got the string ${describeValue(value)}`,
    };
  }
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required': {
      const missing = child(field, String(params.missingProperty));
      return { reason: 'schema', field: missing, detail: `${missing} is required` };
    }
    case 'additionalProperties': {
      const extra = child(field, String(params.additionalProperty));
      return { reason: 'schema', field: extra, detail: `${extra} is not a known field` };
    }
    case 'type':
      return {
        reason: 'schema',
        field,
        detail: `${field} must be ${aOrAn(String(params.type))}, got ${describeValue(value)}`,
      };
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ');
      return { reason: 'schema', field, detail: `${field} must be one of ${allowed}, got ${describeValue(value)}` };
    }
    case 'maxLength':
    case 'minLength':
      return { reason: 'schema', field, detail: `${field} ${error.message}, got ${(value as string).length}` };
    case 'maxItems':
    case 'minItems':
      return { reason: 'schema', field, detail: `${field} ${error.message}, got ${(value as unknown[]).length}` };
    case 'pattern':
      return {
        reason: 'schema',
        field,
        detail: `${field} must match ${String(params.pattern)}, got ${describeValue(value)}`,
      };
    default:
      return {
        reason: 'schema',
        field,
        detail: `${field} ${error.message ?? 'is invalid'}, got ${describeValue(value)}`,
      };
  }
}

function aOrAn(type: string): string {
  if (type === 'integer') return 'an integer';
  if (type === 'object' || type === 'array') return `an ${type}`;
  return `a ${type}`;
}
