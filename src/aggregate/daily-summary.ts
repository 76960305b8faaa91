/**
 * The daily store summary (`GET /api/v1/summary/daily`, issue 4: "visitors in/out, groups, peak hour,
 * mean visit duration, busiest zones, checkout visits per entry"), one store day at a time, from the
 * day and hour bins. ARCHITECTURE §8 names the figures but not their rules; these are they:
 * - visitors and groups: the in/out counts of the entrance lines (config `entrance: true`); a floor
 *   without an entrance line counts all its lines;
 * - peak hour: the hour bin (UTC-aligned) starting inside the day with the most visitors in, the
 *   earliest on a tie; null when nobody came in. In zones with a half-hour offset hours straddle local
 *   hours; the hour is reported with its local start;
 * - mean visit duration: entrance-in → entrance-out store visits that ended that day (total / count);
 *   null without one. Visits still open when their track ended have no duration and are counted apart;
 * - checkout zones: every `queue` zone, and any zone whose id or name contains "checkout" (any case);
 *   checkout visits per entry = visits to checkout zones / visitors in (null when nobody came in);
 * - busiest zones: the three zones with the most visits (staff_only zones left out), ties by id.
 */
import type { Period } from './levels.js';
import type { LineSeriesRow, RangeOptions, StoreVisitRow } from './query.js';
import { compareIds, footfallOf } from './records.js';
import { localDate, localIso } from './time-zone.js';

// A type alias, not an interface: the CSV writer takes rows as Record<string, unknown>.
export type DailySummary = {
  date: string;
  day_start: string;
  day_end: string;
  visitors_in: number;
  visitors_out: number;
  groups_in: number;
  groups_out: number;
  peak_hour_start: string | null;
  peak_hour_in: number;
  store_visits: number;
  mean_visit_s: number | null;
  open_visits: number;
  checkout_visits: number;
  checkout_visits_per_entry: number | null;
  busiest_zones: { zone: string; visits: number }[];
};

/** A zone's visits in one bin: all the summary needs of zones (their dwell histograms are not read). */
export interface ZoneVisitRow {
  start_ms: number;
  zone: string;
  kind: string;
  visits: number;
}

/** The series the summary reads (query.ts `AggregateQuery` provides them). */
export interface DailySummarySource {
  lineSeries(options: RangeOptions): LineSeriesRow[];
  zoneVisits(options: RangeOptions): ZoneVisitRow[];
  storeVisitSeries(options: RangeOptions): StoreVisitRow[];
}

export interface DailySummaryContext {
  timeZone: string;
  /** The configured zones, for their names (a zone named "… checkout …" is a checkout zone). */
  zones: readonly { id: string; name?: string | undefined }[];
}

export const BUSIEST_ZONES = 3;

export function isCheckoutZone(zone: { id: string; name?: string | undefined; kind: string }): boolean {
  return zone.kind === 'queue' || /checkout/i.test(zone.id) || /checkout/i.test(zone.name ?? '');
}

/** One summary per store day in `days` (consecutive, in order); reads only the bins of those days. */
export function dailySummaries(
  source: DailySummarySource,
  context: DailySummaryContext,
  days: readonly Period[],
): DailySummary[] {
  const first = days[0];
  const last = days[days.length - 1];
  if (first === undefined || last === undefined) return [];
  const whole = { fromMs: first.start, toMs: last.end };
  const dayLines = groupByStart(source.lineSeries({ resolution: 'day', ...whole }));
  const hourLines = groupByStart(source.lineSeries({ resolution: 'hour', ...whole }));
  const dayZones = groupByStart(source.zoneVisits({ resolution: 'day', ...whole }));
  const dayVisits = new Map(source.storeVisitSeries({ resolution: 'day', ...whole }).map((r) => [r.start_ms, r]));
  const names = new Map(context.zones.map((zone) => [zone.id, zone.name]));
  return days.map((day) =>
    summarizeDay(context.timeZone, day, {
      lines: dayLines.get(day.start) ?? [],
      hours: [...hourLines].filter(([start]) => start >= day.start && start < day.end),
      zones: (dayZones.get(day.start) ?? []).map((row) => ({ ...row, name: names.get(row.zone) })),
      visits: dayVisits.get(day.start),
    }),
  );
}

function groupByStart<R extends { start_ms: number }>(rows: readonly R[]): Map<number, R[]> {
  const out = new Map<number, R[]>();
  for (const row of rows) {
    const list = out.get(row.start_ms) ?? [];
    list.push(row);
    out.set(row.start_ms, list);
  }
  return out;
}

interface DayRows {
  lines: LineSeriesRow[];
  hours: [number, LineSeriesRow[]][];
  zones: (ZoneVisitRow & { name: string | undefined })[];
  visits: StoreVisitRow | undefined;
}

function summarizeDay(timeZone: string, day: Period, rows: DayRows): DailySummary {
  const visitors = footfallOf(rows.lines);
  let peak: { start: number; in: number } | null = null;
  for (const [start, lines] of rows.hours.sort((a, b) => a[0] - b[0])) {
    const ins = footfallOf(lines).in;
    if (ins > 0 && (peak === null || ins > peak.in)) peak = { start, in: ins };
  }
  let checkout = 0;
  for (const zone of rows.zones)
    if (isCheckoutZone({ id: zone.zone, name: zone.name, kind: zone.kind })) checkout += zone.visits;
  const busiest = rows.zones
    .filter((zone) => zone.kind !== 'staff_only' && zone.visits > 0)
    .sort((a, b) => b.visits - a.visits || compareIds(a.zone, b.zone))
    .slice(0, BUSIEST_ZONES)
    .map((zone) => ({ zone: zone.zone, visits: zone.visits }));
  const visits = rows.visits;
  return {
    date: localDate(timeZone, day.start),
    day_start: localIso(timeZone, day.start),
    day_end: localIso(timeZone, day.end),
    visitors_in: visitors.in,
    visitors_out: visitors.out,
    groups_in: visitors.groups_in,
    groups_out: visitors.groups_out,
    peak_hour_start: peak === null ? null : localIso(timeZone, peak.start),
    peak_hour_in: peak?.in ?? 0,
    store_visits: visits?.count ?? 0,
    mean_visit_s: visits !== undefined && visits.count > 0 ? visits.total_s / visits.count : null,
    open_visits: visits?.open ?? 0,
    checkout_visits: checkout,
    checkout_visits_per_entry: visitors.in > 0 ? checkout / visitors.in : null,
    busiest_zones: busiest,
  };
}
