/**
 * Snapshot pull against a real local HTTP server (src/vision/sources/snapshot.ts): Basic and Digest
 * cameras, a camera that is away (counted, backing off, recovering), and answers that are not a frame.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/clock.js';
import { type SnapshotOptions, SnapshotSource } from '../../../src/vision/sources/snapshot.js';
import { waitFor } from '../../helpers/gateway.js';

const JPEG = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#406080' } })
  .jpeg()
  .toBuffer();

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const servers: Server[] = [];
const sources: SnapshotSource[] = [];

async function serve(handler: Handler): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/snap.jpg`, server };
}

function pull(url: string, options: Partial<SnapshotOptions> = {}) {
  const frames: Buffer[] = [];
  const failures: { reason: string; detail: string; state: string | undefined }[] = [];
  const source: SnapshotSource = new SnapshotSource({
    url,
    fps: 20,
    timeoutMs: 2000,
    retryMinMs: 50,
    retryMaxMs: 400,
    maxBytes: 1 << 20,
    clock: systemClock,
    onFrame: (frame) => frames.push(frame.jpeg),
    onFailure: (reason, detail) => failures.push({ reason, detail, state: source.state().reason }),
    ...options,
  });
  sources.push(source);
  source.start();
  return { source, frames, failures };
}

const sendJpeg = (res: ServerResponse, body: Buffer = JPEG) => {
  res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': body.length });
  res.end(body);
};

afterEach(async () => {
  await Promise.all(sources.splice(0).map((source) => source.stop()));
  for (const server of servers.splice(0)) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('snapshot pull', () => {
  it('answers a Basic camera once challenged, then sends the credentials up front', async () => {
    const seen: (string | undefined)[] = [];
    const expected = `Basic ${Buffer.from('viewer:secret').toString('base64')}`;
    const { url } = await serve((req, res) => {
      seen.push(req.headers.authorization);
      if (req.headers.authorization !== expected) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="cam"' }).end();
      } else sendJpeg(res);
    });
    const { source, frames, failures } = pull(url, { credentials: { username: 'viewer', password: 'secret' } });
    await waitFor(() => frames.length >= 5, 30_000, '5 snapshots');
    expect(frames[0]).toEqual(JPEG);
    expect(failures).toEqual([]);
    expect(seen.slice(0, 3)).toEqual([undefined, expected, expected]);
    expect(source.state()).toEqual({ up: true });
  });

  it('answers a Digest camera (SHA-256, qop auth), checked by the server from the RFC 7616 formula', async () => {
    const nonce = 'dcd98b7102dd2f0e8b11d0f600bfb0c093';
    const counts: string[] = [];
    const h = (text: string) => createHash('sha256').update(text).digest('hex');
    const { url } = await serve((req, res) => {
      const got = Object.fromEntries(
        [...(req.headers.authorization ?? '').matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)].map((m) => [
          m[1],
          m[2] ?? m[3],
        ]),
      );
      const ha1 = h('viewer:cam-realm:secret');
      const ha2 = h(`GET:${req.url}`);
      const expected = h(`${ha1}:${nonce}:${got.nc}:${got.cnonce}:auth:${ha2}`);
      if (!req.headers.authorization?.startsWith('Digest ') || got.response !== expected || got.uri !== req.url) {
        res
          .writeHead(401, {
            'www-authenticate': `Digest realm="cam-realm", nonce="${nonce}", qop="auth", algorithm=SHA-256`,
          })
          .end();
        return;
      }
      counts.push(got.nc as string);
      sendJpeg(res);
    });
    const { frames, failures } = pull(`${url}?channel=2`, { credentials: { username: 'viewer', password: 'secret' } });
    await waitFor(() => frames.length >= 3, 30_000, '3 snapshots');
    expect(failures).toEqual([]);
    expect(counts.slice(0, 3)).toEqual(['00000001', '00000002', '00000003']);
  });

  it('counts a wrong password as an auth failure and backs off', async () => {
    const { url } = await serve((_req, res) => res.writeHead(401, { 'www-authenticate': 'Basic realm="cam"' }).end());
    const { failures, frames } = pull(url, { credentials: { username: 'viewer', password: 'wrong' } });
    await waitFor(() => failures.length >= 2, 30_000, 'two failures');
    expect(frames).toEqual([]);
    expect(failures[0]?.reason).toBe('auth');
    expect(failures[0]?.detail).toBe(`${url} answered HTTP 401`);
  });

  it('backs off from a camera that is away, doubling the wait, and recovers when it returns', async () => {
    const { url, server } = await serve((_req, res) => sendJpeg(res));
    const port = (server.address() as AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    const { source, frames, failures } = pull(url);
    await waitFor(() => failures.length >= 4, 30_000, 'four failures');
    expect(failures.slice(0, 4).map((f) => f.reason)).toEqual([
      'unreachable',
      'unreachable',
      'unreachable',
      'unreachable',
    ]);
    expect(failures[0]?.detail).toBe(`${url} unreachable: ECONNREFUSED`);
    // The waits double from retry_min_s to retry_max_s: 0.05, 0.1, 0.2, 0.4 s.
    expect(failures.slice(0, 4).map((f) => /next try in ([\d.]+) s/.exec(f.state ?? '')?.[1])).toEqual([
      '0.05',
      '0.1',
      '0.2',
      '0.4',
    ]);
    expect(source.state().up).toBe(false);
    const back = createServer((_req, res) => sendJpeg(res));
    servers.push(back);
    await new Promise<void>((resolve) => back.listen(port, '127.0.0.1', resolve));
    await waitFor(() => frames.length >= 2, 30_000, 'frames after the camera came back');
    expect(source.state()).toEqual({ up: true });
  });

  it('counts a camera that does not answer in time, a wrong status, a PNG and an oversized snapshot', async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    const cases: [string, Handler, Partial<SnapshotOptions>, string, RegExp][] = [
      ['timeout', () => undefined, { timeoutMs: 200 }, 'timeout', /did not answer within 0\.2 s$/],
      ['404', (_q, res) => res.writeHead(404).end(), {}, 'http_status', /answered HTTP 404$/],
      [
        'png',
        (_q, res) => sendJpeg(res, png),
        {},
        'not_jpeg',
        /payload must be a JPEG starting with the SOI marker FF D8 FF, got 89 50 4E$/,
      ],
      ['large', (_q, res) => sendJpeg(res), { maxBytes: 100 }, 'too_large', /sent a snapshot over 100 bytes$/],
    ];
    for (const [name, handler, options, reason, detail] of cases) {
      const { url } = await serve(handler);
      const { failures, frames } = pull(url, options);
      await waitFor(() => failures.length >= 1, 30_000, `a ${name} failure`);
      expect(frames, name).toEqual([]);
      expect(failures[0]?.reason, name).toBe(reason);
      expect(failures[0]?.detail, name).toMatch(detail);
    }
  });

  it('stops with nothing left running, even mid-request', async () => {
    let requests = 0;
    let aborted = false;
    const { url } = await serve((req) => {
      requests++;
      req.socket.once('close', () => {
        aborted = true;
      });
    });
    const { source } = pull(url, { timeoutMs: 60_000 });
    await waitFor(() => requests === 1, 30_000, 'the first request');
    await source.stop();
    // The camera sees the request given up: the socket closes although it never answered.
    await waitFor(() => aborted, 30_000, 'the request to be aborted');
    expect(requests).toBe(1);
  });
});
