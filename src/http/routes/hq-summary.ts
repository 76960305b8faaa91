/**
 * `GET /api/v1/summary/daily` (hq:read, ARCHITECTURE §8): the one call HQ makes per store and day — one
 * row per store day (local midnight to midnight in `store.timezone`) whose start lies in [from, to).
 * The figures and their rules are in hq-daily.ts. `bin` is accepted for symmetry with the other
 * routes and must be `day`. In CSV, `busiest_zones` is a JSON array in one field.
 */
import { type Static, Type as T } from '@sinclair/typebox';
import { bearerSecurity } from '../auth.js';
import { sendTable } from '../respond.js';
import {
  errorResponses,
  FormatParam,
  LimitParam,
  OffsetParam,
  Query,
  StringEnum,
  tableResponse,
  type WithDefaults,
} from '../schemas.js';
import type { HttpRoutePlugin } from '../types.js';
import { dailySummaries } from './hq-daily.js';
import {
  FromParam,
  type HqDeps,
  invalid,
  NullableNumber,
  NullableString,
  PageSchema,
  page,
  resolveRange,
  ToParam,
} from './hq-params.js';

/** A year of days per request keeps the hour bins read for peak hours bounded (8,784 per line). */
const MAX_DAYS = 366;

const SummaryQuery = Query({
  from: FromParam,
  to: ToParam,
  bin: T.Optional(StringEnum(['day'], { description: 'Always day: one row per store day.', default: 'day' })),
  limit: LimitParam,
  offset: OffsetParam,
  format: FormatParam,
});
type SummaryQueryType = WithDefaults<Static<typeof SummaryQuery>, 'bin' | 'limit' | 'offset' | 'format'>;

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

export function hqSummaryRoutes(deps: HqDeps): HttpRoutePlugin {
  return {
    name: 'hq-summary',
    register(app, { requireScope }) {
      app.get<{ Querystring: SummaryQueryType }>(
        '/api/v1/summary/daily',
        {
          onRequest: requireScope('hq:read'),
          schema: {
            summary: 'Daily store summary: visitors, groups, peak hour, visit duration, busiest zones, checkout rate',
            description: `One row per store day in [from, to), at most ${MAX_DAYS} days. Paged with limit/offset.`,
            tags: ['hq'],
            security: bearerSecurity,
            querystring: SummaryQuery,
            response: {
              200: tableResponse(PageSchema(DayRow, 'Day rows'), 'One summary per store day.'),
              ...errorResponses(400, 401, 403, 500),
            },
          },
        },
        async (request, reply) => {
          const { limit, offset, format } = request.query;
          const range = resolveRange(request.query, deps);
          if (range.toMs - range.fromMs > MAX_DAYS * 86_400_000) {
            throw invalid(
              'to',
              `querystring parameter "to": /summary/daily covers at most ${MAX_DAYS} days per request`,
            );
          }
          const rows = dailySummaries(deps, deps.aggregates.periods(range));
          const body = page(range, rows, limit, offset);
          reply.header('x-total-count', String(body.total));
          const columns = Object.keys(DayRow.properties);
          return sendTable(reply, { format, rows: body.items, columns, filename: 'daily-summary', json: body });
        },
      );
    },
  };
}
