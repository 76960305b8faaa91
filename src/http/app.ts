/**
 * The HTTP app (ARCHITECTURE §3 `src/http/`, §8): built without listening so tests use `inject()` and
 * the gateway decides when and where to listen. Core routes (health, metrics, docs, admin) are route
 * plugins exactly like the feature routes callers pass in `deps.routes`, so HQ, signage and dashboard
 * endpoints plug in with the same auth, error envelope, counters and OpenAPI entry.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { installAuth } from './auth.js';
import { installErrorHandling } from './errors.js';
import { countRequests, createHttpMetrics } from './http-metrics.js';
import { docsRoutes, registerOpenApi } from './openapi.js';
import { deadLetterRoutes } from './routes/dead-letters.js';
import { deviceRoutes } from './routes/devices.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';
import { tokenRoutes } from './routes/tokens.js';
import type { HttpDeps, HttpRouteContext, HttpRoutePlugin } from './types.js';

export async function buildHttpApp(deps: HttpDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? false,
    // Unknown query parameters and body fields are refused with a 400 naming them instead of being
    // silently dropped (fastify's default), so a misspelt `limt=5` does not quietly return 100 rows.
    ajv: { customOptions: { removeAdditional: false } },
    // HEAD twins of every GET would double the OpenAPI entries for no client we have.
    exposeHeadRoutes: false,
    return503OnClosing: true,
  });
  const metrics = createHttpMetrics(deps.metrics);
  installErrorHandling(app);
  countRequests(app, metrics);
  const context: HttpRouteContext = installAuth(app, deps.tokens, metrics);
  await registerOpenApi(app);

  const plugins: HttpRoutePlugin[] = [
    healthRoutes(deps.health, deps.startedAt ?? Date.now()),
    metricsRoutes(deps.metrics, deps.protectMetrics ?? false),
    docsRoutes(),
    tokenRoutes(deps.tokens),
  ];
  if (deps.devices) plugins.push(deviceRoutes(deps.devices));
  if (deps.deadLetters) plugins.push(deadLetterRoutes(deps.deadLetters));
  plugins.push(...(deps.routes ?? []));

  const names = new Set<string>();
  for (const plugin of plugins) {
    if (names.has(plugin.name)) throw new Error(`two HTTP route plugins are named "${plugin.name}"`);
    names.add(plugin.name);
    // Each plugin gets its own encapsulated context: its hooks and decorators stay its own, while the
    // error handler, auth decoration and request counter above are inherited.
    await app.register(async (scope) => plugin.register(scope, context));
  }
  await app.ready();
  return app;
}
