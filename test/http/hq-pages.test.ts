/**
 * Paging with `next` links on every HQ list route: walked to the end, the pages give every row of the
 * answer exactly once and in order — the same rows one big page gives — in JSON and in CSV (`Link`
 * header), and still so when the clock moves on between pages of a defaulted "today so far" range.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HqApp, makeHqApp } from '../aggregate/hq-app.js';
import { bearer } from './helpers/app.js';
import { parseCsvRecords } from './helpers/csv-parse.js';

const clock = { now: Date.parse('2026-03-30T12:00:00Z') };
let hq: HqApp;
beforeAll(async () => {
  // final_until follows the clock, as the live analysis's would: the range grows while pages are read.
  hq = await makeHqApp(undefined, { now: () => clock.now, finalUntil: () => clock.now });
});
afterAll(async () => {
  await hq.close();
});

interface Page {
  from: string;
  to: string;
  total: number;
  limit: number;
  offset: number;
  next: string | null;
  items: Record<string, unknown>[];
}

const get = (url: string) => hq.http.app.inject({ url, headers: bearer(hq.http.tokens.hq) });

async function getPage(url: string): Promise<Page> {
  const response = await get(url);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as Page;
}

/** Follows `next` from `url` to the end; `between` runs before each following page. */
async function walk(url: string, between: () => void = () => {}): Promise<Page[]> {
  const pages = [await getPage(url)];
  for (let next = pages[0]?.next; next !== null && next !== undefined; next = pages[pages.length - 1]?.next) {
    between();
    pages.push(await getPage(next));
    expect(pages.length).toBeLessThan(200);
  }
  return pages;
}

const RANGE = 'from=2026-03-28&to=2026-03-30';
const LISTS: [string, number][] = [
  [`/api/v1/footfall?${RANGE}&bin=15min`, 37],
  [`/api/v1/zones/stats?${RANGE}&bin=hour`, 50],
  [`/api/v1/zones/stats?${RANGE}&bin=day&zone=till,window`, 1],
  [`/api/v1/paths/transitions?${RANGE}&bin=minute`, 4],
  [`/api/v1/paths/transitions?${RANGE}&bin=hour`, 3],
  [`/api/v1/paths/top?${RANGE}&bin=minute`, 2],
  ['/api/v1/summary/daily?from=2026-03-20&to=2026-03-30', 3],
];

describe('HQ routes: next links', () => {
  it.each(LISTS)('%s with limit=%i: the pages hold every row once, in order', async (url, limit) => {
    const whole = await getPage(`${url}&limit=1000`);
    expect(whole.next).toBeNull();
    expect(whole.items).toHaveLength(whole.total);
    const pages = await walk(`${url}&limit=${limit}`);
    expect(pages.length).toBe(Math.ceil(whole.total / limit));
    expect(pages.length).toBeGreaterThan(1);
    pages.forEach((page, i) => {
      expect(page).toMatchObject({ total: whole.total, limit, offset: i * limit });
      expect(page.items.length).toBe(Math.min(limit, whole.total - i * limit));
    });
    expect(pages.flatMap((page) => page.items)).toEqual(whole.items);
    expect(pages[pages.length - 1]?.next).toBeNull();
  });

  it('keeps the query in the link and pins the range to the instants answered', async () => {
    const first = await getPage(`/api/v1/zones/stats?${RANGE}&bin=hour&zone=till&limit=5`);
    const next = new URL(first.next as string, 'http://gateway');
    expect(next.pathname).toBe('/api/v1/zones/stats');
    expect(Object.fromEntries(next.searchParams)).toEqual({
      from: '2026-03-28T00:00:00+01:00',
      to: '2026-03-30T00:00:00+02:00',
      bin: 'hour',
      zone: 'till',
      limit: '5',
      offset: '5',
    });
  });

  it('an offset past the end gives no rows and no next page', async () => {
    const page = await getPage(`/api/v1/footfall?${RANGE}&bin=day&offset=4`);
    expect(page).toMatchObject({ total: 4, offset: 4, next: null, items: [] });
  });

  it('CSV pages link on with a Link header and hold the JSON rows', async () => {
    const url = `/api/v1/paths/transitions?${RANGE}&bin=hour`;
    const whole = await getPage(`${url}&limit=1000`);
    const rows: Record<string, string>[] = [];
    let next: string | undefined = `${url}&limit=4&format=csv`;
    while (next !== undefined) {
      const response = await get(next);
      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(response.headers['x-total-count']).toBe(String(whole.total));
      rows.push(...parseCsvRecords(response.body));
      next = /^<([^>]+)>; rel="next"$/.exec(String(response.headers.link ?? ''))?.[1];
    }
    expect(rows.map((row) => [row.bin_start, row.from, row.count])).toEqual(
      whole.items.map((item) => [item.bin_start, item.from ?? '', String(item.count)]),
    );
  });

  it('a defaulted "today so far" walked while the clock moves on still gives each row once', async () => {
    clock.now = Date.parse('2026-03-28T11:10:00+01:00');
    const expected = await getPage('/api/v1/footfall?from=2026-03-28T00:00&to=2026-03-28T11:10&bin=15min&limit=1000');
    expect(expected.total).toBe(45 * 2);
    const pages = await walk('/api/v1/footfall?bin=15min&limit=20', () => {
      clock.now += 20 * 60_000; // a new 15-minute bin becomes final between pages
    });
    expect(pages.map((page) => page.total)).toEqual([90, 90, 90, 90, 90]);
    expect(pages.flatMap((page) => page.items)).toEqual(expected.items);
    clock.now = Date.parse('2026-03-30T12:00:00Z');
  });
});
