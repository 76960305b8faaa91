/**
 * `GET /api/v1/summary/daily` (hq:read, ARCHITECTURE §8): the one call HQ makes per store and day — one
 * row per store day (local midnight to midnight in `store.timezone`) whose start lies in [from, to);
 * without a range, today so far. The figures and their rules are in src/aggregate/daily-summary.ts.
 * `bin` is accepted for symmetry with the other routes and must be `day`. In CSV, `busiest_zones` is a
 * JSON array in one field.
 */
import { Type as T } from '@sinclair/typebox';
import { dailySummaries } from '../../aggregate/daily-summary.js';
import { StringEnum } from '../schemas.js';
import { type HqTableConfig, NullableNumber, NullableString } from './hq-params.js';
import { defineTable } from './hq-table.js';

/** A year of days per request keeps the hour bins read for peak hours bounded (8,784 per line). */
const MAX_DAYS = 366;

const DayRow = T.Object({
  date: T.String({ description: 'The store day, YYYY-MM-DD in the store time zone.' }),
  day_start: T.String({ description: 'Local midnight, ISO-8601 with offset.' }),
  day_end: T.String({ description: 'The next local midnight (23-25 h later around DST changes).' }),
  visitors_in: T.Integer({ description: 'People in through entrance lines.' }),
  visitors_out: T.Integer({ description: 'People out through entrance lines.' }),
  groups_in: T.Integer({ description: 'Groups (buying units) in.' }),
  groups_out: T.Integer({ description: 'Groups out.' }),
  peak_hour_start: NullableString('Start of the hour with the most visitors in; null when nobody came in.'),
  peak_hour_in: T.Integer({ description: 'Visitors in during the peak hour.' }),
  store_visits: T.Integer({ description: 'Entrance-in → entrance-out visits that ended this day.' }),
  mean_visit_s: NullableNumber('Their mean duration; null without one.'),
  open_visits: T.Integer({ description: 'Visits whose track ended inside the store (no duration).' }),
  checkout_visits: T.Integer({ description: 'Visits to checkout zones (queue zones, or "checkout" in id or name).' }),
  checkout_visits_per_entry: NullableNumber('checkout_visits / visitors_in; null when nobody came in.'),
  busiest_zones: T.Array(T.Object({ zone: T.String(), visits: T.Integer() }), {
    description: 'The three zones with the most visits, staff_only zones left out.',
  }),
});

export function dailySummaryTable(config: HqTableConfig) {
  const context = { timeZone: config.store.timezone, zones: config.floor.zones };
  return defineTable({
    name: 'hq-summary',
    url: '/api/v1/summary/daily',
    summary: 'Daily store summary: visitors, groups, peak hour, visit duration, busiest zones, checkout rate',
    description: `One row per store day in [from, to), at most ${MAX_DAYS} days; without a range, today so far (the day holding final_until is listed with the figures final so far).`,
    bin: T.Optional(StringEnum(['day'], { description: 'Always day: one row per store day.', default: 'day' })),
    maxDays: MAX_DAYS,
    row: DayRow,
    filename: 'daily-summary',
    rows: ({ range, page }, aggregates) => {
      const days = aggregates.periods(range);
      const window = days.slice(page.offset, page.offset + page.limit);
      return { total: days.length, items: dailySummaries(aggregates, context, window) };
    },
  });
}
