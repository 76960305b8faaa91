/**
 * Plain cameras of the virtual store (issue 9 point 7): a plain camera that publishes its frames (one with
 * neither `snapshot_url` nor `stream_url`) sends a real clip of walking people as its JPEGs at its fps, in
 * a loop, so the gateway's detector and tracker run live in the demo. The clip is the vtest sequence
 * shipped in test/fixtures/vtest (200 frames of OpenCV's vtest.avi at 5 fps, Apache-2.0 AND BSD-3-Clause,
 * see its README); the camera's calibration in config/default.yaml places its walkway on the checkout.
 *
 * The clip's people are not the simulated shoppers: they show the vision pipeline working on real
 * pictures, not ground truth. Frames go out only while the store runs in real time: a frame's event time
 * is its arrival (a JPEG carries no trustworthy clock), so a frame sent while fast-forwarding would place
 * that camera hours ahead of the others.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GatewayConfig } from '../config/schema.js';
import type { SimulatedMessage } from './messages.js';

/** The clip's own frame rate: frame_0001 and frame_0002 are 0.2 s apart. */
export const CLIP_FPS = 5;

export interface PlainCameraOptions {
  /** A folder of frame_0001.jpg, frame_0002.jpg, …; default the package's test/fixtures/vtest. */
  clipDir?: string;
  /** Whether frames go out at event time `atMs` (the runner: only while the store runs at 1×). */
  liveAt?: (atMs: number) => boolean;
}

/** The shipped clip. This file runs from src/simulate/ (tsx) or dist/src/simulate/ (the build). */
export function defaultClipDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (basename(dir) !== 'src' && dirname(dir) !== dir) dir = dirname(dir);
  const root = basename(dirname(dir)) === 'dist' ? dirname(dirname(dir)) : dirname(dir);
  return join(root, 'test/fixtures/vtest');
}

/** The frame files of a clip, in order; an error naming the folder when it holds none. */
export function clipFrames(dir: string): string[] {
  const files: string[] = [];
  for (let i = 1; existsSync(join(dir, frameName(i))); i++) files.push(join(dir, frameName(i)));
  if (files.length === 0) throw new Error(`no clip frames (frame_0001.jpg, …) in ${dir}`);
  return files;
}

const frameName = (i: number) => `frame_${String(i).padStart(4, '0')}.jpg`;

/** Every plain camera that publishes frames, sending the clip frame that plays at each of its instants. */
export class PlainCameras {
  private readonly cameras: { deviceId: string; kind: string; intervalMs: number; nextMs: number }[];
  private readonly files: string[];

  constructor(
    config: GatewayConfig,
    private readonly epochMs: number,
    private readonly options: PlainCameraOptions,
  ) {
    this.cameras = config.devices
      .filter((d) => d.camera?.type === 'plain' && !d.camera.snapshot_url && !d.camera.stream_url)
      .map((d) => ({ deviceId: d.id, kind: d.kind, intervalMs: 1000 / (d.camera?.fps ?? CLIP_FPS), nextMs: epochMs }));
    this.files = this.cameras.length === 0 ? [] : clipFrames(options.clipDir ?? defaultClipDir());
  }

  /** The frames due at or before `nowMs` since the last poll. */
  *poll(nowMs: number): Generator<SimulatedMessage> {
    for (const camera of this.cameras) {
      for (; camera.nextMs <= nowMs; camera.nextMs += camera.intervalMs) {
        const at = Math.round(camera.nextMs);
        if (!(this.options.liveAt?.(at) ?? true)) continue;
        const { deviceId, kind } = camera;
        yield { at, deviceId, kind, stream: 'frame', event: { deviceId, kind, ts: at, jpeg: this.frameAt(at) } };
      }
    }
  }

  /** The clip plays from the store's start at its own rate, whatever the camera's fps, and loops. */
  private frameAt(atMs: number): Buffer {
    const index = Math.floor(((atMs - this.epochMs) * CLIP_FPS) / 1000) % this.files.length;
    return readFileSync(this.files[index] as string);
  }
}
