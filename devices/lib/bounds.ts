/**
 * Finds the parts of a JSON Schema that leave a value unbounded: a number without both limits, a string
 * without a maximum length, an array without a maximum size, an object open to unknown keys. The catalog
 * test runs it over every profile, so a new stream cannot forget a bound.
 */
type SchemaNode = Record<string, unknown>;

const has = (node: SchemaNode, ...keys: string[]): boolean => keys.some((key) => typeof node[key] === 'number');

function isClosedSet(node: SchemaNode): boolean {
  return Array.isArray(node.enum) || 'const' in node;
}

export function unboundedPaths(schema: unknown, path = 'payload'): string[] {
  if (typeof schema !== 'object' || schema === null) return [`${path}: not a schema`];
  const node = schema as SchemaNode;
  const found: string[] = [];
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const branches = node[key];
    if (!Array.isArray(branches)) continue;
    for (const [i, branch] of branches.entries()) found.push(...unboundedPaths(branch, `${path}<${key}${i}>`));
  }
  switch (node.type) {
    case 'number':
    case 'integer':
      if (!has(node, 'minimum', 'exclusiveMinimum')) found.push(`${path}: number without a minimum`);
      if (!has(node, 'maximum', 'exclusiveMaximum')) found.push(`${path}: number without a maximum`);
      break;
    case 'string':
      if (!isClosedSet(node) && !has(node, 'maxLength')) found.push(`${path}: string without maxLength`);
      break;
    case 'array':
      if (!has(node, 'maxItems')) found.push(`${path}: array without maxItems`);
      found.push(...unboundedPaths(node.items, `${path}[]`));
      break;
    case 'object': {
      if (node.additionalProperties !== false) found.push(`${path}: object open to unknown keys`);
      const properties = (node.properties ?? {}) as Record<string, unknown>;
      for (const [name, child] of Object.entries(properties)) found.push(...unboundedPaths(child, `${path}.${name}`));
      break;
    }
    case 'boolean':
    case 'null':
      break;
    default:
      if (!isClosedSet(node) && !Array.isArray(node.anyOf) && !Array.isArray(node.oneOf)) {
        found.push(`${path}: no type`);
      }
  }
  return found;
}
