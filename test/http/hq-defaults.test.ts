/**
 * `from`/`to` are optional on every HQ route (ARCHITECTURE §8: "default: the current store day so far"),
 * with a fixed clock in Berlin around local midnight: the default range is local midnight of today → now,
 * `/summary/daily` without a range is today, and a default answer equals the same question asked with
 * the instants spelled out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HqApp, makeHqApp } from '../aggregate/hq-app.js';
import { buildScenario } from '../aggregate/scenario.js';
import { bearer } from './helpers/app.js';

/** 00:02:30 on Sunday 29 March 2026 in Berlin (CET, +01:00): the scenario's fourth copy is still walking. */
const AFTER_MIDNIGHT = Date.parse('2026-03-29T00:02:30+01:00');
const clock = { now: AFTER_MIDNIGHT };

let hq: HqApp;
beforeAll(async () => {
  // The store holds what had happened by AFTER_MIDNIGHT: the minute bins that had ended.
  const scenario = buildScenario();
  scenario.records = scenario.records.filter((r) => r.bin_start_ms + 60_000 <= AFTER_MIDNIGHT);
  hq = await makeHqApp(scenario, { now: () => clock.now });
});
afterAll(async () => {
  await hq.close();
});

interface Page {
  from: string;
  to: string;
  bin: string;
  final_until: string | null;
  total: number;
  items: Record<string, unknown>[];
}

async function getJson<T = Page>(url: string): Promise<T> {
  const response = await hq.http.app.inject({ url, headers: bearer(hq.http.tokens.hq) });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as T;
}

const at = (local: string) => {
  clock.now = Date.parse(local);
};

describe('HQ routes without from/to', () => {
  it('cover local midnight of today to now, cut at the newest stored bin', async () => {
    at('2026-03-29T00:02:30+01:00');
    const hour = await getJson('/api/v1/footfall');
    expect(hour).toMatchObject({
      from: '2026-03-29T00:00:00+01:00',
      to: '2026-03-29T00:02:30+01:00',
      bin: 'hour',
      // No live final_until here: the end of the newest stored minute bin (00:01-00:02).
      final_until: '2026-03-29T00:02:00+01:00',
      total: 2,
    });
    // The local 00:00 hour so far: the minute bins 23:00Z and 23:01Z of the scenario.
    const door = hour.items.find((row) => row.line === 'door');
    const minutes = hq.scenario.records.filter((r) => r.bin_start_ms >= Date.parse('2026-03-28T23:00:00Z'));
    expect(minutes.map((r) => r.bin_start_ms)).toEqual([
      Date.parse('2026-03-28T23:00:00Z'),
      Date.parse('2026-03-28T23:01:00Z'),
    ]);
    expect(door).toMatchObject({
      bin_start: '2026-03-29T00:00:00+01:00',
      in: minutes.reduce((n, r) => n + (r.lines.door?.in ?? 0), 0),
    });
    expect(door?.in).toBeGreaterThan(0);

    const minute = await getJson('/api/v1/footfall?bin=minute');
    expect(minute.items.map((row) => row.bin_start)).toEqual([
      '2026-03-29T00:00:00+01:00',
      '2026-03-29T00:00:00+01:00',
      '2026-03-29T00:01:00+01:00',
      '2026-03-29T00:01:00+01:00',
    ]);
  });

  it('/summary/daily without a range is today; thirty seconds before midnight it is yesterday’s date', async () => {
    at('2026-03-29T00:02:30+01:00');
    const today = await getJson('/api/v1/summary/daily');
    expect(today.items.map((row) => row.date)).toEqual(['2026-03-29']);
    expect(today.items[0]?.visitors_in).toBe(
      hq.scenario.records
        .filter((r) => r.bin_start_ms >= Date.parse('2026-03-28T23:00:00Z'))
        .reduce((n, r) => n + (r.lines.door?.in ?? 0), 0),
    );
    at('2026-03-28T23:59:30+01:00');
    const before = await getJson('/api/v1/summary/daily');
    expect(before).toMatchObject({ from: '2026-03-28T00:00:00+01:00', to: '2026-03-28T23:59:30+01:00' });
    expect(before.items.map((row) => row.date)).toEqual(['2026-03-28']);
  });

  it('at midnight exactly, the day so far is empty: the whole of yesterday is given', async () => {
    at('2026-03-29T00:00:00+01:00');
    const body = await getJson('/api/v1/summary/daily');
    expect(body).toMatchObject({ from: '2026-03-28T00:00:00+01:00', to: '2026-03-29T00:00:00+01:00' });
    expect(body.items.map((row) => row.date)).toEqual(['2026-03-28']);
  });

  it('`to` alone starts at the midnight of its day; `from` alone ends now', async () => {
    at('2026-03-29T00:02:30+01:00');
    expect(await getJson('/api/v1/zones/stats?to=2026-03-28T12:00')).toMatchObject({
      from: '2026-03-28T00:00:00+01:00',
      to: '2026-03-28T12:00:00+01:00',
      total: 12 * 9,
    });
    expect(await getJson('/api/v1/zones/stats?from=2026-03-28T23:00')).toMatchObject({
      from: '2026-03-28T23:00:00+01:00',
      to: '2026-03-29T00:02:30+01:00',
      total: 2 * 9,
    });
  });

  it.each([
    '/api/v1/footfall?bin=minute',
    '/api/v1/zones/stats?bin=15min',
    '/api/v1/paths/transitions?bin=minute',
    '/api/v1/paths/top?bin=minute',
    '/api/v1/heatmap?bin=minute',
    '/api/v1/summary/daily',
  ])('%s answers as if the instants were given', async (url) => {
    at('2026-03-29T00:02:30.250+01:00');
    const defaulted = await getJson<Record<string, unknown>>(url);
    expect(defaulted.to).toBe('2026-03-29T00:02:30.250+01:00');
    const spelled = new URLSearchParams({ from: '2026-03-29T00:00:00+01:00', to: '2026-03-29T00:02:30.250+01:00' });
    const explicit = await getJson<Record<string, unknown>>(`${url}${url.includes('?') ? '&' : '?'}${spelled}`);
    expect(defaulted).toEqual(explicit);
  });
});
