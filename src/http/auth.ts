/**
 * Bearer-token auth (RFC 6750) for the API (ARCHITECTURE §8): no valid token → 401, a token without the
 * route's scope → 403. `admin` implies every scope (see `scopeGrants`). Every refusal is counted by
 * reason; the presented token is never logged or echoed. Routes attach `requireScope(s)` as their
 * `onRequest` hook, so a caller without a token learns nothing about parameters (401 before any 400)
 * and its body is never parsed.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type Scope, scopeGrants, type TokenRecord, type TokenStore } from '../registry/tokens.js';
import { HttpError } from './errors.js';
import type { AuthFailureReason, HttpMetrics } from './http-metrics.js';
import type { ScopeHook } from './types.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified token of this request, set by `requireScope`; null on public routes. */
    token: TokenRecord | null;
  }
}

/** OpenAPI `security` for routes that call `requireScope`; the scheme is declared in openapi.ts. */
export const bearerSecurity = [{ bearerAuth: [] }];

const REALM = 'Bearer realm="omo-edge"';

export function installAuth(app: FastifyInstance, tokens: TokenStore, metrics: HttpMetrics) {
  app.decorateRequest('token', null);

  const refuse = (reason: AuthFailureReason, error: HttpError): never => {
    metrics.authFailures.inc({ reason });
    throw error;
  };

  const authenticate = (request: FastifyRequest): TokenRecord => {
    const header = request.headers.authorization;
    if (header === undefined || header === '') {
      return refuse(
        'missing_token',
        new HttpError(401, 'unauthorized', 'a bearer token is required (Authorization: Bearer <token>)', undefined, {
          'www-authenticate': REALM,
        }),
      );
    }
    // The scheme is case-insensitive (RFC 7235 §2.1); exactly one token follows it.
    const match = /^Bearer +([A-Za-z0-9._~+/_-]+=*) *$/i.exec(header);
    if (!match?.[1]) {
      return refuse(
        'malformed_header',
        new HttpError(401, 'unauthorized', 'the Authorization header must be "Bearer <token>"', undefined, {
          'www-authenticate': `${REALM}, error="invalid_request"`,
        }),
      );
    }
    const record = tokens.verify(match[1]);
    if (!record) {
      return refuse(
        'invalid_token',
        new HttpError(401, 'unauthorized', 'the bearer token is unknown or revoked', undefined, {
          'www-authenticate': `${REALM}, error="invalid_token"`,
        }),
      );
    }
    return record;
  };

  const requireScope = (scope: Scope): ScopeHook =>
    async function checkScope(request) {
      const record = authenticate(request);
      if (!scopeGrants(record.scopes, scope)) {
        refuse(
          'insufficient_scope',
          new HttpError(403, 'forbidden', `this token lacks the "${scope}" scope`, undefined, {
            'www-authenticate': `${REALM}, error="insufficient_scope", scope="${scope}"`,
          }),
        );
      }
      request.token = record;
    };

  return { requireScope };
}
