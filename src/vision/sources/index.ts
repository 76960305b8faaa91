/**
 * Picks a camera's frame source from its config keys (src/config/schema-camera-source.ts):
 * `snapshot_url` → SnapshotSource, `stream_url` → FfmpegSource, neither → MqttFrames.
 */
import type { EventBus } from '../../bus.js';
import type { Clock } from '../../clock.js';
import { streamFile } from '../../config/checks-camera-source.js';
import type { CameraSourceSettings } from '../../config/schema-camera-source.js';
import { FfmpegSource } from './ffmpeg.js';
import type { Credentials } from './http-auth.js';
import { MqttFrames } from './mqtt-frames.js';
import { SnapshotSource } from './snapshot.js';
import type { FrameSource, SourceEvents } from './source.js';

export type { Frame, FrameSource, SourceEvents, SourceState } from './source.js';

export interface SourceContext extends SourceEvents {
  cameraId: string;
  camera: CameraSourceSettings & { fps: number };
  bus: EventBus;
  clock: Clock;
  /** `ingest.max_frame_bytes`: the same limit for every way a frame comes in. */
  maxFrameBytes: number;
  /** The config file's directory; a relative stream file is read from here. */
  configDir: string;
  /** A frame published over MQTT beyond the camera's fps. */
  onOverFps(): void;
  ffmpegPath?: string;
}

export function createFrameSource(context: SourceContext): FrameSource {
  const { camera, clock } = context;
  const common = {
    fps: camera.fps,
    timeoutMs: camera.timeout_s * 1000,
    retryMinMs: camera.retry_min_s * 1000,
    retryMaxMs: camera.retry_max_s * 1000,
    maxBytes: context.maxFrameBytes,
    clock,
    onFrame: context.onFrame,
    onFailure: context.onFailure,
  };
  if (camera.snapshot_url !== undefined) {
    const { url, credentials } = splitCredentials(camera.snapshot_url, camera);
    return new SnapshotSource({ ...common, url, ...(credentials === undefined ? {} : { credentials }) });
  }
  if (camera.stream_url !== undefined) {
    const file = streamFile(camera.stream_url, context.configDir);
    return new FfmpegSource({
      ...common,
      input: file ?? camera.stream_url,
      isFile: file !== undefined,
      ...(context.ffmpegPath === undefined ? {} : { ffmpegPath: context.ffmpegPath }),
    });
  }
  return new MqttFrames({ ...common, bus: context.bus, cameraId: context.cameraId, onOverFps: context.onOverFps });
}

/**
 * fetch refuses a URL with `user:pass@` in it, and many camera manuals write snapshot URLs that way: the
 * user info becomes the credentials unless `username` is set.
 */
function splitCredentials(
  raw: string,
  camera: { username?: string; password?: string },
): { url: string; credentials?: Credentials } {
  const url = new URL(raw);
  const fromUrl = { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
  url.username = '';
  url.password = '';
  if (camera.username !== undefined) {
    return { url: url.href, credentials: { username: camera.username, password: camera.password ?? '' } };
  }
  return fromUrl.username === '' ? { url: url.href } : { url: url.href, credentials: fromUrl };
}
