/**
 * `GET /api/v1/dead-letters` (admin, ARCHITECTURE §4 and §8): the refused device messages, newest
 * first as the dead-letter store returns them, paged and filtered by reason, device and time.
 */
import { type Static, Type as T } from '@sinclair/typebox';
import { bearerSecurity } from '../auth.js';
import type { CsvRow } from '../csv.js';
import { sendTable } from '../respond.js';
import {
  errorResponses,
  FormatParam,
  LimitParam,
  OffsetParam,
  Query,
  tableResponse,
  type WithDefaults,
} from '../schemas.js';
import type { DeadLetterQuery, DeadLetterSource, HttpRoutePlugin } from '../types.js';

const DeadLettersQuery = Query({
  limit: LimitParam,
  offset: OffsetParam,
  reason: T.Optional(
    T.String({ description: 'Only this refusal reason (machine code, e.g. schema).', minLength: 1, maxLength: 64 }),
  ),
  device: T.Optional(T.String({ description: 'Only messages from this device id.', minLength: 1, maxLength: 128 })),
  since: T.Optional(
    T.String({ format: 'date-time', description: 'Only messages refused at or after this ISO-8601 time.' }),
  ),
  format: FormatParam,
});

const DeadLetterPage = T.Object({
  total: T.Integer({ description: 'Rows held in the dead-letter table, before filtering.' }),
  limit: T.Integer(),
  offset: T.Integer(),
  items: T.Array(T.Object({}, { additionalProperties: true, description: 'A dead-letter row.' })),
});

export function deadLetterRoutes(deadLetters: DeadLetterSource): HttpRoutePlugin {
  return {
    name: 'dead-letters',
    register(app, { requireScope }) {
      app.get<{ Querystring: WithDefaults<Static<typeof DeadLettersQuery>, 'limit' | 'offset' | 'format'> }>(
        '/api/v1/dead-letters',
        {
          onRequest: requireScope('admin'),
          schema: {
            summary: 'List refused device messages',
            description: 'Paged with limit/offset; X-Total-Count carries the unfiltered row count.',
            tags: ['admin'],
            security: bearerSecurity,
            querystring: DeadLettersQuery,
            response: {
              200: tableResponse(DeadLetterPage, 'One page of dead letters.'),
              ...errorResponses(400, 401, 403, 500),
            },
          },
        },
        async (request, reply) => {
          const { limit, offset, reason, device, since, format } = request.query;
          const query: DeadLetterQuery = { limit, offset };
          if (reason !== undefined) query.reason = reason;
          if (device !== undefined) query.deviceId = device;
          if (since !== undefined) query.since = Date.parse(since);
          const rows = deadLetters.list(query).map(asRow);
          const total = deadLetters.count();
          reply.header('x-total-count', String(total));
          return sendTable(reply, {
            format,
            rows,
            filename: 'dead-letters',
            json: { total, limit, offset, items: rows },
          });
        },
      );
    },
  };
}

/** Rows are objects; anything else the store hands over is wrapped so CSV and JSON still agree. */
function asRow(value: unknown): CsvRow {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as CsvRow) : { value };
}
