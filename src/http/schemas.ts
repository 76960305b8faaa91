/**
 * Schema pieces shared by every route, core and feature alike, so `/api/docs` describes the same error
 * envelope, pagination and `format` everywhere (ARCHITECTURE §8). The API document is OpenAPI 3.0, so
 * enums are written as `enum` (3.0 has no `const`) and nothing is `type: null`.
 */
import { Type as T, type TSchema } from '@sinclair/typebox';

export const ErrorSchema = T.Object(
  {
    error: T.Object({
      code: T.String({ description: 'Machine-readable code, e.g. unauthorized, forbidden, invalid_parameter.' }),
      message: T.String({ description: 'A sentence for people; names the parameter when one was refused.' }),
      parameter: T.Optional(T.String({ description: 'The refused request parameter or body field.' })),
    }),
  },
  { description: 'Error envelope' },
);

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'A parameter is missing or invalid; the message names it.',
  401: 'No bearer token, or one that is unknown or revoked.',
  403: 'The token lacks the scope this route needs.',
  404: 'Not found.',
  409: 'Conflicts with existing state.',
  413: 'The request would read more than one request may; the message says how to narrow it.',
  500: 'Internal error (details only in the gateway log).',
  503: 'Not available right now.',
};

/** Response schemas for the given error statuses, each the shared envelope. */
export function errorResponses(...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(
    statuses.map((status) => [status, { ...ErrorSchema, description: ERROR_DESCRIPTIONS[status] ?? 'Error' }]),
  );
}

/** A string enum TypeBox types precisely but that stays OpenAPI 3.0 (`enum`, not `anyOf`/`const`). */
export function StringEnum<const V extends string>(
  values: readonly V[],
  options: { description: string; default?: V },
) {
  return T.Unsafe<V>({ type: 'string', enum: [...values], ...options });
}

/*
 * Parameters with a default are Optional in the schema (so OpenAPI says `required: false`), and the
 * app's Ajv fills the default before the handler runs (`useDefaults`), so handlers type their query as
 * `WithDefaults<Static<typeof Q>, 'limit' | …>` instead of repeating the defaults in code.
 */
export const FormatParam = T.Optional(
  StringEnum(['json', 'csv'], {
    description: 'Response format: JSON, or RFC 4180 CSV with a header row.',
    default: 'json',
  }),
);
export type Format = 'json' | 'csv';

export const LimitParam = T.Optional(T.Integer({ description: 'Page size.', minimum: 1, maximum: 1000, default: 100 }));
export const OffsetParam = T.Optional(
  T.Integer({ description: 'Rows to skip.', minimum: 0, maximum: 1_000_000_000, default: 0 }),
);

/** A query type whose defaulted keys are present, as they are after validation. */
export type WithDefaults<Q, K extends keyof Q> = Omit<Q, K> & { [P in K]-?: Exclude<Q[P], undefined> };

/** A querystring schema that refuses unknown parameters (the app's Ajv reports them instead of dropping them). */
export function Query<P extends Record<string, TSchema>>(properties: P) {
  return T.Object(properties, { additionalProperties: false });
}

/** 200 response that is JSON (`json`) or CSV (`format=csv`). */
export function tableResponse(json: TSchema, description: string) {
  return {
    description,
    content: {
      'application/json': { schema: json },
      'text/csv': { schema: { type: 'string', description: 'RFC 4180 CSV, header row first.' } },
    },
  };
}
