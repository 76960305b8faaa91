/**
 * `final_until` (ARCHITECTURE §5 "Final figures on time", §8): every HQ answer states up to when its
 * figures are final; bins starting at or after it are absent, not zeros, while empty bins before it are
 * still zeros. It comes from the routes' `finalUntil()` (the live path analysis), else the end of the
 * newest raw bin stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HqApp, makeHqApp } from '../aggregate/hq-app.js';
import { buildScenario } from '../aggregate/scenario.js';
import { bearer } from './helpers/app.js';

const live: { finalUntil: number | undefined } = { finalUntil: undefined };
let hq: HqApp;
let empty: HqApp;
beforeAll(async () => {
  const now = () => Date.parse('2026-03-30T12:00:00Z');
  hq = await makeHqApp(undefined, { now, finalUntil: () => live.finalUntil });
  empty = await makeHqApp({ ...buildScenario(), records: [] }, { now });
});
afterAll(async () => {
  await hq.close();
  await empty.close();
});

interface Page {
  final_until: string | null;
  total: number;
  next: string | null;
  items: Record<string, unknown>[];
}

async function getJson<T = Page>(url: string, app = hq): Promise<T> {
  const response = await app.http.app.inject({ url, headers: bearer(app.http.tokens.hq) });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as T;
}

const starts = (page: Page) => [...new Set(page.items.map((row) => row.bin_start))];

describe('final_until from the live analysis', () => {
  it('cuts the range: the bin holding it is listed, later bins are absent', async () => {
    live.finalUntil = Date.parse('2026-03-28T11:30:00+01:00');
    const hours = await getJson('/api/v1/footfall?from=2026-03-28T09:00&to=2026-03-28T14:00&bin=hour');
    expect(hours.final_until).toBe('2026-03-28T11:30:00+01:00');
    expect(starts(hours)).toEqual([
      '2026-03-28T09:00:00+01:00',
      '2026-03-28T10:00:00+01:00',
      '2026-03-28T11:00:00+01:00',
    ]);
    expect(hours.total).toBe(6);
    const minutes = await getJson(
      '/api/v1/zones/stats?from=2026-03-28T11:00&to=2026-03-28T12:00&bin=minute&limit=1000',
    );
    expect(minutes.total).toBe(30 * 9);
    expect(starts(minutes).at(-1)).toBe('2026-03-28T11:29:00+01:00');
    const days = await getJson('/api/v1/summary/daily?from=2026-03-27&to=2026-03-30');
    expect(days.items.map((row) => row.date)).toEqual(['2026-03-27', '2026-03-28']);
  });

  it('sums the heatmap and ranks top paths only over bins before it', async () => {
    live.finalUntil = Date.parse('2026-03-28T10:00:00Z');
    const cutHeat = await getJson<{ bins: number; final_until: string }>(
      '/api/v1/heatmap?from=2026-03-28&to=2026-03-30&bin=minute',
    );
    const firstCopy = await getJson<{ bins: number }>('/api/v1/heatmap?from=2026-03-28&to=2026-03-28T11:00&bin=minute');
    expect(cutHeat).toMatchObject({ bins: firstCopy.bins, final_until: '2026-03-28T11:00:00+01:00' });
    const copyBins = hq.scenario.records.filter((r) => r.bin_start_ms < Date.parse('2026-03-28T10:00:00Z'));
    expect(cutHeat.bins).toBe(copyBins.filter((r) => r.heatmap !== null).length);
    const top = await getJson('/api/v1/paths/top?from=2026-03-28&to=2026-03-30&bin=minute&limit=1000');
    const total = top.items.reduce((n, row) => n + (row.count as number), 0);
    expect(total).toBe(copyBins.reduce((n, r) => n + r.paths.reduce((m, p) => m + p.count, 0), 0));
  });

  it('before the range: nothing is listed, and the answer says why', async () => {
    live.finalUntil = Date.parse('2026-03-28T10:00:00Z');
    const page = await getJson('/api/v1/paths/transitions?from=2026-03-29&to=2026-03-30');
    expect(page).toMatchObject({ final_until: '2026-03-28T11:00:00+01:00', total: 0, next: null, items: [] });
  });

  it('is sent as X-Final-Until with CSV', async () => {
    live.finalUntil = Date.parse('2026-03-28T10:00:00Z');
    const response = await hq.http.app.inject({
      url: '/api/v1/footfall?from=2026-03-28&to=2026-03-29&format=csv',
      headers: bearer(hq.http.tokens.hq),
    });
    expect(response.headers['x-final-until']).toBe('2026-03-28T11:00:00+01:00');
  });
});

describe('final_until without the live analysis', () => {
  it('is the end of the newest stored bin; a range into the future stops there, empty hours before it are zeros', async () => {
    live.finalUntil = undefined;
    const newest = Math.max(...hq.scenario.records.map((r) => r.bin_start_ms)) + 60_000;
    expect(new Date(newest).toISOString()).toBe('2026-03-29T12:07:00.000Z');
    const page = await getJson('/api/v1/footfall?from=2026-03-29&to=2026-04-02&bin=hour&line=door');
    expect(page.final_until).toBe('2026-03-29T14:07:00+02:00');
    // 00:00 CET to 14:00 CEST: 14 hours (the clocks skipped 02:00-03:00).
    expect(page.total).toBe(14);
    expect(page.items.at(-1)?.bin_start).toBe('2026-03-29T14:00:00+02:00');
    expect(page.items.find((row) => row.bin_start === '2026-03-29T10:00:00+02:00')).toMatchObject({ in: 0, out: 0 });
  });

  it('counts a partial bin (flushed by a clean stop): it holds all that was seen, a restart only adds to it', async () => {
    const last = hq.scenario.records.at(-1);
    if (last === undefined) throw new Error('the scenario has bins');
    const stoppedApp = await makeHqApp({
      ...hq.scenario,
      records: [...hq.scenario.records.slice(0, -1), { ...last, partial: true }],
    });
    try {
      const page = await getJson('/api/v1/footfall?from=2026-03-29T14:00&to=2026-03-29T15:00&bin=minute', stoppedApp);
      expect(page.final_until).toBe('2026-03-29T14:07:00+02:00');
      expect(starts(page).at(-1)).toBe('2026-03-29T14:06:00+02:00');
    } finally {
      await stoppedApp.close();
    }
  });

  it('is null on a store without bins: nothing is final, every list is empty', async () => {
    const page = await getJson('/api/v1/zones/stats?from=2026-03-28&to=2026-03-29', empty);
    expect(page).toMatchObject({ final_until: null, total: 0, next: null, items: [] });
    const heat = await getJson<{ final_until: null; bins: number }>('/api/v1/heatmap', empty);
    expect(heat).toMatchObject({ final_until: null, bins: 0 });
  });
});
