import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AggregateStore } from '../../src/aggregate/store.js';
import { hqRoutes } from '../../src/http/routes/hq-routes.js';
import { createRegistry } from '../../src/metrics.js';
import { type HqApp, makeHqApp } from '../aggregate/hq-app.js';
import { scenarioConfig } from '../aggregate/scenario.js';
import { bearer, makeTestApp } from './helpers/app.js';
import { parseCsvRecords } from './helpers/csv-parse.js';
import { openApiProblems } from './helpers/openapi-check.js';

let hq: HqApp;
/** The clock `from`/`to` default from: Monday 30 March 2026, 14:00 in Berlin (CEST), after the scenario. */
const NOW = Date.parse('2026-03-30T12:00:00Z');
beforeAll(async () => {
  hq = await makeHqApp(undefined, { now: () => NOW });
});
afterAll(async () => {
  await hq.close();
});

const RANGE = 'from=2026-03-28&to=2026-03-30';
const ENDPOINTS = [
  `/api/v1/footfall?${RANGE}`,
  `/api/v1/zones/stats?${RANGE}`,
  `/api/v1/paths/transitions?${RANGE}`,
  `/api/v1/paths/top?${RANGE}`,
  `/api/v1/heatmap?${RANGE}`,
  `/api/v1/summary/daily?${RANGE}&bin=day`,
];
const get = (url: string, token?: string) =>
  hq.http.app.inject({ url, headers: token === undefined ? {} : bearer(token) });

describe('HQ routes: auth', () => {
  it.each(ENDPOINTS)(
    '%s: 401 without or with a bad token, 403 for signage:pull, 200 for hq:read and admin',
    async (url) => {
      expect((await get(url)).statusCode).toBe(401);
      expect((await get(url, 'omo_hq_0000000000000000000000000000000')).statusCode).toBe(401);
      const forbidden = await get(url, hq.http.tokens.signage);
      expect(forbidden.statusCode).toBe(403);
      expect(forbidden.json()).toMatchObject({ error: { code: 'forbidden' } });
      expect((await get(url, hq.http.tokens.hq)).statusCode).toBe(200);
      expect((await get(url, hq.http.tokens.admin)).statusCode).toBe(200);
    },
  );

  it('answers 401 before looking at parameters', async () => {
    expect((await get('/api/v1/footfall?from=nonsense')).statusCode).toBe(401);
  });
});

describe('HQ routes: bad parameters', () => {
  const cases: [string, string, RegExp][] = [
    [
      '/api/v1/footfall?from=2026-03-31',
      'from',
      /"from" \(2026-03-31\) must be before "to" \(now, 2026-03-30T14:00:00\+02:00\)/,
    ],
    [
      '/api/v1/footfall?from=2026-03-28&bin=minute',
      'to',
      /the range spans 2\.5 days; bin=minute allows at most 2 days/,
    ],
    ['/api/v1/footfall?from=2026-13-01&to=2026-03-29', 'from', /month 13/],
    ['/api/v1/footfall?from=28.03.2026&to=2026-03-29', 'from', /"from" must be an ISO-8601 date/],
    ['/api/v1/zones/stats?from=2026-03-28&to=2026-02-30', 'to', /has day 30; 2026-02 has 28 days/],
    ['/api/v1/footfall?from=2026-03-29&to=2026-03-28', 'from', /"from" \(2026-03-29\) must be before "to"/],
    ['/api/v1/footfall?from=2026-03-28&to=2026-03-28', 'from', /must be before/],
    [
      '/api/v1/footfall?from=2026-03-28&to=2026-03-29&bin=week',
      'bin',
      /"bin" must be equal to one of the allowed values/,
    ],
    ['/api/v1/footfall?from=2026-03-01&to=2026-03-29&bin=minute', 'to', /bin=minute allows at most 2 days/],
    ['/api/v1/zones/stats?from=2026-01-01&to=2026-03-29&bin=15min', 'to', /bin=15min allows at most 31 days/],
    ['/api/v1/footfall?from=2026-03-28&to=2026-03-29&limt=5', 'limt', /"limt" is not accepted/],
    ['/api/v1/footfall?from=2026-03-28&to=2026-03-29&format=xml', 'format', /"format"/],
    ['/api/v1/footfall?from=2026-03-28&to=2026-03-29&limit=0', 'limit', /"limit" must be >= 1/],
    ['/api/v1/footfall?from=2026-03-28&to=2026-03-29&line=door,nope', 'line', /nope is not one of door, pavement/],
    ['/api/v1/footfall?from=2026-03-28&to=2026-03-29&line=a b', 'line', /"line" must match pattern/],
    ['/api/v1/zones/stats?from=2026-03-28&to=2026-03-29&zone=lobby', 'zone', /lobby is not one of/],
    ['/api/v1/paths/top?from=2026-03-28&to=2026-03-29&offset=-1', 'offset', /"offset" must be >= 0/],
    ['/api/v1/heatmap?from=2026-03-28&to=2026-03-29&scale=500&format=png', 'scale', /"scale" must be <= 200/],
    ['/api/v1/heatmap?from=2026-03-28&to=2026-03-29&format=gif', 'format', /allowed values/],
    ['/api/v1/summary/daily?from=2026-03-28&to=2026-03-29&bin=hour', 'bin', /allowed values \(day\)/],
    ['/api/v1/summary/daily?from=2024-01-01&to=2026-03-29', 'to', /at most 366 days/],
    ['/api/v1/paths/transitions?from=2026-03-28T10:00%2B25:00&to=2026-03-29', 'from', /offset \+25:00/],
  ];
  it.each(cases)('%s → 400 naming %s', async (url, parameter, message) => {
    const response = await get(url, hq.http.tokens.hq);
    expect(response.statusCode).toBe(400);
    const body = response.json() as { error: { code: string; message: string; parameter?: string } };
    expect(body.error.code).toBe('invalid_parameter');
    expect(body.error.parameter).toBe(parameter);
    expect(body.error.message).toMatch(message);
  });

  it('refuses a resolution finer than analysis.bin_s, naming bin', async () => {
    const config = scenarioConfig();
    config.analysis.bin_s = 900;
    const store = new AggregateStore({ db: hq.fixture.db, config, metrics: createRegistry() });
    await store.start();
    const app = await makeTestApp({ routes: hqRoutes({ aggregates: store, config, database: hq.fixture.db.name }) });
    try {
      const response = await app.app.inject({
        url: '/api/v1/footfall?from=2026-03-28&to=2026-03-29&bin=minute',
        headers: bearer(app.tokens.hq),
      });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ error: { parameter: 'bin', message: expect.stringMatching(/900 s/) } });
    } finally {
      await app.close();
      await store.stop();
    }
  });
});

/** Every JSON value must come back from the CSV field: numbers exactly, null as empty, arrays as JSON. */
function expectCsvMatches(csv: string, items: Record<string, unknown>[]) {
  const records = parseCsvRecords(csv);
  expect(records).toHaveLength(items.length);
  items.forEach((item, i) => {
    const record = records[i] as Record<string, string>;
    expect(Object.keys(record)).toEqual(Object.keys(item));
    for (const [key, value] of Object.entries(item)) {
      const field = record[key] as string;
      if (value === null) expect(field, key).toBe('');
      else if (typeof value === 'number') expect(Number(field), key).toBe(value);
      else if (typeof value === 'boolean') expect(field, key).toBe(String(value));
      else if (typeof value === 'object') expect(JSON.parse(field), key).toEqual(value);
      else expect(field, key).toBe(value);
    }
  });
}

describe('HQ routes: CSV', () => {
  const urls = [
    '/api/v1/footfall?from=2026-03-28T09:00&to=2026-03-28T12:00&bin=15min&limit=1000',
    '/api/v1/zones/stats?from=2026-03-28&to=2026-03-30&bin=hour&limit=1000',
    '/api/v1/zones/stats?from=2026-03-28&to=2026-03-30&bin=day&zone=till,window',
    '/api/v1/paths/transitions?from=2026-03-28&to=2026-03-30&bin=hour&limit=1000',
    '/api/v1/paths/top?from=2026-03-28&to=2026-03-30&bin=day',
    '/api/v1/summary/daily?from=2026-03-28&to=2026-03-30',
  ];
  it.each(urls)('%s: CSV reads back to the JSON items', async (url) => {
    const json = await get(url, hq.http.tokens.hq);
    const csv = await get(`${url}&format=csv`, hq.http.tokens.hq);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const items = (json.json() as { items: Record<string, unknown>[] }).items;
    expect(items.length).toBeGreaterThan(0);
    expectCsvMatches(csv.body, items);
  });

  it('heatmap CSV has one row per cell with the JSON seconds', async () => {
    const url = '/api/v1/heatmap?from=2026-03-28&to=2026-03-29&bin=hour';
    const json = (await get(url, hq.http.tokens.hq)).json() as {
      seconds: number[];
      cols: number;
      cell_m: number;
      origin: number[];
    };
    const rows = parseCsvRecords((await get(`${url}&format=csv`, hq.http.tokens.hq)).body);
    expect(rows.map((row) => Number(row.seconds))).toEqual(json.seconds);
    const row = rows[json.cols + 2] as Record<string, string>;
    expect([Number(row.row), Number(row.col)]).toEqual([1, 2]);
    expect(Number(row.x_m)).toBeCloseTo((json.origin[0] as number) + 2 * json.cell_m, 12);
  });
});

describe('HQ routes: pages and documentation', () => {
  it('pages with limit and offset and reports the total', async () => {
    const url = '/api/v1/zones/stats?from=2026-03-28&to=2026-03-29&bin=hour';
    const all = (await get(`${url}&limit=1000`, hq.http.tokens.hq)).json() as { total: number; items: unknown[] };
    const response = await get(`${url}&limit=7&offset=30`, hq.http.tokens.hq);
    const body = response.json() as { total: number; limit: number; offset: number; items: unknown[] };
    expect(all.total).toBe(24 * 9);
    expect(body).toMatchObject({ total: all.total, limit: 7, offset: 30 });
    expect(body.items).toEqual(all.items.slice(30, 37));
    expect(response.headers['x-total-count']).toBe(String(all.total));
  });

  it('documents every HQ route in /api/docs', async () => {
    const doc = (await hq.http.app.inject('/api/docs')).json() as {
      paths: Record<string, { get?: { summary?: string; tags?: string[]; security?: unknown; responses: object } }>;
    };
    expect(openApiProblems(doc)).toEqual([]);
    for (const path of [
      '/floor',
      '/footfall',
      '/zones/stats',
      '/paths/transitions',
      '/paths/top',
      '/heatmap',
      '/summary/daily',
    ]) {
      const operation = doc.paths[`/api/v1${path}`]?.get;
      expect(operation?.summary, path).toBeTruthy();
      expect(operation?.tags, path).toEqual(['hq']);
      expect(operation?.security, path).toEqual([{ bearerAuth: [] }]);
      expect(Object.keys(operation?.responses ?? {}), path).toEqual(
        expect.arrayContaining(['200', '400', '401', '403']),
      );
    }
  });
});
