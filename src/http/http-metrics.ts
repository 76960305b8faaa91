/**
 * HTTP counters: requests by route template and status, auth failures by reason (ARCHITECTURE §11:
 * refusals are counted). Route labels are method and template (`DELETE /api/v1/tokens/:name`) or `unmatched`, never raw
 * URLs, so a scanner probing random paths cannot blow up the label set.
 */
import type { FastifyInstance } from 'fastify';
import { Counter, type Registry } from 'prom-client';
import { registerOnce } from '../metrics.js';

export type AuthFailureReason = 'missing_token' | 'malformed_header' | 'invalid_token' | 'insufficient_scope';

export interface HttpMetrics {
  requests: Counter<'route' | 'status'>;
  authFailures: Counter<'reason'>;
}

export function createHttpMetrics(registry: Registry): HttpMetrics {
  return {
    requests: counter(
      registry,
      'omo_http_requests_total',
      'HTTP requests answered, by method and route template, and status.',
      ['route', 'status'],
    ),
    authFailures: counter(registry, 'omo_http_auth_failures_total', 'HTTP requests refused by token auth, by reason.', [
      'reason',
    ]),
  };
}

/** Reuses a counter already in the registry, so an app rebuilt on the same registry does not throw. */
function counter<L extends string>(registry: Registry, name: string, help: string, labelNames: L[]): Counter<L> {
  return registerOnce(registry, name, () => new Counter({ name, help, labelNames, registers: [registry] }));
}

export function countRequests(app: FastifyInstance, metrics: HttpMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    // The method is part of the route value: GET and POST /api/v1/tokens are different operations.
    const template = request.is404 ? undefined : request.routeOptions.url;
    const route = template === undefined ? 'unmatched' : `${request.method} ${template}`;
    metrics.requests.inc({ route, status: String(reply.statusCode) });
  });
}
