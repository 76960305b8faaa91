/**
 * Issue 9 points 8 and 9 through the real gateway: a plain camera whose source is down makes /healthz
 * degraded with the reason; a frame that passes ingest's checks but cannot be decoded is a counted drop
 * and a health entry, never a crash; the debug snapshot is served only for a camera that has it on, only
 * to an admin token, with the boxes drawn on the last detected frame.
 */

import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricValue, waitFor } from '../helpers/gateway.js';
import {
  type CameraHealth,
  clipFrame,
  plainCameraYaml,
  startVisionGateway,
  type VisionRun,
  visionYaml,
} from './helpers/vision-rig.js';

interface Health {
  status: string;
  vision: {
    status: string;
    reason?: string;
    detector: string;
    cameras: Record<string, CameraHealth & { last_error?: string }>;
  };
}

let vision: VisionRun;
let awayUrl: string;

beforeAll(async () => {
  // A port nothing listens on: the camera is away.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  awayUrl = `http://127.0.0.1:${(probe.address() as { port: number }).port}/snap.jpg`;
  await new Promise((resolve) => probe.close(resolve));
  vision = await startVisionGateway(
    visionYaml(
      plainCameraYaml('cam-e2e', 5, 'debug_snapshot: true') +
        plainCameraYaml('cam-away', 2, `snapshot_url: "${awayUrl}"\nretry_min_s: 0.2\nretry_max_s: 1`) +
        plainCameraYaml('cam-quiet', 5, 'timeout_s: 1'),
    ),
  );
});

afterAll(async () => {
  await vision.finish();
});

const health = async () => (await (await vision.gateway.http('/healthz')).json()) as Health;

describe('E2E: plain camera health, bad frames and the debug snapshot', () => {
  it('shows a camera that is away and one that sends nothing as degraded, with the reasons', async () => {
    const body = await waitFor(
      async () => {
        const now = await health();
        return now.vision.cameras['cam-quiet']?.up === false && now.vision.cameras['cam-away']?.up === false
          ? now
          : undefined;
      },
      60_000,
      'both cameras down',
    );
    expect(body.status).toBe('degraded');
    expect(body.vision.status).toBe('degraded');
    expect(body.vision.cameras['cam-away']).toMatchObject({ source: 'snapshot', up: false });
    expect(body.vision.cameras['cam-away']?.reason).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/snap\.jpg unreachable: ECONNREFUSED; next try in [\d.]+ s$/,
    );
    expect(body.vision.cameras['cam-quiet']?.reason).toMatch(
      /^no frame on omo\/camera\/cam-quiet\/frame since the gateway started \d+ s ago$/,
    );
    expect(body.vision.reason).toContain('cam-away: http://127.0.0.1');
    expect(body.vision.detector).toBe('not loaded (no frame yet)');
    const failures = metricValue(await vision.gateway.scrape(), 'omo_vision_source_failures_total', {
      camera: 'cam-away',
      reason: 'unreachable',
    });
    expect(failures).toBeGreaterThanOrEqual(1);
  });

  it('drops an undecodable frame, counted and in /healthz, and goes on with the next', async () => {
    const camera = await vision.gateway.connectDevice('cam-e2e', await vision.gateway.addDevice('cam-e2e', 'camera'));
    // Whole as ingest sees it (SOI … EOI), garbage inside.
    const garbage = Buffer.concat([
      Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
      Buffer.alloc(500, 0x5a),
      Buffer.from([0xff, 0xd9]),
    ]);
    await camera.publishAsync('omo/camera/cam-e2e/frame', garbage);
    const dropped = await waitFor(
      async () => (await health()).vision.cameras['cam-e2e']?.dropped.bad_frame,
      60_000,
      'the bad frame dropped',
    );
    expect(dropped).toBe(1);
    expect((await health()).vision.cameras['cam-e2e']?.last_error).toMatch(/^frame could not be decoded: /);
    await camera.publishAsync('omo/camera/cam-e2e/frame', await readFile(clipFrame(99)));
    await waitFor(
      async () => (await health()).vision.cameras['cam-e2e']?.detected === 1,
      120_000,
      'the next frame detected',
    );
    expect((await health()).vision.cameras['cam-e2e']?.last_error).toBeUndefined();
    expect((await health()).vision.detector).toBe('loaded');
  });

  it('serves the debug snapshot of a camera with it on, to an admin token only', async () => {
    const url = '/api/v1/cameras/cam-e2e/debug.jpg';
    expect((await vision.gateway.http(url)).status).toBe(401);
    const response = await vision.gateway.http(url, { token: vision.gateway.adminToken });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const picture = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
    expect([picture.format, picture.width, picture.height]).toEqual(['jpeg', 768, 576]);
    const off = await vision.gateway.http('/api/v1/cameras/cam-away/debug.jpg', { token: vision.gateway.adminToken });
    expect(off.status).toBe(404);
    expect(await off.json()).toEqual({
      error: {
        code: 'disabled',
        message: 'the debug snapshot of camera "cam-away" is off (set its camera.debug_snapshot: true)',
      },
    });
    const unknown = await vision.gateway.http('/api/v1/cameras/nope/debug.jpg', { token: vision.gateway.adminToken });
    expect((await unknown.json()) as unknown).toEqual({
      error: { code: 'unknown_camera', message: 'no plain camera "nope" in the config' },
    });
  });
});
