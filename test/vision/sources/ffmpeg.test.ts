/**
 * The stream source with the real system ffmpeg (src/vision/sources/ffmpeg.ts): a video made here from
 * generated pictures is decoded to JPEGs at the camera's fps; a child that dies, cannot start or stalls is
 * counted and restarted; stop() and a killed gateway leave no ffmpeg behind.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/clock.js';
import { type FfmpegOptions, FfmpegSource, redactCredentials } from '../../../src/vision/sources/ffmpeg.js';
import { REPO_ROOT, waitFor } from '../../helpers/gateway.js';

const run = promisify(execFile);
const FRAMES = 12;
let dir: string;
let video: string;

/** Whether a process with this pid exists (signal 0 only checks). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'omo-ffmpeg-'));
  // A white square crossing a grey picture, 12 frames at 10 fps, encoded as H.264 the way IP cameras send.
  for (let i = 0; i < FRAMES; i++) {
    const square = await sharp({ create: { width: 40, height: 40, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    await sharp({ create: { width: 320, height: 240, channels: 3, background: '#555' } })
      .composite([{ input: square, left: 20 * i, top: 100 }])
      .jpeg()
      .toFile(join(dir, `f${String(i).padStart(3, '0')}.jpg`));
  }
  video = join(dir, 'clip.mp4');
  await run('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-framerate',
    '10',
    '-i',
    join(dir, 'f%03d.jpg'),
    '-c:v',
    'libx264',
    '-pix_fmt',
    'yuv420p',
    video,
  ]);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sources: FfmpegSource[] = [];
afterEach(async () => {
  await Promise.all(sources.splice(0).map((source) => source.stop()));
});

function decode(input: string, isFile: boolean, options: Partial<FfmpegOptions> = {}) {
  const frames: Buffer[] = [];
  const failures: { reason: string; detail: string }[] = [];
  const source = new FfmpegSource({
    input,
    isFile,
    fps: 10,
    timeoutMs: 20_000,
    retryMinMs: 100,
    retryMaxMs: 100,
    maxBytes: 1 << 20,
    clock: systemClock,
    onFrame: (frame) => frames.push(frame.jpeg),
    onFailure: (reason, detail) => failures.push({ reason, detail }),
    ...options,
  });
  sources.push(source);
  source.start();
  return { source, frames, failures };
}

describe('the ffmpeg stream source', () => {
  it('decodes every frame of a file as a JPEG, then plays it again after the retry delay', async () => {
    const { frames, failures, source } = decode(video, true);
    await waitFor(() => failures.length >= 1, 60_000, 'the end of the file');
    expect(frames).toHaveLength(FRAMES);
    expect(failures[0]).toEqual({ reason: 'ended', detail: 'the stream ended' });
    const first = await sharp(frames[0]).metadata();
    expect([first.format, first.width, first.height]).toEqual(['jpeg', 320, 240]);
    expect(source.state().reason).toBe('the stream ended; restarting in 0.1 s');
    await waitFor(() => frames.length >= 2 * FRAMES, 60_000, 'the second play');
  });

  it('takes the camera fps from the stream: a 10 fps file at 5 fps gives every other frame', async () => {
    const { frames, failures } = decode(video, true, { fps: 5 });
    await waitFor(() => failures.length >= 1, 60_000, 'the end of the file');
    expect(frames).toHaveLength(FRAMES / 2);
  });

  it('counts an input it cannot open and restarts with backoff, saying why without the password', async () => {
    const { failures, frames, source } = decode('rtsp://viewer:secret@127.0.0.1:9/live', false, {
      retryMinMs: 50,
      retryMaxMs: 200,
    });
    await waitFor(() => failures.length >= 3, 60_000, 'three failed starts');
    expect(frames).toEqual([]);
    expect(failures.map((f) => f.reason).slice(0, 3)).toEqual(['exited', 'exited', 'exited']);
    expect(failures[0]?.detail).toMatch(/^ffmpeg exited with code \d+: .*Connection refused/);
    expect(failures.map((f) => f.detail).join('\n')).not.toContain('secret');
    expect(source.state().up).toBe(false);
    expect(redactCredentials('rtsp://viewer:secret@cam/live: 401')).toBe('rtsp://***@cam/live: 401');
  });

  it('counts an ffmpeg that is not installed', async () => {
    const { failures } = decode(video, true, { ffmpegPath: join(dir, 'no-such-ffmpeg') });
    await waitFor(() => failures.length >= 1, 60_000, 'the failed spawn');
    expect(failures[0]?.reason).toBe('spawn_failed');
    expect(failures[0]?.detail).toMatch(/^ffmpeg could not start: spawn .*no-such-ffmpeg ENOENT$/);
  });

  it('restarts a stream that stalls (connected, but no frame for timeout_s)', async () => {
    let connections = 0;
    const server: Server = createServer((_req, res) => {
      connections++;
      res.writeHead(200, { 'content-type': 'multipart/x-mixed-replace; boundary=frame' });
      res.write('--frame\r\n'); // and then nothing
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mjpeg`;
      const { failures, frames } = decode(url, false, { timeoutMs: 2000 });
      // Two connections: the first ffmpeg was killed for stalling and a second one started.
      await waitFor(() => connections >= 2 && failures.length >= 1, 60_000, 'a stall and a restart');
      expect(frames).toEqual([]);
      expect(failures[0]).toEqual({ reason: 'stalled', detail: 'no frame from ffmpeg for 2 s' });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('stop() ends the ffmpeg child and waits for it', async () => {
    const { source, frames } = decode(video, true, { fps: 1 });
    await waitFor(() => frames.length >= 1, 60_000, 'a first frame');
    const pid = source.pid as number;
    // (No "still running" precondition: with other tests beside it ffmpeg may end the 1.2 s clip first.)
    await source.stop();
    expect(alive(pid)).toBe(false);
  });

  it('leaves no ffmpeg behind when the gateway process is killed with SIGKILL', async () => {
    // 1 fps of a 1.2 s clip read at its own rate: ffmpeg is still running when its parent dies.
    const child: ChildProcess = spawn(
      process.execPath,
      ['--import', 'tsx', join(REPO_ROOT, 'test/vision/sources/ffmpeg-child.ts'), video, '1'],
      {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const pid = Number(await waitFor(() => /^\d+\n/.exec(out)?.[0], 60_000, "the child's ffmpeg pid"));
    // (ffmpeg may already have ended its 1.2 s clip by now on a slow machine; what counts is that none is
    // left once the parent is gone.)
    child.kill('SIGKILL');
    // Its next frame meets a closed pipe (EPIPE) and ffmpeg exits on its own.
    await waitFor(() => !alive(pid) || isZombieOf1(pid), 60_000, 'ffmpeg to exit after its parent died');
  });
});

/** An exited ffmpeg re-parented to init may linger a moment as a zombie until init reaps it. */
function isZombieOf1(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.split(') ')[1]?.startsWith('Z') ?? false;
  } catch {
    return false;
  }
}
