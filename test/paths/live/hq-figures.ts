/**
 * Reading a real gateway's stored path figures back for the live-path tests, the way HQ reads them: the
 * HQ API (ARCHITECTURE §8) with an `hq:read` token, every page of a range, summed per line and zone.
 * Transitions and paths leave the gateway k-anonymised (§5 "Privacy"), so their raw counts are read from
 * the SQLite store itself — only after the gateway has stopped, so nothing else holds the file.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { AggregateStore } from '../../../src/aggregate/store.js';
import type { GatewayConfig } from '../../../src/config/schema.js';
import { createRegistry } from '../../../src/metrics.js';
import { TokenStore } from '../../../src/registry/tokens.js';
import { openDatabase } from '../../../src/store/database.js';
import type { GatewayUnderTest } from '../../helpers/gateway.js';

const MINUTE_MS = 60_000;

/** Adds an `hq:read` token to `<dataDir>/tokens.json` (before the gateway starts) and returns it. */
export async function addHqToken(dataDir: string): Promise<string> {
  const tokens = await TokenStore.open(join(dataDir, 'tokens.json'));
  return (await tokens.add(`hq-${randomBytes(4).toString('hex')}`, ['hq:read'])).token;
}

export interface Range {
  fromMs: number;
  toMs: number;
}

/** Whole minutes around [firstMs, lastMs], `padMinutes` on each side. */
export function minuteRange(firstMs: number, lastMs: number, padMinutes = 2): Range {
  const fromMs = Math.floor(firstMs / MINUTE_MS) * MINUTE_MS - padMinutes * MINUTE_MS;
  const toMs = Math.ceil(lastMs / MINUTE_MS) * MINUTE_MS + padMinutes * MINUTE_MS;
  return { fromMs, toMs };
}

interface Page<R> {
  total: number;
  items: R[];
}

/** Every row of a paged HQ route over `range` at resolution `bin`, all pages. */
export async function hqRows<R>(
  gw: GatewayUnderTest,
  token: string,
  route: string,
  range: Range,
  bin: 'minute' | 'hour' = 'minute',
): Promise<R[]> {
  const rows: R[] = [];
  const from = new Date(range.fromMs).toISOString();
  const to = new Date(range.toMs).toISOString();
  for (;;) {
    const query = new URLSearchParams({ from, to, bin, limit: '1000', offset: String(rows.length) });
    const response = await gw.http(`/api/v1/${route}?${query}`, { token });
    if (response.status !== 200) throw new Error(`GET ${route} answered ${response.status}: ${await response.text()}`);
    const page = (await response.json()) as Page<R>;
    rows.push(...page.items);
    if (page.items.length === 0 || rows.length >= page.total) return rows;
  }
}

export interface FootfallRow {
  bin_start: string;
  line: string;
  entrance: boolean;
  in: number;
  out: number;
  groups_in: number;
  groups_out: number;
}

export interface ZoneRow {
  bin_start: string;
  zone: string;
  kind: string;
  visits: number;
  dwells: number;
  pass_throughs: number;
  dwell_total_s: number;
  occupancy_end: number;
  occupancy_max: number;
  occupancy_mean: number;
}

export interface FlowRow {
  bin_start: string;
  from: string | null;
  to: string | null;
  count: number;
  other: boolean;
  folded_flows: number;
}

export interface TopPathRow {
  rank: number | null;
  path: string | null;
  count: number;
  other: boolean;
  folded_flows: number;
}

export type LineTotals = Record<string, { in: number; out: number; groups_in: number; groups_out: number }>;
export type ZoneTotals = Record<
  string,
  { visits: number; dwells: number; pass_throughs: number; dwell_total_s: number }
>;

export function lineTotals(rows: readonly FootfallRow[]): LineTotals {
  const totals: LineTotals = {};
  for (const row of rows) {
    const total = totals[row.line] ?? { in: 0, out: 0, groups_in: 0, groups_out: 0 };
    totals[row.line] = total;
    total.in += row.in;
    total.out += row.out;
    total.groups_in += row.groups_in;
    total.groups_out += row.groups_out;
  }
  return totals;
}

export function zoneTotals(rows: readonly ZoneRow[]): ZoneTotals {
  const totals: ZoneTotals = {};
  for (const row of rows) {
    const total = totals[row.zone] ?? { visits: 0, dwells: 0, pass_throughs: 0, dwell_total_s: 0 };
    totals[row.zone] = total;
    total.visits += row.visits;
    total.dwells += row.dwells;
    total.pass_throughs += row.pass_throughs;
    total.dwell_total_s += row.dwell_total_s;
  }
  return totals;
}

/** Flow counts keyed `A>B>…`, the form both analyze and the store can be put in. */
export type FlowMap = Record<string, number>;

export function flowMap(flows: readonly { zones: readonly string[]; count: number }[]): FlowMap {
  const map: FlowMap = {};
  for (const flow of flows) map[flow.zones.join('>')] = (map[flow.zones.join('>')] ?? 0) + flow.count;
  return map;
}

/** Raw (not k-anonymised) transitions and paths over `range`, read from a STOPPED gateway's store. */
export async function storedFlows(
  dataDir: string,
  config: GatewayConfig,
  range: Range,
): Promise<{ transitions: FlowMap; paths: FlowMap }> {
  const db = openDatabase(join(dataDir, 'omo.db'), []);
  const store = new AggregateStore({ db, config, metrics: createRegistry() });
  try {
    await store.start();
    const options = { resolution: 'minute' as const, ...range };
    return {
      transitions: flowMap(store.flowTotals('transition', options)),
      paths: flowMap(store.flowTotals('path', options)),
    };
  } finally {
    await store.stop();
    db.close();
  }
}
