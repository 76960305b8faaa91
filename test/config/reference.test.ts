/**
 * The schema documents itself: every key has a description and bounds, and config/reference.yaml
 * (generated from the schema) is current, documents every key, and loads.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeSchema, type SchemaNode } from '../../src/config/describe.js';
import { ConfigSchema, loadConfig } from '../../src/config/index.js';
import { renderReference } from '../../src/config/reference.js';
import { KNOWN_KINDS } from './helpers.js';

const referenceFile = fileURLToPath(new URL('../../config/reference.yaml', import.meta.url));

/** Every schema node that holds a value, with its dotted path. */
function leaves(node: SchemaNode, path = ''): { path: string; node: SchemaNode }[] {
  if (node.type === 'object') {
    return Object.entries(node.properties as Record<string, SchemaNode>).flatMap(([key, child]) => [
      { path: path ? `${path}.${key}` : key, node: child },
      ...leaves(child, path ? `${path}.${key}` : key).filter((leaf) => leaf.node !== child),
    ]);
  }
  if (node.type === 'array' && !Array.isArray(node.items)) return leaves(node.items as SchemaNode, `${path}[]`);
  return [];
}

describe('config schema documentation', () => {
  const keys = leaves(ConfigSchema as unknown as SchemaNode);

  it('gives every key a description', () => {
    const undocumented = keys.filter(({ node }) => typeof node.description !== 'string' || node.description === '');
    expect(undocumented.map((k) => k.path)).toEqual([]);
  });

  it('bounds every number, string and list', () => {
    const unbounded = keys.filter(({ node }) => {
      if (node.type === 'integer' || node.type === 'number')
        return (node.minimum ?? node.exclusiveMinimum) === undefined || node.maximum === undefined;
      if (node.type === 'string') return node.maxLength === undefined;
      if (node.type === 'array') return node.maxItems === undefined;
      return false;
    });
    expect(unbounded.map((k) => k.path)).toEqual([]);
  });

  it('lists each key once with its type, requirement and env variable', () => {
    const docs = describeSchema();
    expect(new Set(docs.map((d) => d.path)).size).toBe(docs.length);
    expect(docs.find((d) => d.path === 'broker.mqtt_port')).toEqual({
      path: 'broker.mqtt_port',
      description: 'MQTT over TCP port (0 picks a free port)',
      type: 'integer, 0 to 65535',
      required: false,
      default: 1883,
      env: 'OMO_MQTT_PORT',
    });
    expect(docs.find((d) => d.path === 'floor.zones[].kind')?.type).toBe(
      'one of: area, queue, viewing, shelf_front, staff_only',
    );
    expect(docs.find((d) => d.path === 'store')?.required).toBe(true);
    expect(docs.find((d) => d.path === 'broker')?.required).toBe(false);
  });
});

describe('config/reference.yaml', () => {
  const text = readFileSync(referenceFile, 'utf8');

  it('is what the schema renders (regenerate: npx tsx src/config/write-reference.ts)', () => {
    expect(text).toBe(renderReference());
  });

  it('documents every key of the schema', () => {
    const comments = text.replace(/\n\s*# /g, ' ');
    for (const doc of describeSchema()) {
      const key = doc.path.split('.').pop()?.replace('[]', '') as string;
      expect(text, doc.path).toMatch(new RegExp(`^[ #]*(- )?${key}:`, 'm'));
      expect(comments, doc.path).toContain(doc.type);
    }
  });

  it('loads cleanly', async () => {
    const { config } = await loadConfig(referenceFile, {
      env: {},
      knownKinds: KNOWN_KINDS,
    });
    expect(config.store.id).toBe('corner-shop');
    expect(config.devices.map((d) => d.kind).sort()).toEqual(['camera', 'camera', 'camera', 'shelf', 'signage']);
  });
});
