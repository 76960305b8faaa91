/**
 * `GET /healthz` (ARCHITECTURE §8): no auth, so load balancers and systemd watchdogs can poll it. 200
 * while the gateway serves (`ok`, or `degraded` — e.g. the uplink is away but the store keeps working),
 * 503 when `down`. A health source that throws is itself a `down` verdict, not a 500.
 */
import { Type as T } from '@sinclair/typebox';
import { createLogger } from '../../log.js';
import { errorResponses, StringEnum } from '../schemas.js';
import type { ComponentHealth, HealthReport, HttpRoutePlugin } from '../types.js';

const log = createLogger('omo:http');

const Status = StringEnum(['ok', 'degraded', 'down'], { description: 'Overall verdict.' });
const Component = (description: string) =>
  T.Object(
    { status: StringEnum(['ok', 'degraded', 'down', 'disabled', 'unknown'], { description: 'State of this part.' }) },
    { additionalProperties: true, description },
  );

// Each part that reports health appears under its name beside `status`: `storage` (SQLite), `broker`
// (listeners, connected devices), `uplink` (connection, backlog, last acknowledgement), `outbox` (bytes
// held)… so a monitor reads `body.broker.status` without knowing which parts a gateway runs.
const HealthSchema = T.Object(
  {
    status: Status,
    storage: Component('SQLite: the gateway database answers.'),
    uptime_s: T.Integer({ description: 'Seconds since the gateway started.', minimum: 0 }),
  },
  { additionalProperties: Component('A part of the gateway, by its name.') },
);

export function healthRoutes(health: () => HealthReport | Promise<HealthReport>, startedAt: number): HttpRoutePlugin {
  return {
    name: 'health',
    register(app) {
      app.get(
        '/healthz',
        {
          schema: {
            summary: 'Gateway health',
            description: '200 when ok or degraded, 503 when down. No token needed.',
            tags: ['health'],
            response: {
              200: { ...HealthSchema, description: 'Serving (ok or degraded).' },
              503: { ...HealthSchema, description: 'Down.' },
              ...errorResponses(500),
            },
          },
        },
        async (_request, reply) => {
          const report = await readHealth(health);
          const uptime_s = Math.max(0, Math.floor((Date.now() - startedAt) / 1000));
          return reply
            .code(report.status === 'down' ? 503 : 200)
            .send({ status: report.status, ...report.parts, uptime_s });
        },
      );
    },
  };
}

async function readHealth(health: () => HealthReport | Promise<HealthReport>): Promise<HealthReport> {
  try {
    return await health();
  } catch (error) {
    log.error(`health check failed: ${(error as Error).message}`);
    const unknown: ComponentHealth = { status: 'unknown', error: (error as Error).message };
    return { status: 'down', parts: { storage: unknown } };
  }
}
