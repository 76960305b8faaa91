/**
 * Cross-field checks of a plain camera's frame source (schema-camera-source.ts): one source per camera,
 * credentials that can be used, retry delays in order, a stream file that exists.
 */
import { existsSync } from 'node:fs';
import type { CheckProblem, ConfigCheck } from './checks-common.js';
import type { DeviceConfig } from './schema.js';
import { cameraSourceSettings } from './schema-camera-source.js';

type Camera = NonNullable<DeviceConfig['camera']>;

function eachCamera(
  devices: readonly DeviceConfig[],
  check: (camera: Camera, path: (string | number)[]) => CheckProblem[],
) {
  return devices.flatMap((device, i) =>
    device.camera === undefined ? [] : check(device.camera, ['devices', i, 'camera']),
  );
}

/** The source is chosen by the keys present (schema-camera-source.ts), so two would be ambiguous. */
export const cameraHasOneSource: ConfigCheck = ({ devices }) =>
  eachCamera(devices, (camera, path) => {
    if (camera.snapshot_url !== undefined && camera.stream_url !== undefined) {
      return [
        { path: [...path, 'stream_url'], reason: 'a camera has one source: "snapshot_url" or "stream_url", not both' },
      ];
    }
    const source = camera.snapshot_url !== undefined ? 'snapshot_url' : 'stream_url';
    if (camera.type === 'smart' && camera[source] !== undefined) {
      return [
        { path: [...path, source], reason: 'only a plain camera has a frame source; a smart camera publishes tracks' },
      ];
    }
    return [];
  });

/** Credentials go with the snapshot URL; a stream carries its own in the URL (rtsp://user:pass@…). */
export const cameraCredentialsUsable: ConfigCheck = ({ devices }) =>
  eachCamera(devices, (camera, path) => {
    const problems: CheckProblem[] = [];
    if (camera.password !== undefined && camera.username === undefined) {
      problems.push({ path: [...path, 'password'], reason: 'needs "username" as well' });
    }
    if (camera.username !== undefined && camera.snapshot_url === undefined) {
      problems.push({
        path: [...path, 'username'],
        reason: 'is used only with "snapshot_url" (a stream_url carries its credentials: rtsp://user:pass@host/…)',
      });
    }
    return problems;
  });

export const cameraRetryOrdered: ConfigCheck = ({ devices }) =>
  eachCamera(devices, (camera, path) => {
    const { retry_min_s, retry_max_s } = cameraSourceSettings(camera);
    return retry_min_s > retry_max_s
      ? [{ path: [...path, 'retry_min_s'], reason: `${retry_min_s} must not exceed retry_max_s (${retry_max_s})` }]
      : [];
  });

/** A stream_url without a scheme is a file; a missing one would only show as an ffmpeg restart loop. */
export const streamFileExists: ConfigCheck = ({ devices }, { dir }) =>
  eachCamera(devices, (camera, path) => {
    const file = camera.stream_url === undefined ? undefined : streamFile(camera.stream_url, dir);
    return file === undefined || existsSync(file)
      ? []
      : [{ path: [...path, 'stream_url'], reason: `no such file (looked for ${file})` }];
  });

/** The file a stream_url names, or undefined when it is a network URL (rtsp://, http://…). */
export function streamFile(url: string, dir: string): string | undefined {
  if (url.startsWith('file://')) return new URL(url).pathname;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return undefined;
  return url.startsWith('/') ? url : `${dir}/${url}`;
}
