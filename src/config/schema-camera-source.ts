/**
 * Config schema: where a plain camera's frames come from and how the gateway treats them before the
 * detector (issue 9 points 2, 8). Spread into the `camera` section of a device (schema-devices.ts), so
 * every key sits under the camera it belongs to. The source is chosen by the keys present: `snapshot_url`
 * → the gateway pulls JPEGs over HTTP(S); `stream_url` → an `ffmpeg` child decodes the stream; neither →
 * the camera publishes JPEGs on `omo/camera/<id>/frame`.
 */
import { type Static, Type as T } from '@sinclair/typebox';
import { Strict } from './schema-parts.js';

const MotionSchema = T.Object(
  {
    enabled: T.Boolean({
      description:
        'Run the detector only on frames that differ from the one before (a frame difference on a small greyscale copy, as Frigate does); a still scene keeps its confirmed tracks without inference.',
      default: true,
    }),
    threshold: T.Integer({
      description: 'Grey-level change (0-255) at which a pixel of the small copy counts as changed; below it is noise.',
      minimum: 1,
      maximum: 255,
      default: 25,
    }),
    min_area: T.Number({
      description:
        'Share of the small copy that must change for a frame to count as motion; 0.001 is 6 pixels of 96×64 — a person a few metres away.',
      minimum: 0,
      maximum: 1,
      default: 0.001,
    }),
    max_interval_s: T.Number({
      description:
        'A frame is detected at least this often however still the scene is, so someone who walks in slowly or stands still is found.',
      minimum: 0.2,
      maximum: 600,
      default: 5,
    }),
  },
  { ...Strict, description: 'Motion gating before inference.', default: {} },
);

export const CameraSourceKeys = {
  snapshot_url: T.Optional(
    T.String({
      description:
        'HTTP(S) URL the gateway pulls JPEG snapshots from at `fps` (plain cameras that do not publish frames).',
      pattern: '^https?://',
      maxLength: 2048,
    }),
  ),
  stream_url: T.Optional(
    T.String({
      description:
        'Any input the system ffmpeg reads — rtsp://, an HTTP MJPEG stream, or a video file (a path relative to the config file) — decoded by an ffmpeg child process at `fps`.',
      minLength: 1,
      maxLength: 2048,
    }),
  ),
  username: T.Optional(
    T.String({ description: 'User name for the snapshot URL (basic or digest, as the camera asks).', maxLength: 256 }),
  ),
  password: T.Optional(T.String({ description: 'Password for the snapshot URL; never logged.', maxLength: 256 })),
  timeout_s: T.Optional(
    T.Number({
      description:
        'A snapshot request that takes longer fails; a stream or a publishing camera that gives no frame for this long is down (and an ffmpeg child is restarted).',
      minimum: 0.5,
      maximum: 120,
      default: 10,
    }),
  ),
  retry_min_s: T.Optional(
    T.Number({
      description: 'First wait before trying a camera that is away again; it doubles on every failure.',
      minimum: 0.1,
      maximum: 60,
      default: 1,
    }),
  ),
  retry_max_s: T.Optional(
    T.Number({
      description: 'Longest wait between tries of a camera that is away.',
      minimum: 1,
      maximum: 3600,
      default: 30,
    }),
  ),
  motion: T.Optional(MotionSchema),
  debug_snapshot: T.Optional(
    T.Boolean({
      description:
        'Serve the last analysed frame with its boxes at GET /api/v1/cameras/<id>/debug.jpg (admin scope). Off by default: it keeps a picture of people in memory; a warning is logged when on.',
      default: false,
    }),
  ),
};

type Defaulted<S> = S extends { default: infer D } ? D : never;
const fallback = <K extends 'timeout_s' | 'retry_min_s' | 'retry_max_s' | 'debug_snapshot'>(key: K) =>
  CameraSourceKeys[key].default as Defaulted<(typeof CameraSourceKeys)[K]>;

/** What a camera section may hold of these keys (the device type is wider; this is all the code reads). */
export interface CameraSourceInput {
  snapshot_url?: string;
  stream_url?: string;
  username?: string;
  password?: string;
  timeout_s?: number;
  retry_min_s?: number;
  retry_max_s?: number;
  motion?: Partial<Static<typeof MotionSchema>>;
  debug_snapshot?: boolean;
}

export type CameraSourceSettings = Required<
  Omit<CameraSourceInput, 'snapshot_url' | 'stream_url' | 'username' | 'password'>
> &
  Pick<CameraSourceInput, 'snapshot_url' | 'stream_url' | 'username' | 'password'> & {
    motion: Static<typeof MotionSchema>;
  };

/**
 * The keys with their defaults filled in. A loaded config already has them (Ajv fills defaults); the
 * keys are optional in the type only so that code and tests building a camera by hand need not spell
 * them all, and this reads the defaults from the schema so they are written once.
 */
export function cameraSourceSettings(camera: CameraSourceInput): CameraSourceSettings {
  const motion = MotionSchema.properties;
  return {
    ...camera,
    timeout_s: camera.timeout_s ?? fallback('timeout_s'),
    retry_min_s: camera.retry_min_s ?? fallback('retry_min_s'),
    retry_max_s: camera.retry_max_s ?? fallback('retry_max_s'),
    debug_snapshot: camera.debug_snapshot ?? fallback('debug_snapshot'),
    motion: {
      enabled: camera.motion?.enabled ?? (motion.enabled.default as boolean),
      threshold: camera.motion?.threshold ?? (motion.threshold.default as number),
      min_area: camera.motion?.min_area ?? (motion.min_area.default as number),
      max_interval_s: camera.motion?.max_interval_s ?? (motion.max_interval_s.default as number),
    },
  };
}
