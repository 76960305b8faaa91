/**
 * The HTTP part: the fastify app with the core routes (health, metrics, docs, admin) and every route the
 * parts before it added, listening on `http.host:http.port`. Last to start, so a request never reaches
 * a part that is not running; first to stop.
 */
import type { PartFactory } from '../part.js';
import { buildHttpApp } from './app.js';

export const httpPart: PartFactory = ({ config, metrics, clock, routes, ports, health, need, find }) => {
  let app: Awaited<ReturnType<typeof buildHttpApp>> | undefined;
  return {
    name: 'http',
    async start() {
      const deadLetters = find('deadLetters');
      app = await buildHttpApp({
        tokens: need('tokens'),
        metrics,
        health,
        devices: need('devices'),
        ...(deadLetters ? { deadLetters } : {}),
        routes,
        startedAt: clock.now(),
      });
      await app.listen({ host: config.http.host, port: config.http.port });
      const address = app.server.address();
      ports.http = typeof address === 'object' && address !== null ? address.port : config.http.port;
    },
    stop: () => app?.close(),
  };
};
