/**
 * The whole gateway with one plain camera watching the vtest clip (test/fixtures/vtest, 200 frames at
 * 5 fps): its calibration is the demo's (config/default.yaml, the clip's walkway on the checkout floor)
 * and a counting line crosses the walkway at x = 16 m. What came out is read back the way an operator
 * would: the tracks on the bus, /healthz, /metrics, the line counts the gateway stored — and the data
 * directory, which must hold no frame.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { BusEvents } from '../../../src/bus.js';
import { type GatewayUnderTest, makeDataDir, REPO_ROOT, startGateway, waitFor } from '../../helpers/gateway.js';

export const CLIP_DIR = join(REPO_ROOT, 'test/fixtures/vtest');
export const CLIP_FRAMES = 200;
export const clipFrame = (i: number) => join(CLIP_DIR, `frame_${String(i + 1).padStart(4, '0')}.jpg`);

/** The walkway's floor quadrilateral (the calibration's floor points). */
export const COVERAGE = { minX: 10.5, maxX: 21.5, minY: 0.5, maxY: 5.8 };

/** One plain camera with the demo's calibration; `keys` are more camera keys, one per line. */
export function plainCameraYaml(id: string, fps: number, keys = ''): string {
  const more = keys
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => `      ${line.trim()}\n`)
    .join('');
  return `  - id: ${id}
    kind: camera
    camera:
      type: plain
      fps: ${fps}
      coverage: [[10.5, 0.5], [21.5, 0.5], [21.5, 5.8], [10.5, 5.8]]
      calibration:
        points:
          - { image: [0, 170], floor: [10.5, 5.8] }
          - { image: [768, 110], floor: [21.5, 5.8] }
          - { image: [768, 400], floor: [21.5, 0.5] }
          - { image: [0, 460], floor: [10.5, 0.5] }
${more}`;
}

/** The store: a walkway zone, a line across it at x = 16 m, and the given camera entries. */
export function visionYaml(cameras: string): string {
  return `
store: { id: vision-e2e }
gateway: { id: vision-gw, log_level: warn }
floor:
  bounds: { min: [0, 0], max: [30, 20] }
  zones:
    - { id: walkway, kind: area, polygon: [[10, 0], [22, 0], [22, 6.5], [10, 6.5]] }
  lines:
    - { id: across, from: [16, 0], to: [16, 6.5], mode: every }
devices:
${cameras}`;
}

export interface CameraHealth {
  source: string;
  up: boolean;
  reason?: string;
  frames_in: number;
  detected: number;
  still: number;
  dropped: Record<string, number>;
}

export interface VisionRun {
  gateway: GatewayUnderTest;
  tracks: BusEvents['cameraTracks'][];
  camera(): Promise<CameraHealth>;
  /** Stops the gateway (its last bins go to the store) and reads what it stored and left on disk. */
  finish(): Promise<VisionOutcome>;
}

export interface VisionOutcome {
  tracks: BusEvents['cameraTracks'][];
  ids: Set<string>;
  positions: { x: number; y: number }[];
  crossings: { in: number; out: number };
  /** Files in the data directory holding a piece of any clip frame. */
  framesOnDisk: string[];
  dataBytes: number;
}

export async function startVisionGateway(yaml: string): Promise<VisionRun> {
  const dataDir = await makeDataDir('omo-vision-');
  const gateway = await startGateway({ yaml, dataDir });
  const tracks = gateway.record('cameraTracks');
  return {
    gateway,
    tracks,
    async camera() {
      const body = (await (await gateway.http('/healthz')).json()) as {
        vision: { cameras: Record<string, CameraHealth> };
      };
      return body.vision.cameras['cam-e2e'] as CameraHealth;
    },
    async finish() {
      await gateway.stop();
      try {
        return { ...summarise(tracks), crossings: storedCrossings(dataDir), ...(await scanForFrames(dataDir)) };
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/** Waits until every frame the camera delivered was processed or dropped (counted). */
export async function settled(run: VisionRun, framesIn: number): Promise<CameraHealth> {
  return waitFor(
    async () => {
      const camera = await run.camera();
      const dropped = Object.values(camera.dropped).reduce((a, b) => a + b, 0);
      return camera.frames_in >= framesIn && camera.detected + camera.still + dropped === camera.frames_in
        ? camera
        : undefined;
    },
    300_000,
    `${framesIn} frames processed`,
    200,
  );
}

function summarise(tracks: readonly BusEvents['cameraTracks'][]) {
  const ids = new Set<string>();
  const positions: { x: number; y: number }[] = [];
  for (const event of tracks) {
    for (const person of event.people) {
      ids.add(person.id);
      positions.push({ x: person.x, y: person.y });
    }
  }
  return { tracks: [...tracks], ids, positions };
}

function storedCrossings(dataDir: string): { in: number; out: number } {
  const db = new Database(join(dataDir, 'omo.db'), { readonly: true });
  try {
    const row = db
      .prepare(
        `SELECT COALESCE(SUM(n_in), 0) AS n_in, COALESCE(SUM(n_out), 0) AS n_out FROM agg_line
         WHERE line = 'across' AND res_s = (SELECT MIN(res_s) FROM agg_line)`,
      )
      .get() as { n_in: number; n_out: number };
    return { in: row.n_in, out: row.n_out };
  } finally {
    db.close();
  }
}

/**
 * Every file under the data directory, searched for a 64-byte piece from the middle of each clip frame:
 * a frame written anywhere, whole or in part, would hold one.
 */
async function scanForFrames(dataDir: string): Promise<{ framesOnDisk: string[]; dataBytes: number }> {
  const pieces: Buffer[] = [];
  for (let i = 0; i < CLIP_FRAMES; i++) {
    const jpeg = await readFile(clipFrame(i));
    const at = Math.floor(jpeg.length / 2);
    pieces.push(jpeg.subarray(at, at + 64));
  }
  const framesOnDisk: string[] = [];
  let dataBytes = 0;
  for (const entry of await readdir(dataDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    const bytes = await readFile(file);
    dataBytes += bytes.length;
    if (pieces.some((piece) => bytes.includes(piece))) framesOnDisk.push(file);
  }
  return { framesOnDisk, dataBytes };
}
