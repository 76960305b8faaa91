import { Type as T } from '@sinclair/typebox';
import { afterEach, describe, expect, it } from 'vitest';
import type { HttpRoutePlugin } from '../../src/http/types.js';
import { bearer, HEALTHY, makeTestApp, type TestApp } from './helpers/app.js';

let subject: TestApp | undefined;
afterEach(async () => {
  await subject?.close();
  subject = undefined;
});

/** A feature route as issue 4's HQ endpoints will add them. */
const hqProbe: HttpRoutePlugin = {
  name: 'hq-probe',
  register(app, { requireScope }) {
    app.get<{ Querystring: { bin: string } }>(
      '/api/v1/probe',
      {
        onRequest: requireScope('hq:read'),
        schema: {
          summary: 'probe',
          tags: ['hq'],
          querystring: T.Object({ bin: T.String({ enum: ['minute', 'hour'] }) }, { additionalProperties: false }),
        },
      },
      async (request) => ({ bin: request.query.bin, caller: request.token?.name }),
    );
    app.get('/api/v1/explode', { schema: { summary: 'fails', tags: ['hq'] } }, async () => {
      throw new Error('SQLITE_CORRUPT at /var/lib/omo/secret.db');
    });
  },
};

async function metricValue(t: TestApp, name: string, labels: Record<string, string>): Promise<number> {
  const metric = await t.registry.getSingleMetric(name)?.get();
  const match = metric?.values.find((value) => Object.entries(labels).every(([k, v]) => value.labels[k] === v));
  return match?.value ?? 0;
}

describe('GET /healthz', () => {
  it.each([
    ['ok', 200],
    ['degraded', 200],
    ['down', 503],
  ] as const)('answers %s with %i and the parts as reported', async (status, code) => {
    const startedAt = Date.now() - 61_500;
    subject = await makeTestApp({ health: async () => ({ ...HEALTHY, status }), startedAt });
    const before = Date.now();
    const response = await subject.app.inject('/healthz');
    const after = Date.now();
    expect(response.statusCode).toBe(code);
    const { uptime_s, ...report } = response.json();
    expect(report).toEqual({ ...HEALTHY.parts, status });
    expect(uptime_s).toBeGreaterThanOrEqual(Math.floor((before - startedAt) / 1000));
    expect(uptime_s).toBeLessThanOrEqual(Math.floor((after - startedAt) / 1000));
  });

  it('reports down (503), not a 500, when the health source throws', async () => {
    subject = await makeTestApp({
      health: () => {
        throw new Error('database is locked');
      },
    });
    const response = await subject.app.inject('/healthz');
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({
      status: 'down',
      storage: { status: 'unknown', error: 'database is locked' },
    });
  });
});

describe('GET /metrics', () => {
  it('serves Prometheus text with HTTP counters, RSS and event-loop lag, without a token', async () => {
    subject = await makeTestApp();
    await subject.app.inject('/healthz');
    const response = await subject.app.inject('/metrics');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.body).toContain('omo_http_requests_total{route="GET /healthz",status="200"} 1');
    expect(response.body).toMatch(/^omo_process_resident_memory_bytes \d+/m);
    expect(response.body).toMatch(/^omo_nodejs_eventloop_lag_seconds [\d.e-]+/m);
  });

  it('needs the admin scope when protected', async () => {
    subject = await makeTestApp({ protectMetrics: true });
    expect((await subject.app.inject('/metrics')).statusCode).toBe(401);
    expect((await subject.app.inject({ url: '/metrics', headers: bearer(subject.tokens.hq) })).statusCode).toBe(403);
    expect((await subject.app.inject({ url: '/metrics', headers: bearer(subject.tokens.admin) })).statusCode).toBe(200);
  });
});

describe('errors', () => {
  it('answers an unknown route with the 404 envelope and counts it as unmatched', async () => {
    subject = await makeTestApp();
    const response = await subject.app.inject('/api/v1/nothing-here?x=1');
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: { code: 'not_found', message: 'no route for GET /api/v1/nothing-here' } });
    expect(await metricValue(subject, 'omo_http_requests_total', { route: 'unmatched', status: '404' })).toBe(1);
  });

  it('answers a failure with a 500 that leaks nothing', async () => {
    subject = await makeTestApp({ routes: [hqProbe] });
    const response = await subject.app.inject('/api/v1/explode');
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({
      error: { code: 'internal', message: 'internal error; the gateway log has the details' },
    });
    expect(response.body).not.toMatch(/SQLITE|secret|stack/);
  });

  it('refuses malformed JSON bodies with a 400 envelope', async () => {
    subject = await makeTestApp();
    const response = await subject.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: { ...bearer(subject.tokens.admin), 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('bad_request');
  });
});

describe('feature routes and requireScope', () => {
  it('lets a plugged-in route use the shared auth: 401, 403, 200 and admin implying hq:read', async () => {
    subject = await makeTestApp({ routes: [hqProbe] });
    const { app, tokens } = subject;
    const get = (headers: Record<string, string> = {}) => app.inject({ url: '/api/v1/probe?bin=hour', headers });

    const missing = await get();
    expect(missing.statusCode).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="omo-edge"');
    expect(missing.json().error.code).toBe('unauthorized');

    const forged = await get(bearer(`${tokens.hq.slice(0, -4)}AAAA`));
    expect(forged.statusCode).toBe(401);
    expect(forged.headers['www-authenticate']).toContain('error="invalid_token"');

    expect((await get({ authorization: `Basic ${tokens.hq}` })).statusCode).toBe(401);

    const screen = await get(bearer(tokens.signage));
    expect(screen.statusCode).toBe(403);
    expect(screen.json()).toEqual({ error: { code: 'forbidden', message: 'this token lacks the "hq:read" scope' } });
    expect(screen.headers['www-authenticate']).toContain('scope="hq:read"');

    expect((await get(bearer(tokens.hq))).json()).toEqual({ bin: 'hour', caller: 'hq' });
    expect((await get({ authorization: `bearer  ${tokens.admin}` })).json()).toEqual({ bin: 'hour', caller: 'ops' });

    for (const reason of ['missing_token', 'invalid_token', 'malformed_header', 'insufficient_scope']) {
      expect(await metricValue(subject, 'omo_http_auth_failures_total', { reason })).toBe(1);
    }
  });

  it('checks the token before the parameters, so strangers learn nothing about them', async () => {
    subject = await makeTestApp({ routes: [hqProbe] });
    expect((await subject.app.inject('/api/v1/probe?bin=year')).statusCode).toBe(401);
    const response = await subject.app.inject({ url: '/api/v1/probe?bin=year', headers: bearer(subject.tokens.hq) });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'invalid_parameter', parameter: 'bin' });
    expect(response.json().error.message).toContain('"bin"');
  });

  it('refuses two plugins with one name', async () => {
    await expect(makeTestApp({ routes: [hqProbe, hqProbe] })).rejects.toThrow(
      /two HTTP route plugins are named "hq-probe"/,
    );
  });
});
