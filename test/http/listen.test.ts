/**
 * E2E: the app on a real socket (port 0 picks a free one), found through runtime.json as scripts find a
 * running gateway, and driven with fetch — headers, status codes and bodies as a real client sees them.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRuntimeFile, writeRuntimeFile } from '../../src/http/runtime-file.js';
import { makeTestApp, type TestApp } from './helpers/app.js';
import { parseCsvRecords } from './helpers/csv-parse.js';

let subject: TestApp;
let base: string;

beforeAll(async () => {
  subject = await makeTestApp();
  await subject.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = subject.app.server.address() as AddressInfo;
  await writeRuntimeFile(subject.dir, { mqtt: 0, ws: 0, http: port, pid: process.pid });
  const runtime = await readRuntimeFile(subject.dir);
  base = `http://127.0.0.1:${runtime?.http}`;
});
afterAll(async () => {
  await subject.close();
});

describe('E2E: HTTP over a real socket', () => {
  it('binds a free port and records it in runtime.json', async () => {
    const runtime = await readRuntimeFile(subject.dir);
    expect(runtime?.http).toBeGreaterThan(0);
    expect(runtime?.pid).toBe(process.pid);
  });

  it('serves health, metrics and docs without a token', async () => {
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('omo_http_requests_total{route="GET /healthz",status="200"}');
    const docs = (await (await fetch(`${base}/api/docs`)).json()) as { openapi: string };
    expect(docs.openapi).toMatch(/^3\.0\./);
  });

  it('creates a token over HTTP and uses it on the next request, then revokes it', async () => {
    const admin = { authorization: `Bearer ${subject.tokens.admin}` };
    const created = await fetch(`${base}/api/v1/tokens`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'ops-2', scopes: ['admin'] }),
    });
    expect(created.status).toBe(201);
    const { token } = (await created.json()) as { token: string };

    const devices = await fetch(`${base}/api/v1/devices?format=csv`, { headers: { authorization: `Bearer ${token}` } });
    expect(devices.status).toBe(200);
    expect(devices.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(parseCsvRecords(await devices.text()).map((row) => row.id)).toEqual(['cam-01', 'shelf-01', 'shelf-02']);

    expect((await fetch(`${base}/api/v1/tokens/ops-2`, { method: 'DELETE', headers: admin })).status).toBe(204);
    const refused = await fetch(`${base}/api/v1/devices`, { headers: { authorization: `Bearer ${token}` } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('invalid_token');
    expect(await refused.json()).toEqual({
      error: { code: 'unauthorized', message: 'the bearer token is unknown or revoked' },
    });
  });
});
