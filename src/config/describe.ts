/**
 * The schema as documentation: one entry per key with its description, type, bounds, default and the
 * environment variable that overrides it. config/reference.yaml is rendered from this, and a test checks
 * that every key listed here is documented there.
 */
import { DEVICE_KIND_PATTERN } from '../registry/ids.js';
import { ENV_OVERRIDES } from './env.js';
import { ConfigSchema } from './schema.js';

export type SchemaNode = Record<string, unknown>;

export interface KeyDoc {
  /** Dotted path; list items are written `[]`: `floor.zones[].polygon`. */
  path: string;
  description: string;
  /** `integer, 0 to 65535`, `one of: net, every`, `list of mappings, at most 256 items`, … */
  type: string;
  required: boolean;
  default?: unknown;
  env?: string;
}

const PATTERN_WORDS: Record<string, string> = {
  '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$': 'letters, digits, ".", "_", "-"; starting with a letter or digit',
  [DEVICE_KIND_PATTERN.source]: 'lower-case letters, digits, "_"; starting with a letter',
  '^[^/+#]+$': 'without "/", "+" or "#"',
  '^/': 'starting with "/"',
  '^(mqtt|mqtts|ws|wss)://': 'an mqtt://, mqtts://, ws:// or wss:// URL',
  '^https?://': 'an http:// or https:// URL',
};

// Large bounds are easier to read grouped: 268_435_456 (YAML itself does not accept the underscores).
const num = (value: unknown) =>
  typeof value !== 'number'
    ? ''
    : Number.isInteger(value) && Math.abs(value) >= 100_000
      ? value.toString().replace(/\B(?=(\d{3})+(?!\d))/g, '_')
      : String(value);

function range(schema: SchemaNode, lowKey: string, highKey: string, unit = ''): string | undefined {
  const low = schema[lowKey];
  const high = schema[highKey];
  const exclusiveLow = schema.exclusiveMinimum;
  if (exclusiveLow !== undefined && high !== undefined)
    return `greater than ${num(exclusiveLow)}, at most ${num(high)}${unit}`;
  if (low !== undefined && high !== undefined)
    return low === high ? `exactly ${num(low)}${unit}` : `${num(low)} to ${num(high)}${unit}`;
  if (low !== undefined) return `at least ${num(low)}${unit}`;
  if (high !== undefined) return `at most ${num(high)}${unit}`;
  return undefined;
}

/** `integer, 0 to 65535` and the like: what a value of this schema may be. */
export function typeText(schema: SchemaNode): string {
  if (Array.isArray(schema.anyOf)) {
    const values = (schema.anyOf as SchemaNode[]).map((branch) => branch.const);
    if (values.every((v) => v !== undefined)) return `one of: ${values.join(', ')}`;
    return (schema.anyOf as SchemaNode[]).map(typeText).join(' or ');
  }
  const parts: string[] = [];
  switch (schema.type) {
    case 'integer':
    case 'number':
      parts.push(String(schema.type), range(schema, 'minimum', 'maximum') ?? '');
      break;
    case 'string':
      parts.push(
        'string',
        schema.minLength === 1 && schema.maxLength === undefined
          ? 'not empty'
          : (range(schema, 'minLength', 'maxLength', ' characters') ?? ''),
      );
      if (typeof schema.pattern === 'string')
        parts.push(PATTERN_WORDS[schema.pattern] ?? `matching /${schema.pattern}/`);
      break;
    case 'boolean':
      parts.push('true or false');
      break;
    case 'object':
      parts.push('mapping');
      break;
    case 'array':
      if (Array.isArray(schema.items)) {
        const shape = typeof schema.description === 'string' ? /^\[[^\]]+\]/.exec(schema.description)?.[0] : undefined;
        const bound = range(schema.items[0] as SchemaNode, 'minimum', 'maximum');
        parts.push(`pair of numbers ${shape ?? ''}`.trim(), bound ? `each ${bound}` : '');
      } else {
        const item = schema.items as SchemaNode;
        const noun =
          item.type === 'object' ? 'mappings' : Array.isArray(item.items) ? 'pairs' : `${String(item.type)}s`;
        parts.push(`list of ${noun}`, range(schema, 'minItems', 'maxItems', ' items') ?? '');
      }
      break;
  }
  return parts.filter((part) => part !== '').join(', ');
}

/** A key must be written if the schema requires it and has no default, or if a key inside it must be. */
function isRequired(node: SchemaNode, listed: boolean): boolean {
  if (node.default === undefined) return listed;
  if (node.type !== 'object') return false;
  const required = new Set((node.required as string[] | undefined) ?? []);
  return Object.entries(node.properties as Record<string, SchemaNode>).some(([key, child]) =>
    isRequired(child, required.has(key)),
  );
}

export const childPath = (parent: string, key: string) => (parent === '' ? key : `${parent}.${key}`);

/** Every key of the schema, depth first in schema order. */
export function describeSchema(schema: SchemaNode = ConfigSchema as unknown as SchemaNode): KeyDoc[] {
  const envByPath = new Map(ENV_OVERRIDES.map((o) => [o.path.join('.'), o.name]));
  const docs: KeyDoc[] = [];
  const walk = (node: SchemaNode, path: string) => {
    if (node.type === 'array' && !Array.isArray(node.items)) walk(node.items as SchemaNode, `${path}[]`);
    if (node.type !== 'object') return;
    const required = new Set((node.required as string[] | undefined) ?? []);
    for (const [key, child] of Object.entries(node.properties as Record<string, SchemaNode>)) {
      const keyPath = childPath(path, key);
      docs.push({
        path: keyPath,
        description: String(child.description ?? ''),
        type: typeText(child),
        required: isRequired(child, required.has(key)),
        ...(child.default !== undefined ? { default: child.default } : {}),
        ...(envByPath.has(keyPath) ? { env: envByPath.get(keyPath) } : {}),
      });
      walk(child, keyPath);
    }
  };
  walk(schema, '');
  return docs;
}
