import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from './helpers/app.js';
import { openApiProblems } from './helpers/openapi-check.js';

let subject: TestApp;
/** Every route the app serves, as `METHOD url`, collected from fastify itself. */
let routes: string[];
let doc: {
  openapi: string;
  paths: Record<
    string,
    Record<string, { summary?: string; tags?: string[]; security?: unknown[]; responses: Record<string, unknown> }>
  >;
};

beforeAll(async () => {
  subject = await makeTestApp();
  routes = servedRoutes(subject.app.printRoutes({ commonPrefix: false }));
  const response = await subject.app.inject('/api/docs');
  expect(response.statusCode).toBe(200);
  doc = response.json();
});
afterAll(async () => {
  await subject.close();
});

/**
 * Rebuilds `METHOD /full/path` from fastify's route tree (`├── /api/v1/tokens (GET, POST)` with children
 * indented four columns per level), so a route added later is checked without editing this test.
 */
function servedRoutes(tree: string): string[] {
  const stack: string[] = [];
  const found: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^([│ ]*)[├└]── (\S+)(?: \(([^)]+)\))?/.exec(line);
    if (!match) continue;
    const depth = (match[1] ?? '').length / 4;
    const path = (stack[depth - 1] ?? '') + (match[2] ?? '');
    stack[depth] = path;
    for (const method of (match[3] ?? '').split(', ').filter(Boolean)) found.push(`${method} ${path}`);
  }
  return found;
}

describe('GET /api/docs', () => {
  it('is a valid OpenAPI 3.0 document', () => {
    expect(doc.openapi).toMatch(/^3\.0\./);
    expect(openApiProblems(doc)).toEqual([]);
  });

  it('lists every route with a summary and tags', () => {
    expect(routes).toEqual(
      expect.arrayContaining(['GET /healthz', 'GET /api/docs/openapi.json', 'DELETE /api/v1/tokens/:name']),
    );
    expect(routes).toHaveLength(9);
    for (const route of routes) {
      const [method = '', url = ''] = route.split(' ');
      const operation = doc.paths[url.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()];
      expect(operation, route).toBeDefined();
      expect(operation?.summary, route).toBeTruthy();
      expect(operation?.tags?.length, route).toBeGreaterThan(0);
    }
  });

  it('marks token routes with bearer security and documents 401 and 403', () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const isAdmin = path.startsWith('/api/v1/');
        expect(Boolean(operation.security), `${method} ${path}`).toBe(isAdmin);
        if (isAdmin)
          expect(Object.keys(operation.responses), `${method} ${path}`).toEqual(expect.arrayContaining(['401', '403']));
      }
    }
  });

  it('documents paging parameters as optional with their defaults and bounds', () => {
    const operation = doc.paths['/api/v1/dead-letters']?.get as unknown as { parameters: Record<string, unknown>[] };
    const limit = operation.parameters.find((parameter) => parameter.name === 'limit');
    expect(limit).toMatchObject({
      in: 'query',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    });
    const format = operation.parameters.find((parameter) => parameter.name === 'format');
    expect(format).toMatchObject({ required: false, schema: { enum: ['json', 'csv'], default: 'json' } });
  });

  it('serves the same document at /api/docs/openapi.json', async () => {
    expect((await subject.app.inject('/api/docs/openapi.json')).json()).toEqual(doc);
  });

  it('catches what is not OpenAPI 3.0 (the checker can fail)', () => {
    type Operation = { parameters?: { schema: Record<string, unknown> }[]; responses?: unknown };
    const broken = structuredClone(doc) as unknown as { paths: Record<string, Record<string, Operation>> };
    const deadLetters = broken.paths['/api/v1/dead-letters']?.get;
    const revoke = broken.paths['/api/v1/tokens/{name}']?.delete;
    const firstParameter = deadLetters?.parameters?.[0];
    if (!deadLetters || !revoke || !firstParameter) throw new Error('expected routes missing from the document');
    firstParameter.schema.const = 'x';
    deadLetters.responses = {};
    revoke.parameters = [];
    const problems = openApiProblems(broken);
    expect(problems.some((p) => p.includes('keyword "const"'))).toBe(true);
    expect(problems.some((p) => p.includes('needs responses'))).toBe(true);
    expect(problems.some((p) => p.includes('{name} has no parameter'))).toBe(true);
  });
});
