/** The config of a plain camera's frame source (src/config/schema-camera-source.ts, checks-camera-source.ts). */
import { describe, expect, it } from 'vitest';
import { cameraSourceSettings } from '../../src/config/schema-camera-source.js';
import { load, MINIMAL, refusal } from './helpers.js';

const camera = (keys: string) => `${MINIMAL}devices:\n  - { id: c1, kind: camera, camera: { type: plain, ${keys} } }\n`;

describe('camera frame sources in the config', () => {
  it('fills the defaults: MQTT frames, motion gating on, debug snapshot off', async () => {
    const { config } = await load(camera('stream_url: "rtsp://10.0.0.5/live"'));
    const c1 = config.devices[0]?.camera;
    expect(c1).toMatchObject({
      stream_url: 'rtsp://10.0.0.5/live',
      fps: 5,
      timeout_s: 10,
      retry_min_s: 1,
      retry_max_s: 30,
      debug_snapshot: false,
      motion: { enabled: true, threshold: 25, min_area: 0.001, max_interval_s: 5 },
    });
    // The settings helper reads the same defaults from the schema for a camera built by hand.
    expect(cameraSourceSettings({})).toEqual({
      timeout_s: 10,
      retry_min_s: 1,
      retry_max_s: 30,
      debug_snapshot: false,
      motion: { enabled: true, threshold: 25, min_area: 0.001, max_interval_s: 5 },
    });
  });

  it('refuses two sources, credentials without a snapshot URL and a password alone', async () => {
    const { file, lines } = await refusal(
      camera('snapshot_url: "http://cam/snap.jpg", stream_url: "rtsp://cam/live", password: "pw"'),
    );
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${file}:4:\\d+ devices\\[0\\]\\.camera\\.stream_url = "rtsp://cam/live": a camera has one source: "snapshot_url" or "stream_url", not both$`,
        ),
      ),
      expect.stringMatching(/devices\[0\]\.camera\.password = "\*\*\*": needs "username" as well$/),
    ]);
  });

  it('refuses a frame source on a smart camera, retry delays out of order and a missing stream file', async () => {
    const smart = await refusal(
      `${MINIMAL}devices:\n  - { id: c1, kind: camera, camera: { type: smart, snapshot_url: "http://cam/s.jpg" } }\n`,
    );
    expect(smart.lines).toEqual([
      expect.stringMatching(
        /devices\[0\]\.camera\.snapshot_url = "http:\/\/cam\/s\.jpg": only a plain camera has a frame source; a smart camera publishes tracks$/,
      ),
    ]);
    const { lines } = await refusal(camera('stream_url: "clips/nope.mp4", retry_min_s: 9, retry_max_s: 2'));
    expect(lines).toEqual([
      expect.stringMatching(
        /devices\[0\]\.camera\.stream_url = "clips\/nope\.mp4": no such file \(looked for .*clips\/nope\.mp4\)$/,
      ),
      expect.stringMatching(/devices\[0\]\.camera\.retry_min_s = 9: 9 must not exceed retry_max_s \(2\)$/),
    ]);
  });

  it('refuses a username with a stream (its credentials go in the URL)', async () => {
    const { lines } = await refusal(camera('stream_url: "rtsp://cam/live", username: "admin"'));
    expect(lines).toEqual([
      expect.stringMatching(/devices\[0\]\.camera\.username = "admin": is used only with "snapshot_url"/),
    ]);
  });
});
