/**
 * `GET /api/v1/cameras/:id/debug.jpg` (admin, issue 9 point 8): the last frame a plain camera's detector
 * looked at, with its boxes drawn — for an installer aiming a camera or drawing its masks. Off unless the
 * camera's `debug_snapshot` is on (frames otherwise never leave the gateway), and then only to an admin
 * token. Never cached: it is a picture of people.
 */
import { Type as T } from '@sinclair/typebox';
import { bearerSecurity } from '../auth.js';
import { HttpError } from '../errors.js';
import { errorResponses } from '../schemas.js';
import type { HttpRoutePlugin } from '../types.js';

/** Answers for one camera: the JPEG, or why there is none. */
export type DebugSnapshot = { jpeg: Buffer; at: string } | { missing: 'unknown_camera' | 'disabled' | 'no_frame' };

export interface DebugSnapshotSource {
  debugSnapshot(cameraId: string): Promise<DebugSnapshot>;
}

const MESSAGES = {
  unknown_camera: (id: string) => `no plain camera "${id}" in the config`,
  disabled: (id: string) => `the debug snapshot of camera "${id}" is off (set its camera.debug_snapshot: true)`,
  no_frame: (id: string) => `camera "${id}" has no detected frame yet`,
};

export function cameraDebugRoutes(source: DebugSnapshotSource): HttpRoutePlugin {
  return {
    name: 'camera-debug',
    register(app, { requireScope }) {
      app.get<{ Params: { id: string } }>(
        '/api/v1/cameras/:id/debug.jpg',
        {
          onRequest: requireScope('admin'),
          schema: {
            summary: 'Last detected frame of a plain camera with its boxes (when debug_snapshot is on)',
            tags: ['admin'],
            security: bearerSecurity,
            params: T.Object({ id: T.String({ description: 'Camera device id.', minLength: 1, maxLength: 64 }) }),
            response: {
              200: {
                description: 'The frame as JPEG, boxes drawn; header x-frame-time is when it was taken.',
                content: { 'image/jpeg': { schema: { type: 'string', format: 'binary' } } },
              },
              ...errorResponses(401, 403, 404, 500),
            },
          },
        },
        async (request, reply) => {
          const { id } = request.params;
          const snapshot = await source.debugSnapshot(id);
          if ('missing' in snapshot) throw new HttpError(404, snapshot.missing, MESSAGES[snapshot.missing](id));
          return reply
            .type('image/jpeg')
            .header('cache-control', 'no-store')
            .header('x-frame-time', snapshot.at)
            .send(snapshot.jpeg);
        },
      );
    },
  };
}
