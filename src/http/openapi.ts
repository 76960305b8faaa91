/**
 * The API description (ARCHITECTURE §8 `GET /api/docs`): @fastify/swagger collects every route's schema
 * as it is registered, so the document cannot drift from the validation that actually runs. Register
 * this before any route.
 */
import swagger from '@fastify/swagger';
import { Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { errorResponses } from './schemas.js';
import type { HttpRoutePlugin } from './types.js';

/** Version of the `/api/v1` contract, not of the package. */
const API_VERSION = '1.0.0';

export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'omo-edge gateway API',
        version: API_VERSION,
        description:
          'HQ data, signage pull and administration of one store gateway. Bearer tokens with scopes ' +
          'hq:read, signage:pull and admin (admin implies the others). Errors are {"error":{"code","message"}}.',
        license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'A token from `omo-edge tokens add`.' },
        },
      },
      tags: [
        { name: 'health', description: 'Liveness for load balancers and watchdogs.' },
        { name: 'metrics', description: 'Prometheus scrape endpoint.' },
        { name: 'admin', description: 'Devices, dead letters and tokens (admin scope).' },
        { name: 'docs', description: 'This document.' },
        { name: 'hq', description: 'Footfall, zone, path and heatmap figures for HQ (hq:read scope).' },
      ],
    },
  });
}

const DocumentSchema = T.Object(
  { openapi: T.String(), info: T.Object({}, { additionalProperties: true }) },
  { additionalProperties: true, description: 'OpenAPI 3.0 document.' },
);

export function docsRoutes(): HttpRoutePlugin {
  return {
    name: 'docs',
    register(app) {
      for (const url of ['/api/docs', '/api/docs/openapi.json']) {
        app.get(
          url,
          {
            schema: {
              summary: 'OpenAPI document of this API',
              tags: ['docs'],
              response: { 200: DocumentSchema, ...errorResponses(500) },
            },
          },
          async () => app.swagger(),
        );
      }
    },
  };
}
