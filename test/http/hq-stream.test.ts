/**
 * A declared aggregate stream exposed to HQ with one `hqStreamRoute()` call, over a real StreamStore on
 * SQLite: rows per bin and dimension key with the declared measures, dimension filters, cursor `next`
 * links walked to the end (every row once), CSV, the final_until cut, today by default, OpenAPI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeclaredStream } from '../../src/aggregate/streams/stream.js';
import { hqStreamRoute } from '../../src/http/routes/hq-stream.js';
import { openStreams, type StreamsFixture, seeded, shelfLane, streamConfig } from '../aggregate/streams/helpers.js';
import { bearer, makeTestApp, type TestApp } from './helpers/app.js';
import { parseCsvRecords } from './helpers/csv-parse.js';
import { openApiProblems } from './helpers/openapi-check.js';

const MINUTE = 60_000;
/** Shelf lanes written every 5 minutes from 08:00 to 11:55 in Berlin on Saturday 28 March 2026. */
const FIRST = Date.parse('2026-03-28T08:00:00+01:00');
const KEYS = [
  { sku: 'A-1', lane: '0' },
  { sku: 'A-1', lane: '1' },
  { sku: 'B-7', lane: '0' },
];
interface Written {
  bin_start_ms: number;
  dims: { sku: string; lane: string };
  values: Record<string, number | number[]>;
}
const written: Written[] = [];
const clock = { now: Date.parse('2026-03-28T10:02:30+01:00') };
const live: { finalUntil: number | undefined } = { finalUntil: undefined };

let streams: StreamsFixture;
let http: TestApp;
beforeAll(async () => {
  const config = streamConfig();
  streams = await openStreams(config, {}, Date.parse('2026-03-30T12:00:00Z'));
  const shelf: DeclaredStream = streams.store.declare(shelfLane);
  const random = seeded(7);
  for (let t = FIRST; t < FIRST + 4 * 60 * MINUTE; t += 5 * MINUTE) {
    for (const dims of KEYS) {
      if (random() < 0.2) continue; // not every lane is touched in every bin
      const pickups = Math.floor(random() * 5);
      const dwell = Array.from({ length: pickups }, () => Math.round(random() * 300) / 10);
      const values = { pickups, put_backs: 1, items_min: 3, items_max: 9, items_end: 5, dwell_s: dwell };
      written.push({ bin_start_ms: t, dims, values });
    }
  }
  shelf.write(written);
  const route = { url: '/api/v1/shelves', summary: 'Shelf lanes per bin', finalUntil: () => live.finalUntil };
  http = await makeTestApp({ routes: [hqStreamRoute({ config, now: () => clock.now }, shelf, route)] });
});
afterAll(async () => {
  await http.close();
  await streams.close();
});

interface Page {
  from: string;
  to: string;
  final_until: string | null;
  total: number | null;
  next: string | null;
  items: Record<string, unknown>[];
}
const get = (url: string) => http.app.inject({ url, headers: bearer(http.tokens.hq) });
async function getPage(url: string): Promise<Page> {
  const response = await get(url);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as Page;
}
const RANGE = 'from=2026-03-28&to=2026-03-29';
const key = (row: Record<string, unknown>) => `${row.bin_start}|${row.sku}|${row.lane}`;

describe('hqStreamRoute', () => {
  it('lists every bin and key with figures, each measure as declared', async () => {
    const page = await getPage(`/api/v1/shelves?${RANGE}&bin=hour&limit=1000`);
    expect(page).toMatchObject({ total: null, next: null, final_until: '2026-03-28T10:02:00+01:00' });
    // The clock's 10:02 cuts the range: hours 08 and 09 whole, and the 10:00 hour so far.
    expect([...new Set(page.items.map((row) => row.bin_start))]).toEqual([
      '2026-03-28T08:00:00+01:00',
      '2026-03-28T09:00:00+01:00',
      '2026-03-28T10:00:00+01:00',
    ]);
    for (const row of page.items) {
      const start = Date.parse(row.bin_start as string);
      const mine = written.filter(
        (w) =>
          w.bin_start_ms >= start &&
          w.bin_start_ms < start + 60 * MINUTE &&
          key({ ...w.dims, bin_start: row.bin_start }) === key(row),
      );
      expect(row.pickups).toBe(mine.reduce((n, w) => n + (w.values.pickups as number), 0));
      expect(row.dwell_s_count).toBe(mine.reduce((n, w) => n + (w.values.dwell_s as number[]).length, 0));
      expect((row.dwell_s_hist as [number, number][]).reduce((n, [, c]) => n + c, 0)).toBe(row.dwell_s_count);
      expect(Date.parse(row.bin_end as string) - start).toBe(60 * MINUTE);
      expect(row.bin_end).toMatch(/:00:00\+01:00$/);
    }
  });

  it('walks cursor next links to the end: every row once, in (bin, key) order', async () => {
    live.finalUntil = Date.parse('2026-03-28T12:00:00+01:00');
    const whole = await getPage(`/api/v1/shelves?${RANGE}&bin=minute&limit=1000`);
    expect(whole.items).toHaveLength(written.length);
    const items: Record<string, unknown>[] = [];
    let url: string | null = `/api/v1/shelves?${RANGE}&bin=minute&limit=7`;
    let pages = 0;
    while (url !== null) {
      const page: Page = await getPage(url);
      items.push(...page.items);
      url = page.next;
      pages += 1;
    }
    expect(pages).toBe(Math.ceil(written.length / 7));
    expect(items).toEqual(whole.items);
    expect(new Set(items.map(key)).size).toBe(written.length);
    live.finalUntil = undefined;
  });

  it('filters by dimension and pages CSV with Link headers', async () => {
    live.finalUntil = Date.parse('2026-03-28T12:00:00+01:00');
    const json = await getPage(`/api/v1/shelves?${RANGE}&bin=15min&sku=B-7&limit=1000`);
    expect(json.items.length).toBeGreaterThan(0);
    expect(json.items.every((row) => row.sku === 'B-7')).toBe(true);
    const rows: Record<string, string>[] = [];
    let next: string | undefined = `/api/v1/shelves?${RANGE}&bin=15min&sku=B-7&limit=5&format=csv`;
    while (next !== undefined) {
      const response = await get(next);
      expect(response.headers['x-total-count']).toBeUndefined();
      rows.push(...parseCsvRecords(response.body));
      next = /^<([^>]+)>; rel="next"$/.exec(String(response.headers.link ?? ''))?.[1];
    }
    expect(Object.keys(rows[0] ?? {})).toEqual([
      'bin_start',
      'bin_end',
      'sku',
      'lane',
      'pickups',
      'put_backs',
      'items_min',
      'items_max',
      'items_end',
      'dwell_s_count',
      'dwell_s_p50',
      'dwell_s_p90',
      'dwell_s_hist',
    ]);
    expect(rows.map((row) => [row.bin_start, row.lane, Number(row.pickups)])).toEqual(
      json.items.map((row) => [row.bin_start, row.lane, row.pickups]),
    );
    live.finalUntil = undefined;
  });

  it('defaults to today so far', async () => {
    const page = await getPage('/api/v1/shelves?bin=hour&limit=1000');
    expect(page).toMatchObject({ from: '2026-03-28T00:00:00+01:00', to: '2026-03-28T10:02:30+01:00' });
    expect(page.items.at(-1)?.bin_start).toBe('2026-03-28T10:00:00+01:00');
  });

  it('refuses a cursor it did not make, naming after', async () => {
    const response = await get(`/api/v1/shelves?${RANGE}&after=bm9wZQ`);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      error: {
        code: 'invalid_parameter',
        parameter: 'after',
        message: expect.stringMatching(/"after" is not a cursor/),
      },
    });
  });

  it('is documented in /api/docs with the declared columns', async () => {
    const doc = (await http.app.inject('/api/docs')).json() as {
      paths: Record<string, { get: { parameters: { name: string }[] } }>;
    };
    expect(openApiProblems(doc)).toEqual([]);
    const names = doc.paths['/api/v1/shelves']?.get.parameters.map((p) => p.name);
    expect(names).toEqual(['from', 'to', 'bin', 'sku', 'lane', 'limit', 'after', 'format']);
  });

  it('refuses a stream whose names collide with the route’s', () => {
    const stream = {
      declaration: { ...streams.store.declare(shelfLane).declaration, dimensions: ['from'] },
      query: () => ({ rows: [], next: null }),
    };
    expect(() => hqStreamRoute({ config: streamConfig() }, stream, { url: '/api/v1/x', summary: 'x' })).toThrow(
      /"from" is taken/,
    );
  });
});
