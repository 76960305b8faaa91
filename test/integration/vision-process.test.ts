/**
 * Issue 9 "must show", with the gateway as its own process (`omo-edge start`), so its memory is its own:
 * - a frame flood — 4 plain cameras publishing the vtest frames at 50 fps each — keeps the gateway's
 *   memory flat and drops frames, counted, instead of queueing: every delivered frame is processed,
 *   dropped (over_fps beyond the camera's 30 fps; busy when a newer frame replaced it) or one of the at
 *   most two a camera holds (one in work, one waiting);
 * - a stream camera's ffmpeg child is stopped with the gateway: none is left behind.
 */
import { readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningStart, runCliJson, spawnStart } from '../helpers/cli.js';
import { connectClient, makeDataDir, waitFor, writeConfigFile } from '../helpers/gateway.js';
import { type CameraHealth, CLIP_FRAMES, clipFrame, plainCameraYaml, visionYaml } from './helpers/vision-rig.js';

const CAMERAS = ['cam-1', 'cam-2', 'cam-3', 'cam-4'];
const FLOOD_FPS = 50;
const FLOOD_S = 15;
const PORTS = ['--mqtt-port', '0', '--ws-port', '0', '--http-port', '0'];

const running: RunningStart[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((start) => start.stop('SIGKILL')));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function startGateway(yaml: string, devices: readonly string[]) {
  const dir = await makeDataDir('omo-vision-process-');
  dirs.push(dir);
  const dataDir = join(dir, 'data');
  const config = await writeConfigFile(dir, yaml);
  const passwords = new Map<string, string>();
  for (const id of devices) {
    const added = await runCliJson<{ password: string }>([
      'devices',
      'add',
      id,
      '--kind',
      'camera',
      '--json',
      '--data-dir',
      dataDir,
    ]);
    passwords.set(id, added.password);
  }
  const start = await spawnStart(['--config', config, '--data-dir', dataDir, ...PORTS], dataDir, {
    readyTimeoutMs: 90_000,
  });
  running.push(start);
  const health = async () => {
    const body = (await (await fetch(`http://127.0.0.1:${start.runtime.http}/healthz`)).json()) as {
      vision: { cameras: Record<string, CameraHealth> };
    };
    return body.vision.cameras;
  };
  return { start, passwords, health };
}

/** Resident memory of a process, bytes (VmRSS in /proc). */
function rssOf(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) * 1024;
}

const held = (camera: CameraHealth) =>
  camera.frames_in - camera.detected - camera.still - Object.values(camera.dropped).reduce((a, b) => a + b, 0);

describe('E2E: the gateway process under a frame flood, and its ffmpeg children', () => {
  it('50 fps from 4 cameras: memory stays flat, frames are dropped and counted, nothing queues', {
    timeout: 900_000,
  }, async () => {
    const { start, passwords, health } = await startGateway(
      visionYaml(CAMERAS.map((id) => plainCameraYaml(id, 30)).join('')),
      CAMERAS,
    );
    const frames = await Promise.all(Array.from({ length: CLIP_FRAMES }, (_, i) => readFile(clipFrame(i))));
    const clients = await Promise.all(
      CAMERAS.map((id) =>
        connectClient(start.runtime.mqtt, { clientId: id, username: id, password: passwords.get(id) as string }),
      ),
    );
    try {
      // Warm up: the detector loads with the first frame; memory is measured from then on.
      await clients[0]?.publishAsync('omo/camera/cam-1/frame', frames[0] as Buffer);
      await waitFor(async () => ((await health())['cam-1']?.detected ?? 0) >= 1, 120_000, 'the first frame detected');
      const rssBefore = rssOf(start.child.pid as number);
      let sent = 0;
      const due = Date.now();
      const timers = clients.map((client, c) => {
        let i = 0;
        return setInterval(() => {
          // Catch up after a late timer: 50 frames per second of wall time, whatever the timer did.
          const owed = Math.floor(((Date.now() - due) * FLOOD_FPS) / 1000) - i;
          for (let k = 0; k < owed; k++) {
            client.publish(`omo/camera/${CAMERAS[c]}/frame`, frames[i++ % CLIP_FRAMES] as Buffer);
            sent++;
          }
        }, 1000 / FLOOD_FPS);
      });
      const rss: number[] = [];
      const maxHeld: number[] = [];
      while (Date.now() < due + FLOOD_S * 1000) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        rss.push(rssOf(start.child.pid as number));
        maxHeld.push(Math.max(...Object.values(await health()).map(held)));
      }
      for (const timer of timers) clearInterval(timer);
      const cameras = await waitFor(
        async () => {
          const now = await health();
          const delivered = Object.values(now).reduce((a, c) => a + c.frames_in, 0);
          return delivered >= sent && Object.values(now).every((camera) => held(camera) === 0) ? now : undefined;
        },
        120_000,
        'every frame sent delivered and processed or dropped',
        200,
      );
      const total = (pick: (c: CameraHealth) => number) => Object.values(cameras).reduce((a, c) => a + pick(c), 0);
      const delivered = total((c) => c.frames_in);
      const overFps = total((c) => c.dropped.over_fps ?? 0);
      const busy = total((c) => c.dropped.busy ?? 0);
      const analysed = total((c) => c.detected + c.still);
      console.log(
        `flood: ${sent} frames sent in ${FLOOD_S} s (+1 warm-up), ${analysed} analysed, dropped ${overFps} over_fps + ${busy} busy; ` +
          `gateway RSS ${(rssBefore / 2 ** 20).toFixed(0)} MB before, max ${(Math.max(...rss) / 2 ** 20).toFixed(0)} MB during`,
      );
      expect(delivered).toBe(sent + 1);
      expect(overFps + busy + analysed).toBe(delivered);
      expect(overFps).toBeGreaterThan(0);
      expect(busy).toBeGreaterThan(0);
      expect(Math.max(...maxHeld)).toBeLessThanOrEqual(2);
      // Queued, the frames sent would take their size in memory (≈ 200 MB for 3,000); held, the gateway
      // grows by what two frames per camera, the detector's buffers and the broker's sockets need — well
      // under half of that, however loaded the machine.
      const queuedBytes = (sent * frames.reduce((a, f) => a + f.length, 0)) / frames.length;
      expect(Math.max(...rss) - rssBefore).toBeLessThan(queuedBytes / 2);
    } finally {
      await Promise.all(clients.map((client) => client.endAsync(true)));
    }
  });

  it('leaves no ffmpeg behind: stopped with the gateway, and gone when the gateway is killed', {
    timeout: 300_000,
  }, async () => {
    // An IP camera's MJPEG stream that never ends, at 5 fps (ffmpeg probes a few frames before it decodes).
    const jpeg = await readFile(clipFrame(0));
    const streams: ServerResponse[] = [];
    const camera = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'multipart/x-mixed-replace; boundary=frame' });
      streams.push(res);
    });
    const ticker = setInterval(() => {
      for (const res of streams) {
        res.write(`--frame\r\ncontent-type: image/jpeg\r\ncontent-length: ${jpeg.length}\r\n\r\n`);
        res.write(jpeg);
        res.write('\r\n');
      }
    }, 200);
    await new Promise<void>((resolve) => camera.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(camera.address() as AddressInfo).port}/video.mjpeg`;
      for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
        const { start, health } = await startGateway(
          visionYaml(plainCameraYaml('cam-1', 1, `stream_url: "${url}"`)),
          [],
        );
        const pid = start.child.pid as number;
        const ffmpeg = await waitFor(
          () => childrenOf(pid).find((child) => comm(child) === 'ffmpeg'),
          60_000,
          'an ffmpeg child',
        );
        await waitFor(async () => ((await health())['cam-1']?.frames_in ?? 0) >= 1, 60_000, 'a frame from ffmpeg');
        await start.stop(signal);
        // SIGTERM: the gateway ends its children before it exits. SIGKILL: ffmpeg's next write meets a
        // closed pipe and it exits on its own.
        await waitFor(() => !alive(ffmpeg), 60_000, `ffmpeg ${ffmpeg} gone after the gateway's ${signal}`);
      }
    } finally {
      clearInterval(ticker);
      camera.closeAllConnections();
      await new Promise((resolve) => camera.close(resolve));
    }
  });
});

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function comm(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
