import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scopeGrants, TokenError, TokenStore } from '../../src/registry/tokens.js';
import { changeTokensInChild, eventually } from './helpers/run-token-child.js';

let dir: string;
let path: string;
const opened: TokenStore[] = [];

async function openStore(): Promise<TokenStore> {
  const store = await TokenStore.open(path, { reloadDebounceMs: 20, lastUsedFlushMs: 60_000 });
  opened.push(store);
  return store;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'omo-tokens-'));
  path = join(dir, 'tokens.json');
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.stop()));
  await rm(dir, { recursive: true, force: true });
});

describe('TokenStore', () => {
  it('shows a 190-bit base62 token once and keeps only its sha256 on disk', async () => {
    const store = await openStore();
    const { token, record } = await store.add('hq-reports', ['hq:read']);
    expect(token).toMatch(/^omo_hq-reports_[0-9A-Za-z]{32}$/);
    expect(record).toEqual({ name: 'hq-reports', scopes: ['hq:read'], created_at: expect.any(String) });

    const text = await readFile(path, 'utf8');
    const secret = token.slice(token.lastIndexOf('_') + 1);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(token);
    const file = JSON.parse(text) as { tokens: { hash: string }[] };
    expect(file.tokens[0]?.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('draws a different secret every time', async () => {
    const store = await openStore();
    const secrets = new Set<string>();
    for (let n = 0; n < 20; n++) secrets.add((await store.add(`t${n}`, ['admin'])).token.slice(-32));
    expect(secrets.size).toBe(20);
  });

  it('verifies the exact token only', async () => {
    const store = await openStore();
    const { token } = await store.add('screen-1', ['signage:pull']);
    expect(store.verify(token)).toMatchObject({ name: 'screen-1', scopes: ['signage:pull'] });
    const last = token.at(-1) === 'a' ? 'b' : 'a';
    expect(store.verify(token.slice(0, -1) + last)).toBeNull();
    expect(store.verify(token.slice(0, -1))).toBeNull();
    expect(store.verify(`${token}x`)).toBeNull();
    expect(store.verify('')).toBeNull();
    expect(store.verify(token.repeat(50))).toBeNull();
  });

  it('lists names, scopes and dates, never a secret or hash', async () => {
    const store = await openStore();
    const { token } = await store.add('ops', ['admin', 'admin']);
    store.verify(token);
    const list = store.list();
    expect(list).toEqual([
      { name: 'ops', scopes: ['admin'], created_at: expect.any(String), last_used: expect.any(String) },
    ]);
    expect(JSON.stringify(list)).not.toMatch(/sha256|hash/);
  });

  it('refuses bad names, unknown or empty scopes and duplicates, naming the problem', async () => {
    const store = await openStore();
    await expect(store.add('Bad Name', ['admin'])).rejects.toMatchObject({ code: 'invalid_name' });
    await expect(store.add('x', [])).rejects.toThrow(/scopes are empty/);
    await expect(store.add('x', ['root' as 'admin'])).rejects.toThrow(/unknown "root"/);
    await store.add('x', ['admin']);
    const duplicate = await store.add('x', ['hq:read']).catch((error: unknown) => error);
    expect(duplicate).toBeInstanceOf(TokenError);
    expect((duplicate as TokenError).code).toBe('duplicate');
  });

  it('revokes: the token stops verifying and unknown names are reported', async () => {
    const store = await openStore();
    const { token } = await store.add('temp', ['hq:read']);
    await store.revoke('temp');
    expect(store.verify(token)).toBeNull();
    expect(store.list()).toEqual([]);
    await expect(store.revoke('temp')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('persists last_used when stopped, matched by hash', async () => {
    const store = await TokenStore.open(path);
    const { token } = await store.add('ops', ['admin']);
    store.verify(token);
    await store.stop();
    const reopened = await openStore();
    expect(reopened.list()[0]?.last_used).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('follows adds and revokes another process makes while it runs', async () => {
    const gateway = await openStore();
    await gateway.start();
    const { token } = await changeTokensInChild(path, 'add', 'cli-made', 'hq:read,signage:pull');
    expect(token).toBeDefined();
    await eventually(() => gateway.verify(token ?? '') !== null);
    expect(gateway.verify(token ?? '')?.scopes).toEqual(['hq:read', 'signage:pull']);

    await changeTokensInChild(path, 'revoke', 'cli-made');
    await eventually(() => gateway.verify(token ?? '') === null);
  });

  it('treats a deleted token file as no tokens', async () => {
    const gateway = await openStore();
    await gateway.start();
    const { token } = await gateway.add('ops', ['admin']);
    await rm(path);
    await eventually(() => gateway.verify(token) === null);
  });

  it('refuses to open a malformed file, naming the entry and field', async () => {
    await writeFile(path, JSON.stringify({ version: 1, tokens: [{ name: 'ops', scopes: ['root'], hash: 'md5:abc' }] }));
    await expect(TokenStore.open(path)).rejects.toThrow(
      /tokens\[0\]\.scopes must list hq:read, signage:pull, admin; tokens\[0\]\.hash must be sha256/,
    );
    await writeFile(path, '{"version": 1, "tokens": [');
    await expect(TokenStore.open(path)).rejects.toThrow(/cannot read/);
  });

  it('keeps serving the last valid tokens through a bad hand edit, then follows the fix', async () => {
    const gateway = await openStore();
    await gateway.start();
    const { token } = await gateway.add('ops', ['admin']);
    const good = await readFile(path, 'utf8');
    await writeFile(path, '{"version": 1, "tokens": {}}');
    await gateway.reload();
    expect(gateway.verify(token)?.name).toBe('ops');
    expect(gateway.list().map((record) => record.name)).toEqual(['ops']);
    await expect(gateway.add('x', ['admin'])).rejects.toThrow(/"tokens" must be an array/);
    await writeFile(path, good.replace('"admin"', '"hq:read"'));
    await eventually(() => gateway.verify(token)?.scopes[0] === 'hq:read');
  });

  it('keeps a change made by another writer when it records last use', async () => {
    const gateway = await openStore();
    const { token } = await gateway.add('ops', ['admin']);
    gateway.verify(token);
    const other = await openStore();
    await other.add('added-elsewhere', ['hq:read']);
    await gateway.flushLastUsed();
    const names = (await openStore()).list().map((record) => record.name);
    expect(names).toEqual(['ops', 'added-elsewhere']);
  });
});

describe('scopeGrants', () => {
  it('grants a held scope, and every scope to admin', () => {
    expect(scopeGrants(['hq:read'], 'hq:read')).toBe(true);
    expect(scopeGrants(['signage:pull'], 'hq:read')).toBe(false);
    expect(scopeGrants(['hq:read'], 'admin')).toBe(false);
    expect(scopeGrants(['admin'], 'hq:read')).toBe(true);
    expect(scopeGrants(['admin'], 'signage:pull')).toBe(true);
  });
});
