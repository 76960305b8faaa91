/**
 * Builds the HTTP app the way the gateway does, on a real token file in a temp directory, with one token
 * per scope and in-memory device and dead-letter sources that filter and page like the real ones.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildHttpApp } from '../../../src/http/app.js';
import type { DeadLetterQuery, DeadLetterSource, HealthReport, HttpDeps } from '../../../src/http/types.js';
import { createRegistry, type Registry } from '../../../src/metrics.js';
import { TokenStore } from '../../../src/registry/tokens.js';

export interface TestApp {
  app: FastifyInstance;
  store: TokenStore;
  registry: Registry;
  dir: string;
  /** Bearer tokens by scope. */
  tokens: { admin: string; hq: string; signage: string };
  deadLetterQueries: DeadLetterQuery[];
  close(): Promise<void>;
}

export const HEALTHY: HealthReport = {
  status: 'ok',
  parts: {
    broker: { status: 'ok', clients: 12, listeners: { mqtt: 1883, ws: 8083 } },
    storage: { status: 'ok', free_bytes: 1_000_000 },
    uplink: { status: 'disabled' },
  },
};

export const DEVICES = [
  // `secret` stands in for the registry's credential hash: the route must never pass it on.
  {
    id: 'shelf-02',
    kind: 'shelf',
    createdAt: '2026-03-01T08:00:00.000Z',
    updatedAt: '2026-03-02T08:00:00.000Z',
    secret: 'scrypt$x',
  },
  {
    id: 'cam-01',
    kind: 'camera',
    createdAt: '2026-03-01T07:00:00.000Z',
    updatedAt: '2026-03-01T07:00:00.000Z',
    secret: 'scrypt$y',
  },
  {
    id: 'shelf-01',
    kind: 'shelf',
    createdAt: '2026-03-01T06:00:00.000Z',
    updatedAt: '2026-03-01T06:00:00.000Z',
    secret: 'scrypt$z',
  },
];

/** Values chosen to break a naive CSV writer: separators, quotes, line breaks, unicode, nesting, big and tiny numbers. */
export const DEAD_LETTERS: Record<string, unknown>[] = [
  {
    id: 3,
    ts: 1_767_225_660_000,
    device_id: 'shelf-01',
    topic: 'omo/shelf/shelf-01/weight',
    reason: 'schema',
    detail: 'field "lanes[0].grams" must be a number, got "12,5"',
    payload: '{"lanes":[{"lane":0,"grams":"12,5"}]}',
  },
  {
    id: 2,
    ts: 1_767_225_630_000,
    device_id: 'cam-01',
    topic: 'omo/camera/cam-01/tracks',
    reason: 'bad_json',
    detail: 'unexpected token at line 2\r\ncolumn 7',
    payload: '{\n"people": [',
  },
  {
    id: 1,
    ts: 1_767_225_600_000,
    device_id: 'shelf-01',
    topic: 'omo/shelf/shelf-01/temp',
    reason: 'non_finite',
    detail: 'celsius is NaN — Température ≠ nombre 🌡',
    payload: null,
    value: -0.000123,
    extra: { nested: [1, 'a,b'] },
  },
];

export function fakeDeadLetters(queries: DeadLetterQuery[]): DeadLetterSource {
  return {
    list(query) {
      queries.push(query);
      return DEAD_LETTERS.filter(
        (row) =>
          (query.reason === undefined || row.reason === query.reason) &&
          (query.deviceId === undefined || row.device_id === query.deviceId) &&
          (query.since === undefined || (row.ts as number) >= query.since),
      ).slice(query.offset, query.offset + query.limit);
    },
    count: () => DEAD_LETTERS.length,
  };
}

export async function makeTestApp(overrides: Partial<HttpDeps> = {}): Promise<TestApp> {
  const dir = await mkdtemp(join(tmpdir(), 'omo-http-'));
  const store = await TokenStore.open(join(dir, 'tokens.json'));
  const admin = (await store.add('ops', ['admin'])).token;
  const hq = (await store.add('hq', ['hq:read'])).token;
  const signage = (await store.add('screen-1', ['signage:pull'])).token;
  const registry = createRegistry();
  const deadLetterQueries: DeadLetterQuery[] = [];
  const app = await buildHttpApp({
    tokens: store,
    metrics: registry,
    health: () => HEALTHY,
    devices: { list: () => DEVICES },
    deadLetters: fakeDeadLetters(deadLetterQueries),
    ...overrides,
  });
  return {
    app,
    store,
    registry,
    dir,
    tokens: { admin, hq, signage },
    deadLetterQueries,
    async close() {
      await app.close();
      await store.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
