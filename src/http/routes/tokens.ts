/**
 * Token administration over HTTP (admin; ARCHITECTURE §8 "Admin: … tokens"), the same operations as
 * `omo-edge tokens add|list|revoke`. The new token is in the POST response and nowhere else, ever.
 */
import { type Static, Type as T } from '@sinclair/typebox';
import { SCOPES, TokenError, type TokenErrorCode, type TokenStore } from '../../registry/tokens.js';
import { bearerSecurity } from '../auth.js';
import { HttpError } from '../errors.js';
import { sendTable } from '../respond.js';
import { errorResponses, FormatParam, Query, StringEnum, tableResponse, type WithDefaults } from '../schemas.js';
import type { HttpRoutePlugin } from '../types.js';

const ScopeSchema = StringEnum(SCOPES, { description: 'hq:read (HQ data), signage:pull (screens), admin (all).' });
const NameSchema = T.String({
  description: 'Token name: 1-64 of a-z, 0-9, - and _, starting with a letter or digit.',
  pattern: '^[a-z0-9][a-z0-9_-]{0,63}$',
});

const TokenView = T.Object({
  name: T.String(),
  scopes: T.Array(ScopeSchema),
  created_at: T.String({ format: 'date-time' }),
  last_used: T.Optional(T.String({ format: 'date-time', description: 'Recorded at most once a minute.' })),
});

const CreateBody = T.Object(
  { name: NameSchema, scopes: T.Array(ScopeSchema, { minItems: 1, maxItems: SCOPES.length, uniqueItems: true }) },
  { additionalProperties: false },
);
const Created = T.Object({
  name: T.String(),
  scopes: T.Array(ScopeSchema),
  created_at: T.String({ format: 'date-time' }),
  token: T.String({ description: 'The bearer token. Shown only in this response; store it now.' }),
});
const NameParams = T.Object({ name: NameSchema });
const ListQuery = Query({ format: FormatParam });

const STATUS_BY_CODE: Record<TokenErrorCode, number> = {
  invalid_name: 400,
  invalid_scope: 400,
  duplicate: 409,
  not_found: 404,
};

export function tokenRoutes(tokens: TokenStore): HttpRoutePlugin {
  return {
    name: 'tokens',
    register(app, { requireScope }) {
      const admin = requireScope('admin');
      const common = { tags: ['admin'], security: bearerSecurity };

      app.get<{ Querystring: WithDefaults<Static<typeof ListQuery>, 'format'> }>(
        '/api/v1/tokens',
        {
          onRequest: admin,
          schema: {
            ...common,
            summary: 'List API tokens (names and scopes, never secrets)',
            querystring: ListQuery,
            response: {
              200: tableResponse(T.Object({ items: T.Array(TokenView) }), 'All tokens.'),
              ...errorResponses(400, 401, 403, 500),
            },
          },
        },
        async (request, reply) => {
          const items = tokens.list();
          return sendTable(reply, {
            format: request.query.format,
            // One cell per field in CSV: scopes space-separated, as OAuth writes a scope list.
            rows: items.map((record) => ({ ...record, scopes: record.scopes.join(' ') })),
            columns: ['name', 'scopes', 'created_at', 'last_used'],
            filename: 'tokens',
            json: { items },
          });
        },
      );

      app.post<{ Body: Static<typeof CreateBody> }>(
        '/api/v1/tokens',
        {
          onRequest: admin,
          schema: {
            ...common,
            summary: 'Create an API token',
            body: CreateBody,
            response: {
              201: { ...Created, description: 'Created; the token is shown this once.' },
              ...errorResponses(400, 401, 403, 409, 500),
            },
          },
        },
        async (request, reply) => {
          const { token, record } = await tokenCall(() => tokens.add(request.body.name, request.body.scopes));
          return reply.code(201).send({ ...record, token });
        },
      );

      app.delete<{ Params: Static<typeof NameParams> }>(
        '/api/v1/tokens/:name',
        {
          onRequest: admin,
          schema: {
            ...common,
            summary: 'Revoke an API token',
            params: NameParams,
            response: {
              204: { type: 'null', description: 'Revoked; it stops working immediately.' },
              ...errorResponses(400, 401, 403, 404, 500),
            },
          },
        },
        async (request, reply) => {
          await tokenCall(() => tokens.revoke(request.params.name));
          return reply.code(204).send();
        },
      );
    },
  };
}

async function tokenCall<R>(call: () => Promise<R>): Promise<R> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof TokenError)) throw error;
    const parameter = error.code === 'invalid_name' ? 'name' : error.code === 'invalid_scope' ? 'scopes' : undefined;
    throw new HttpError(STATUS_BY_CODE[error.code], error.code, error.message, parameter);
  }
}
