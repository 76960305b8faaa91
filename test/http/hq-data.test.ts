/**
 * The HQ routes' numbers against figures computed here straight from the engines' minute bins (the
 * zara01 scenario, test/aggregate/scenario.ts), not through the store's roll-ups.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCheckoutZone } from '../../src/aggregate/daily-summary.js';
import type { PathBinRecord } from '../../src/aggregate/records.js';
import { pictureSize, RAMP, ZONE_COLOURS } from '../../src/http/routes/hq-heatmap-png.js';
import { type HqApp, makeHqApp } from '../aggregate/hq-app.js';
import { DAY1, DAY2 } from '../aggregate/scenario.js';
import { bearer } from './helpers/app.js';

let hq: HqApp;
let records: PathBinRecord[];
beforeAll(async () => {
  hq = await makeHqApp();
  records = hq.scenario.records;
});
afterAll(async () => {
  await hq.close();
});

const HOUR = 3_600_000;
const getJson = async <T>(url: string): Promise<T> => {
  const response = await hq.http.app.inject({ url, headers: bearer(hq.http.tokens.hq) });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as T;
};
const within = (from: number, to: number) => records.filter((r) => r.bin_start_ms >= from && r.bin_start_ms < to);
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

describe('GET /api/v1/footfall', () => {
  it('gives every hour and line of the range, each the sum of its minute bins', async () => {
    // 09:00-12:00 Berlin (CET) = 08:00-11:00 UTC; an unencoded "+" arrives as a space and still reads.
    const body = await getJson<{ total: number; items: Record<string, unknown>[] }>(
      '/api/v1/footfall?from=2026-03-28T09:00+01:00&to=2026-03-28T12:00&bin=hour',
    );
    expect(body.total).toBe(3 * 2);
    const start = Date.parse('2026-03-28T08:00:00Z');
    for (const row of body.items) {
      const hour = Date.parse(row.bin_start as string);
      const line = row.line as 'door' | 'pavement';
      const minutes = within(hour, hour + HOUR);
      expect(row.in).toBe(sum(minutes.map((m) => m.lines[line]?.in ?? 0)));
      expect(row.out).toBe(sum(minutes.map((m) => m.lines[line]?.out ?? 0)));
      expect(row.groups_in).toBe(sum(minutes.map((m) => m.lines[line]?.groups_in ?? 0)));
      expect(row.entrance).toBe(line === 'door');
      expect(hour - start).toBeGreaterThanOrEqual(0);
    }
    expect(body.items.map((row) => row.bin_start)).toEqual([
      '2026-03-28T09:00:00+01:00',
      '2026-03-28T09:00:00+01:00',
      '2026-03-28T10:00:00+01:00',
      '2026-03-28T10:00:00+01:00',
      '2026-03-28T11:00:00+01:00',
      '2026-03-28T11:00:00+01:00',
    ]);
    // The 10:00 hour had no data: listed with zeros.
    expect(body.items[2]).toMatchObject({ line: 'door', in: 0, out: 0 });
    expect((body.items[0] as { in: number }).in + (body.items[4] as { in: number }).in).toBeGreaterThan(0);
  });
});

describe('GET /api/v1/zones/stats', () => {
  it('reports queue waits from the day bins: mean dwell and Little’s law', async () => {
    const body = await getJson<{ items: Record<string, number | string | null>[] }>(
      '/api/v1/zones/stats?from=2026-03-28&to=2026-03-29&bin=day&zone=till,window',
    );
    const till = body.items.find((row) => row.zone === 'till') as Record<string, number>;
    const minutes = within(DAY1.start, DAY1.end);
    const visits = sum(minutes.map((m) => m.zones.till?.visits ?? 0));
    const dwellTotal = sum(minutes.map((m) => m.zones.till?.dwell_total_s ?? 0));
    const personS = sum(minutes.map((m) => m.zones.till?.occupancy.person_s ?? 0));
    expect(visits).toBeGreaterThan(0);
    expect(till.visits).toBe(visits);
    expect(till.queue_wait_mean_dwell_s).toBeCloseTo(dwellTotal / visits, 9);
    expect(till.queue_wait_littles_law_s).toBeCloseTo(personS / visits, 9);
    expect(till.occupancy_mean).toBeCloseTo(personS / 86_400, 12);
    expect(till.occupancy_max).toBe(Math.max(...minutes.map((m) => m.zones.till?.occupancy.max ?? 0)));
    const window = body.items.find((row) => row.zone === 'window');
    expect(window?.queue_wait_mean_dwell_s).toBeNull();
  });
});

describe('GET /api/v1/paths', () => {
  it('transitions: per hour, the counts kept are at least k and with "other" they add up to the bins', async () => {
    const k = hq.scenario.config.analysis.k_anonymity;
    const body = await getJson<{ items: { bin_start: string; from: string | null; count: number; other: boolean }[] }>(
      '/api/v1/paths/transitions?from=2026-03-28&to=2026-03-30&bin=hour&limit=1000',
    );
    const hours = new Set(body.items.map((row) => row.bin_start));
    expect(hours.size).toBeGreaterThan(3);
    let folded = 0;
    for (const hour of hours) {
      const start = Date.parse(hour);
      const rows = body.items.filter((row) => row.bin_start === hour);
      const raw = sum(within(start, start + HOUR).flatMap((m) => m.transitions.map((t) => t.count)));
      expect(sum(rows.map((row) => row.count))).toBe(raw);
      for (const row of rows) if (!row.other) expect(row.count).toBeGreaterThanOrEqual(k);
      folded += rows.filter((row) => row.other).length;
      expect(rows.filter((row) => row.other).every((row) => row.from === null)).toBe(true);
    }
    expect(folded).toBeGreaterThan(0);
  });

  it('top paths: ranked over the range, shares add to 1, rare ones folded', async () => {
    const body = await getJson<{ items: { rank: number | null; path: string | null; count: number; share: number }[] }>(
      '/api/v1/paths/top?from=2026-03-29&to=2026-03-30&bin=hour',
    );
    const counts = new Map<string, number>();
    // Day 2 alone: one copy of the scene and the end of another, so rare paths exist.
    for (const m of within(DAY2.start, DAY2.end))
      for (const p of m.paths) counts.set(p.zones.join('>'), (counts.get(p.zones.join('>')) ?? 0) + p.count);
    const k = hq.scenario.config.analysis.k_anonymity;
    const kept = [...counts].filter(([, n]) => n >= k).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    expect(body.items.filter((row) => row.rank !== null).map((row) => [row.path, row.count])).toEqual(kept);
    expect(body.items.map((row) => row.rank).filter((r) => r !== null)).toEqual(kept.map((_, i) => i + 1));
    expect(sum(body.items.map((row) => row.count))).toBe(sum([...counts.values()]));
    expect(sum(body.items.map((row) => row.share))).toBeCloseTo(1, 12);
    expect(body.items[body.items.length - 1]?.path).toBeNull();
  });
});

describe('GET /api/v1/heatmap', () => {
  it('sums the cells of the range', async () => {
    const body = await getJson<{ seconds: number[]; total_seconds: number; bins: number; cols: number; rows: number }>(
      '/api/v1/heatmap?from=2026-03-29&to=2026-03-30&bin=15min',
    );
    const minutes = within(DAY2.start, DAY2.end);
    const expected = new Array<number>(body.cols * body.rows).fill(0);
    for (const m of minutes)
      for (const [cell, s] of Object.entries(m.heatmap?.cells ?? {})) {
        expected[Number(cell)] = (expected[Number(cell)] as number) + s;
      }
    // Stored as float32 at each level (src/aggregate/heat-codec.ts): a few 1e-7 relative, at most.
    body.seconds.forEach((s, i) => {
      expect(Math.abs(s - (expected[i] as number))).toBeLessThanOrEqual(5e-7 * (expected[i] as number));
    });
    expect(body.seconds.filter((s) => s > 0)).toHaveLength(expected.filter((s) => s > 0).length);
    expect(Math.abs(body.total_seconds - sum(expected))).toBeLessThanOrEqual(5e-7 * sum(expected));
    expect(body.bins).toBe(new Set(minutes.map((m) => Math.floor(m.bin_start_ms / 900_000))).size);
  });

  it('draws a PNG of the floor plan: right size, hot cells, zone outlines, the colour scale', async () => {
    const response = await hq.http.app.inject({
      url: '/api/v1/heatmap?from=2026-03-28&to=2026-03-30&bin=day&format=png&scale=30',
      headers: bearer(hq.http.tokens.hq),
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('image/png');
    const png = response.rawPayload;
    const meta = await sharp(png).metadata();
    const grid = { cellM: 0.5, originX: -7, originY: 4.5, cols: 28, rows: 33 };
    expect(meta.format).toBe('png');
    expect({ width: meta.width, height: meta.height }).toEqual(pictureSize(grid, 30));
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    const colours = new Map<string, number>();
    for (let i = 0; i < data.length; i += info.channels) {
      const key = `${data[i]},${data[i + 1]},${data[i + 2]}`;
      colours.set(key, (colours.get(key) ?? 0) + 1);
    }
    const hottest = (RAMP[RAMP.length - 1] as readonly number[]).join(',');
    expect(colours.get(hottest) ?? 0).toBeGreaterThan(100); // the hottest cell (15×15 px) and the scale's end
    expect(colours.get((ZONE_COLOURS.area as readonly number[]).join(',')) ?? 0).toBeGreaterThan(500);
    expect(colours.get((ZONE_COLOURS.queue as readonly number[]).join(',')) ?? 0).toBeGreaterThan(50);
    expect(colours.size).toBeGreaterThan(50);
    expect(response.headers['x-heatmap-max-seconds']).toMatch(/^\d+(\.\d+)?$/);
  });

  it('returns the current floor grid with zeros where there is no data', async () => {
    const body = await getJson<{ seconds: number[]; bins: number; cols: number; rows: number }>(
      '/api/v1/heatmap?from=2025-01-01&to=2025-01-02&bin=hour',
    );
    expect(body.bins).toBe(0);
    expect([body.cols, body.rows]).toEqual([28, 33]);
    expect(body.seconds.every((s) => s === 0)).toBe(true);
  });
});

describe('GET /api/v1/summary/daily', () => {
  it('gives each store day the figures computed from its minute bins', async () => {
    const body = await getJson<{ items: Record<string, unknown>[] }>(
      '/api/v1/summary/daily?from=2026-03-28&to=2026-03-30',
    );
    expect(body.items.map((row) => [row.date, row.day_start, row.day_end])).toEqual([
      ['2026-03-28', '2026-03-28T00:00:00+01:00', '2026-03-29T00:00:00+01:00'],
      ['2026-03-29', '2026-03-29T00:00:00+01:00', '2026-03-30T00:00:00+02:00'],
    ]);
    for (const [day, row] of [
      [DAY1, body.items[0]],
      [DAY2, body.items[1]],
    ] as const) {
      const minutes = within(day.start, day.end);
      const door = (key: 'in' | 'out' | 'groups_in' | 'groups_out') =>
        sum(minutes.map((m) => m.lines.door?.[key] ?? 0));
      const hourly = new Map<number, number>();
      for (const m of minutes) {
        const hour = Math.floor(m.bin_start_ms / HOUR) * HOUR;
        hourly.set(hour, (hourly.get(hour) ?? 0) + (m.lines.door?.in ?? 0));
      }
      const [peakStart, peakIn] = [...hourly].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0] as [number, number];
      const visits = sum(minutes.map((m) => m.store_visits.count));
      const zoneVisits = new Map<string, number>();
      for (const m of minutes)
        for (const [id, z] of Object.entries(m.zones)) zoneVisits.set(id, (zoneVisits.get(id) ?? 0) + z.visits);
      const busiest = [...zoneVisits]
        .filter(([, n]) => n > 0)
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, 3)
        .map(([zone, n]) => ({ zone, visits: n }));
      const checkout = zoneVisits.get('till') ?? 0;
      expect(row).toEqual({
        date: row?.date,
        day_start: row?.day_start,
        day_end: row?.day_end,
        visitors_in: door('in'),
        visitors_out: door('out'),
        groups_in: door('groups_in'),
        groups_out: door('groups_out'),
        peak_hour_start: expect.any(String),
        peak_hour_in: peakIn,
        store_visits: visits,
        mean_visit_s: expect.closeTo(sum(minutes.map((m) => m.store_visits.total_s)) / visits, 9),
        open_visits: sum(minutes.map((m) => m.store_visits.open)),
        checkout_visits: checkout,
        checkout_visits_per_entry: expect.closeTo(checkout / door('in'), 12),
        busiest_zones: busiest,
      });
      expect(Date.parse(row?.peak_hour_start as string)).toBe(peakStart);
      expect(door('in')).toBeGreaterThan(0);
    }
    // Day 1's busiest hour is 11:00 local, when two copies of the scene ran.
    expect(body.items[0]?.peak_hour_start).toBe('2026-03-28T11:00:00+01:00');
  });

  it('lists a day without data with zeros and nulls', async () => {
    const body = await getJson<{ items: Record<string, unknown>[] }>(
      '/api/v1/summary/daily?from=2026-03-27&to=2026-03-28',
    );
    expect(body.items).toEqual([
      {
        date: '2026-03-27',
        day_start: '2026-03-27T00:00:00+01:00',
        day_end: '2026-03-28T00:00:00+01:00',
        visitors_in: 0,
        visitors_out: 0,
        groups_in: 0,
        groups_out: 0,
        peak_hour_start: null,
        peak_hour_in: 0,
        store_visits: 0,
        mean_visit_s: null,
        open_visits: 0,
        checkout_visits: 0,
        checkout_visits_per_entry: null,
        busiest_zones: [],
      },
    ]);
  });
});

describe('checkout zones', () => {
  it('are queue zones and zones with "checkout" in their id or name', () => {
    expect(isCheckoutZone({ id: 'till', kind: 'queue' })).toBe(true);
    expect(isCheckoutZone({ id: 'checkout_2', kind: 'area' })).toBe(true);
    expect(isCheckoutZone({ id: 'z7', name: 'Self-Checkout lane', kind: 'area' })).toBe(true);
    expect(isCheckoutZone({ id: 'dairy', name: 'Dairy', kind: 'area' })).toBe(false);
    expect(isCheckoutZone({ id: 'window', kind: 'viewing' })).toBe(false);
  });
});
