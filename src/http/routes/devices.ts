/**
 * `GET /api/v1/devices` (admin, ARCHITECTURE §8): the registered devices. The response schema lists the
 * fields shown, and fastify's serializer drops every other one, so a credential hash in the registry
 * record can never reach the wire even if the registry hands it over.
 */
import { type Static, Type as T } from '@sinclair/typebox';
import { bearerSecurity } from '../auth.js';
import { sendTable } from '../respond.js';
import { errorResponses, FormatParam, Query, tableResponse, type WithDefaults } from '../schemas.js';
import type { DeviceListSource, HttpRoutePlugin } from '../types.js';

const DeviceSchema = T.Object({
  id: T.String({ description: 'Device id (the `<deviceId>` in its MQTT topics).' }),
  kind: T.String({ description: 'Device kind, naming its profile: shelf, camera, signage…' }),
  created_at: T.Optional(T.String({ format: 'date-time', description: 'When it was registered.' })),
  updated_at: T.Optional(T.String({ format: 'date-time', description: 'When its password was last set.' })),
});

const DevicesQuery = Query({
  kind: T.Optional(T.String({ description: 'Only devices of this kind.', minLength: 1, maxLength: 64 })),
  format: FormatParam,
});

const COLUMNS = ['id', 'kind', 'created_at', 'updated_at'];

export function deviceRoutes(devices: DeviceListSource): HttpRoutePlugin {
  return {
    name: 'devices',
    register(app, { requireScope }) {
      app.get<{ Querystring: WithDefaults<Static<typeof DevicesQuery>, 'format'> }>(
        '/api/v1/devices',
        {
          onRequest: requireScope('admin'),
          schema: {
            summary: 'List registered devices',
            tags: ['admin'],
            security: bearerSecurity,
            querystring: DevicesQuery,
            response: {
              200: tableResponse(T.Object({ items: T.Array(DeviceSchema) }), 'Registered devices, sorted by id.'),
              ...errorResponses(400, 401, 403, 500),
            },
          },
        },
        async (request, reply) => {
          const { kind, format } = request.query;
          const rows = devices
            .list()
            .filter((device) => kind === undefined || device.kind === kind)
            // Explicit fields: snake_case on the wire (STYLE), and nothing else of the record leaves.
            .map(({ id, kind, createdAt, updatedAt }) => ({ id, kind, created_at: createdAt, updated_at: updatedAt }))
            .sort((a, b) => a.id.localeCompare(b.id));
          return sendTable(reply, { format, rows, columns: COLUMNS, filename: 'devices' });
        },
      );
    },
  };
}
