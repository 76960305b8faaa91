import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, DEAD_LETTERS, makeTestApp, type TestApp } from './helpers/app.js';
import { parseCsvRecords } from './helpers/csv-parse.js';

let subject: TestApp;
beforeEach(async () => {
  subject = await makeTestApp();
});
afterEach(async () => {
  await subject.close();
});

const PROTECTED = [
  ['GET', '/api/v1/devices'],
  ['GET', '/api/v1/dead-letters'],
  ['GET', '/api/v1/tokens'],
  ['POST', '/api/v1/tokens'],
  ['DELETE', '/api/v1/tokens/hq'],
] as const;

describe('admin routes', () => {
  it.each(PROTECTED)(
    '%s %s: 401 without or with a bad token, 403 for hq:read and signage:pull',
    async (method, url) => {
      const send = (headers: Record<string, string>) =>
        subject.app.inject({
          method,
          url,
          headers,
          ...(method === 'POST' ? { payload: { name: 'n', scopes: ['hq:read'] } } : {}),
        });
      expect((await send({})).statusCode).toBe(401);
      expect((await send(bearer('omo_ops_0000000000000000000000000000000'))).statusCode).toBe(401);
      expect((await send(bearer(subject.tokens.hq))).statusCode).toBe(403);
      expect((await send(bearer(subject.tokens.signage))).statusCode).toBe(403);
      const ok = await send(bearer(subject.tokens.admin));
      expect(ok.statusCode).toBe(method === 'POST' ? 201 : method === 'DELETE' ? 204 : 200);
    },
  );
});

describe('GET /api/v1/devices', () => {
  it('lists devices sorted by id with snake_case dates and never a credential', async () => {
    const response = await subject.app.inject({ url: '/api/v1/devices', headers: bearer(subject.tokens.admin) });
    expect(response.json()).toEqual({
      items: [
        {
          id: 'cam-01',
          kind: 'camera',
          created_at: '2026-03-01T07:00:00.000Z',
          updated_at: '2026-03-01T07:00:00.000Z',
        },
        {
          id: 'shelf-01',
          kind: 'shelf',
          created_at: '2026-03-01T06:00:00.000Z',
          updated_at: '2026-03-01T06:00:00.000Z',
        },
        {
          id: 'shelf-02',
          kind: 'shelf',
          created_at: '2026-03-01T08:00:00.000Z',
          updated_at: '2026-03-02T08:00:00.000Z',
        },
      ],
    });
    expect(response.body).not.toContain('scrypt');
  });

  it('filters by kind and gives the same rows as CSV', async () => {
    const get = (format: string) =>
      subject.app.inject({ url: `/api/v1/devices?kind=shelf&format=${format}`, headers: bearer(subject.tokens.admin) });
    const json = (await get('json')).json() as { items: Record<string, string>[] };
    const csv = await get('csv');
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(json.items.map((row) => row.id)).toEqual(['shelf-01', 'shelf-02']);
    expect(parseCsvRecords(csv.body)).toEqual(json.items);
    expect(csv.body).not.toContain('scrypt');
  });
});

describe('GET /api/v1/dead-letters', () => {
  const get = (query: string) =>
    subject.app.inject({ url: `/api/v1/dead-letters${query}`, headers: bearer(subject.tokens.admin) });

  it('pages with defaults and passes filters through', async () => {
    const page = (await get('')).json();
    expect(page).toMatchObject({ total: 3, limit: 100, offset: 0 });
    expect(page.items).toEqual(JSON.parse(JSON.stringify(DEAD_LETTERS)));
    expect(subject.deadLetterQueries.at(-1)).toEqual({ limit: 100, offset: 0 });

    const filtered = await get('?limit=1&offset=1&reason=schema&device=shelf-01&since=2026-01-01T00:00:30%2B00:00');
    expect(filtered.headers['x-total-count']).toBe('3');
    expect(subject.deadLetterQueries.at(-1)).toEqual({
      limit: 1,
      offset: 1,
      reason: 'schema',
      deviceId: 'shelf-01',
      since: Date.UTC(2026, 0, 1, 0, 0, 30),
    });
  });

  it.each([
    ['?limit=0', 'limit', '>= 1'],
    ['?limit=1001', 'limit', '<= 1000'],
    ['?limit=ten', 'limit', 'integer'],
    ['?limit=2.5', 'limit', 'integer'],
    ['?offset=-1', 'offset', '>= 0'],
    ['?format=xml', 'format', 'json, csv'],
    ['?since=yesterday', 'since', 'date-time'],
    ['?devcie=cam-01', 'devcie', 'not accepted'],
  ])('refuses %s with a 400 naming "%s"', async (query, parameter, why) => {
    const response = await get(query);
    expect(response.statusCode).toBe(400);
    const { error } = response.json();
    expect(error.code).toBe('invalid_parameter');
    expect(error.parameter).toBe(parameter);
    expect(error.message).toContain(`"${parameter}"`);
    expect(error.message).toContain(why);
  });

  it('serves CSV that a strict RFC 4180 reader turns back into the JSON values', async () => {
    const json = (await get('')).json() as { items: Record<string, unknown>[] };
    const csv = await get('?format=csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-disposition']).toBe('attachment; filename="dead-letters.csv"');
    const records = parseCsvRecords(csv.body);
    expect(records).toHaveLength(json.items.length);
    const columns = Object.keys(records[0] ?? {});
    expect(new Set(columns)).toEqual(new Set(json.items.flatMap((item) => Object.keys(item))));
    json.items.forEach((item, row) => {
      for (const column of columns) {
        const value = item[column];
        const cell = records[row]?.[column];
        if (typeof value === 'number') expect(Number(cell)).toBe(value);
        else if (value === null || value === undefined) expect(cell).toBe('');
        else if (typeof value === 'object') expect(JSON.parse(cell ?? '')).toEqual(value);
        else expect(cell).toBe(value);
      }
    });
  });
});

describe('/api/v1/tokens', () => {
  const admin = () => bearer(subject.tokens.admin);

  it('creates a token that works at once, lists it without secrets, and revokes it', async () => {
    const created = await subject.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: admin(),
      payload: { name: 'bi-export', scopes: ['hq:read'] },
    });
    expect(created.statusCode).toBe(201);
    const { token, ...record } = created.json();
    expect(record).toEqual({ name: 'bi-export', scopes: ['hq:read'], created_at: expect.any(String) });
    expect(subject.store.verify(token)?.name).toBe('bi-export');

    const listed = await subject.app.inject({ url: '/api/v1/tokens', headers: admin() });
    expect(listed.json().items.map((item: { name: string }) => item.name)).toEqual([
      'ops',
      'hq',
      'screen-1',
      'bi-export',
    ]);
    expect(listed.body).not.toContain(token.slice(-32));
    expect(listed.body).not.toContain('sha256');

    const csv = parseCsvRecords(
      (await subject.app.inject({ url: '/api/v1/tokens?format=csv', headers: admin() })).body,
    );
    expect(csv.find((row) => row.name === 'ops')).toMatchObject({ scopes: 'admin' });

    const revoked = await subject.app.inject({ method: 'DELETE', url: '/api/v1/tokens/bi-export', headers: admin() });
    expect(revoked.statusCode).toBe(204);
    expect(subject.store.verify(token)).toBeNull();
  });

  it.each([
    [{ name: 'Has Space', scopes: ['admin'] }, 400, 'name'],
    [{ name: 'x', scopes: ['root'] }, 400, 'scopes.0'],
    [{ name: 'x', scopes: [] }, 400, 'scopes'],
    [{ scopes: ['admin'] }, 400, 'name'],
    [{ name: 'x', scopes: ['admin'], ttl: 5 }, 400, 'ttl'],
    [{ name: 'hq', scopes: ['admin'] }, 409, undefined],
  ])('refuses %j with %i', async (payload, status, parameter) => {
    const response = await subject.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: admin(), payload });
    expect(response.statusCode).toBe(status);
    expect(response.json().error.parameter).toBe(parameter);
  });

  it('answers 404 for revoking an unknown token', async () => {
    const response = await subject.app.inject({ method: 'DELETE', url: '/api/v1/tokens/nobody', headers: admin() });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: { code: 'not_found', message: 'token "nobody" does not exist' } });
  });
});
