/**
 * Renders config/reference.yaml from the schema: every key with its description, type and bounds,
 * default and env variable, filled with the example values of reference-example.ts. Because it is
 * generated, it cannot drift from the schema; test/config checks that the committed file is current
 * and that it loads. Regenerate with `npx tsx src/config/write-reference.ts`.
 */
import { stringify } from 'yaml';
import { childPath, describeSchema, type KeyDoc, type SchemaNode } from './describe.js';
import { COMMENTED_EXAMPLES, REFERENCE_EXAMPLE } from './reference-example.js';
import { ConfigSchema } from './schema.js';

const WIDTH = 110;

const HEADER = `# omo-edge configuration reference — every key, with its description, type, bounds, default and the
# OMO_* environment variable that overrides it. Values are those of a small example shop; keys shown
# commented out are optional and off unless set. This file loads cleanly (\`omo-edge check-config
# --config config/reference.yaml\`). It is generated from src/config/schema.ts by
# \`npx tsx src/config/write-reference.ts\`; edit the schema, not this file. config/README.md explains the
# sections, the error report and the environment overrides.
`;

type Value = unknown;

function wrap(text: string, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line !== '' && indent.length + 2 + line.length + 1 + word.length > WIDTH) {
      lines.push(`${indent}# ${line}`);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(`${indent}# ${line}`);
  return lines;
}

const isPlainArray = (v: Value): boolean =>
  Array.isArray(v) && v.every((item) => typeof item !== 'object' || item === null || isPlainArray(item));

function flow(v: Value): string {
  if (Array.isArray(v)) return `[${v.map(flow).join(', ')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v);
    return entries.length === 0 ? '{}' : `{ ${entries.map(([k, item]) => `${k}: ${flow(item)}`).join(', ')} }`;
  }
  return typeof v === 'string' ? stringify(v).trimEnd() : String(v);
}

function meta(doc: KeyDoc, child: SchemaNode): string {
  const parts = [doc.type];
  if (doc.required) parts.push('required');
  else if (doc.default !== undefined && child.type !== 'object') parts.push(`default ${flow(doc.default)}`);
  else parts.push('optional');
  if (doc.env) parts.push(`env ${doc.env}`);
  return parts.join('; ');
}

class Renderer {
  private readonly docs = new Map(describeSchema().map((doc) => [doc.path, doc]));
  private readonly documented = new Set<string>();

  render(): string {
    const lines = this.mapping(ConfigSchema as unknown as SchemaNode, REFERENCE_EXAMPLE, 0, '', false);
    // A blank line before each top-level section (its first comment line starts at column 0).
    const spaced = lines.flatMap((line, i) =>
      i > 0 && line.startsWith('# ') && !lines[i - 1]?.startsWith('# ') ? ['', line] : [line],
    );
    const missing = [...this.docs.keys()].filter((path) => !this.documented.has(path));
    if (missing.length > 0) throw new Error(`reference: keys without an example: ${missing.join(', ')}`);
    return `${HEADER}\n${spaced.join('\n')}\n`;
  }

  private comments(path: string, child: SchemaNode, pad: string): string[] {
    const doc = this.docs.get(path);
    if (!doc || this.documented.has(path)) return [];
    this.documented.add(path);
    return [...wrap(doc.description, pad), ...wrap(meta(doc, child), pad)];
  }

  /** The keys of `schema` with values from `value` (or defaults), at `indent`; `inItem` skips absent options. */
  private mapping(schema: SchemaNode, value: Value, indent: number, path: string, inItem: boolean): string[] {
    const pad = ' '.repeat(indent);
    const given = (value ?? {}) as Record<string, Value>;
    const lines: string[] = [];
    for (const [key, child] of Object.entries(schema.properties as Record<string, SchemaNode>)) {
      const keyPath = childPath(path, key);
      const commented = COMMENTED_EXAMPLES[keyPath];
      // In list items, a key left out is shown once (where it is documented), not in every item.
      if (inItem && given[key] === undefined && (this.documented.has(keyPath) || child.default === undefined))
        if (commented === undefined) continue;
      let v = given[key] ?? child.default;
      const docLines = this.comments(keyPath, child, pad);
      if (v === undefined && commented !== undefined) {
        const body = this.entry(key, child, commented, indent, keyPath, inItem);
        lines.push(...docLines, ...body.map((line) => `${pad}# ${line.slice(indent)}`));
        continue;
      }
      v ??= null;
      lines.push(...docLines, ...this.entry(key, child, v, indent, keyPath, inItem));
    }
    return lines;
  }

  private entry(key: string, child: SchemaNode, v: Value, indent: number, path: string, inItem: boolean): string[] {
    const pad = ' '.repeat(indent);
    if (child.type === 'object') return [`${pad}${key}:`, ...this.mapping(child, v, indent + 2, path, inItem)];
    if (child.type === 'array' && !isPlainArray(v)) {
      const lines = [`${pad}${key}:`];
      for (const item of v as Value[]) lines.push(...this.item(child.items as SchemaNode, item, indent + 2, path));
      return lines;
    }
    return [`${pad}${key}: ${flow(v)}`];
  }

  /** One list item: its keys at indent + 2, the first of them behind the `- `. */
  private item(schema: SchemaNode, item: Value, indent: number, path: string): string[] {
    const lines = this.mapping(schema, item, indent + 2, `${path}[]`, true);
    const first = lines.findIndex((line) => !line.trimStart().startsWith('#'));
    lines[first] = `${' '.repeat(indent)}- ${(lines[first] as string).trimStart()}`;
    return lines;
  }
}

/** The text of config/reference.yaml. */
export function renderReference(): string {
  return new Renderer().render();
}
