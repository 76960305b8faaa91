/**
 * Issue 9 "must show", end to end through the real gateway: the 200 vtest frames as a plain camera —
 * published over MQTT at 5 fps, pulled as snapshots from a local HTTP server, and read by the ffmpeg
 * source from a video made here from the same frames — give confirmed tracks, floor positions inside the
 * calibrated walkway and crossings of a counting line; no frame reaches the data directory.
 *
 * MQTT and snapshot frames go out at 5 fps but never more than one ahead of the gateway (the next waits
 * until the previous one's tracks are on the bus), so what the tracker sees does not depend on how fast
 * this machine detects. The ffmpeg source cannot be held back (it reads the video at its own rate): there
 * frames the detector cannot take in time are dropped, counted, and the figures asserted are lower.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { makeDataDir, waitFor } from '../helpers/gateway.js';
import {
  CLIP_DIR,
  CLIP_FRAMES,
  COVERAGE,
  clipFrame,
  plainCameraYaml,
  settled,
  startVisionGateway,
  type VisionOutcome,
  type VisionRun,
  visionYaml,
} from './helpers/vision-rig.js';

const run = promisify(execFile);
const FRAME_MS = 200;

/** Resolves once the gateway has put the tracks of `count` frames on the bus. */
const processed = (vision: VisionRun, count: number) =>
  waitFor(() => vision.tracks.length >= count, 120_000, `tracks of frame ${count}`);

function expectTracked(outcome: VisionOutcome, floors: { ids: number; crossings: number }): void {
  const { ids, crossings, positions, tracks, dataBytes } = outcome;
  console.log(
    `${tracks.length} frames tracked: ${ids.size} confirmed track ids, ${positions.length} floor positions, ` +
      `line crossings in ${crossings.in} out ${crossings.out}; data dir ${dataBytes} bytes`,
  );
  expect(outcome.ids.size).toBeGreaterThanOrEqual(floors.ids);
  const inside = outcome.positions.filter(
    ({ x, y }) =>
      x >= COVERAGE.minX - 0.5 && x <= COVERAGE.maxX + 0.5 && y >= COVERAGE.minY - 0.5 && y <= COVERAGE.maxY + 0.5,
  );
  // Foot points map into the calibrated walkway; a few boxes clipped at the picture's edge land beside it.
  expect(inside.length / outcome.positions.length).toBeGreaterThan(0.95);
  expect(outcome.crossings.in + outcome.crossings.out).toBeGreaterThanOrEqual(floors.crossings);
  expect(outcome.framesOnDisk).toEqual([]);
}

describe('E2E: plain camera frames → detector → tracker → floor tracks and line counts', () => {
  it('over MQTT: 200 frames at 5 fps', { timeout: 900_000 }, async () => {
    const vision = await startVisionGateway(visionYaml(plainCameraYaml('cam-e2e', 5)));
    const password = await vision.gateway.addDevice('cam-e2e', 'camera');
    const camera = await vision.gateway.connectDevice('cam-e2e', password);
    for (let i = 0; i < CLIP_FRAMES; i++) {
      const due = Date.now() + FRAME_MS;
      await camera.publishAsync('omo/camera/cam-e2e/frame', await readFile(clipFrame(i)));
      await processed(vision, i + 1);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
    }
    const health = await settled(vision, CLIP_FRAMES);
    expect(health).toMatchObject({ source: 'mqtt', up: true, frames_in: CLIP_FRAMES, dropped: {} });
    expect(health.detected + health.still).toBe(CLIP_FRAMES);
    const outcome = await vision.finish();
    expectTracked(outcome, { ids: 8, crossings: 2 });
  });

  it('through snapshot pull from a local HTTP server', { timeout: 900_000 }, async () => {
    let served = 0;
    let vision: VisionRun | undefined;
    const server = createServer((_req, res) => {
      void (async () => {
        // The camera's picture changes every 200 ms; it shows the next frame once the last one was analysed.
        if (served > 0 && vision !== undefined) await processed(vision, served);
        const jpeg = await readFile(clipFrame(Math.min(served, CLIP_FRAMES - 1)));
        if (served < CLIP_FRAMES) served++;
        res.writeHead(200, { 'content-type': 'image/jpeg' }).end(jpeg);
      })();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/snapshot.jpg`;
      vision = await startVisionGateway(
        visionYaml(plainCameraYaml('cam-e2e', 5, `snapshot_url: "${url}"\ntimeout_s: 60`)),
      );
      const current = vision;
      await waitFor(() => served >= CLIP_FRAMES && current.tracks.length >= CLIP_FRAMES, 300_000, 'every frame pulled');
      const health = await vision.camera();
      expect(health).toMatchObject({ source: 'snapshot', up: true });
      const outcome = await vision.finish();
      expectTracked(outcome, { ids: 8, crossings: 2 });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('through the ffmpeg source reading a video made from the frames', { timeout: 900_000 }, async () => {
    const dir = await makeDataDir('omo-vision-video-');
    const video = `${dir}/vtest.mp4`;
    await run('ffmpeg', [
      ...['-hide_banner', '-loglevel', 'error', '-framerate', '5', '-i', `${CLIP_DIR}/frame_%04d.jpg`],
      ...['-c:v', 'libx264', '-pix_fmt', 'yuv420p', video],
    ]);
    // retry_min_s: the video plays once in this test (a file that ended is played again after it).
    const vision = await startVisionGateway(
      visionYaml(plainCameraYaml('cam-e2e', 5, `stream_url: "${video}"\nretry_min_s: 60\nretry_max_s: 60`)),
    );
    const health = await settled(vision, CLIP_FRAMES);
    expect(health).toMatchObject({ source: 'stream', frames_in: CLIP_FRAMES });
    // Whatever the detector could not take in time was dropped and counted, never queued.
    expect(Object.keys(health.dropped).every((reason) => reason === 'busy')).toBe(true);
    const outcome = await vision.finish();
    expectTracked(outcome, { ids: 4, crossings: 2 });
    await run('rm', ['-r', dir]);
  });
});
