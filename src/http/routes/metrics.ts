/**
 * `GET /metrics`: Prometheus text exposition of the gateway's registry — connections, messages by
 * kind, refusals by reason, HTTP counters, and prom-client's process metrics (RSS, event-loop lag)
 * registered by src/metrics.ts with the `omo_` prefix. Open by default because scrapers rarely carry
 * bearer tokens and the figures hold no device ids (label rule in src/metrics.ts); `protectMetrics`
 * puts it behind the `admin` scope for stores that expose the port beyond their LAN.
 */
import type { Registry } from 'prom-client';
import { bearerSecurity } from '../auth.js';
import { errorResponses } from '../schemas.js';
import type { HttpRoutePlugin } from '../types.js';

export function metricsRoutes(registry: Registry, protect: boolean): HttpRoutePlugin {
  return {
    name: 'metrics',
    register(app, { requireScope }) {
      const onRequest = protect ? [requireScope('admin')] : [];
      app.get(
        '/metrics',
        {
          onRequest,
          schema: {
            summary: 'Prometheus metrics',
            description: protect ? 'Needs the admin scope.' : 'No token needed (http metrics are not protected).',
            tags: ['metrics'],
            ...(protect ? { security: bearerSecurity } : {}),
            response: {
              200: {
                description: 'Prometheus text exposition format 0.0.4.',
                content: { 'text/plain': { schema: { type: 'string' } } },
              },
              ...errorResponses(...(protect ? [401, 403, 500] : [500])),
            },
          },
        },
        async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()),
      );
    },
  };
}
