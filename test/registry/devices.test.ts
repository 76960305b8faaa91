import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeviceRegistry, type RegistryChange } from '../../src/registry/devices.js';
import { derivationCount } from '../../src/registry/password.js';
import { changeRegistryInChild } from './helpers/run-child.js';

let dir: string;
let path: string;
const open: DeviceRegistry[] = [];

async function openRegistry(): Promise<DeviceRegistry> {
  const registry = await DeviceRegistry.open(path);
  open.push(registry);
  return registry;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'omo-registry-'));
  path = join(dir, 'registry.json');
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.stop()));
  await rm(dir, { recursive: true, force: true });
});

describe('DeviceRegistry', () => {
  it('stores only a salted scrypt hash and shows a long random password once', async () => {
    const registry = await openRegistry();
    const a = await registry.add('shelf-01', 'shelf');
    const b = await registry.add('shelf-02', 'shelf');
    expect(a.password.length).toBeGreaterThanOrEqual(24);
    expect(a.password).not.toBe(b.password);
    const text = await readFile(path, 'utf8');
    expect(text).not.toContain(a.password);
    expect(text).not.toContain(b.password);
    const stored = JSON.parse(text).devices as {
      secret: Record<string, unknown>;
    }[];
    expect(stored[0]?.secret).toMatchObject({
      algorithm: 'scrypt',
      n: 4096,
      r: 8,
      p: 1,
      keylen: 32,
    });
    expect(stored[0]?.secret.salt).not.toBe(stored[1]?.secret.salt);
  });

  it('verifies the right password only', async () => {
    const registry = await openRegistry();
    const { password } = await registry.add('cam-1', 'camera');
    expect(await registry.verify('cam-1', password)).toMatchObject({
      id: 'cam-1',
      kind: 'camera',
    });
    // The second success is served from the cache and must agree.
    expect(await registry.verify('cam-1', password)).toMatchObject({
      id: 'cam-1',
    });
    expect(await registry.verify('cam-1', `${password}x`)).toBeNull();
    expect(await registry.verify('cam-1', '')).toBeNull();
    expect(await registry.verify('cam-2', password)).toBeNull();
  });

  it('makes an unknown device cost one scrypt, as a wrong password does, so ids cannot be found by timing', async () => {
    const registry = await openRegistry();
    const { password } = await registry.add('cam-1', 'camera');
    expect(await registry.verify('cam-1', password)).not.toBeNull();
    const cost = async (id: string, attempt: string) => {
      const before = derivationCount();
      await registry.verify(id, attempt);
      return derivationCount() - before;
    };
    expect(await cost('cam-1', 'wrong')).toBe(1);
    expect(await cost('no-such-device', 'wrong')).toBe(1);
    expect(await cost('no-such-device', password)).toBe(1);
    // Only a success already verified is cheap (an HMAC), and only the device itself knows that password.
    expect(await cost('cam-1', password)).toBe(0);
  });

  it('refuses duplicate ids and ids or kinds that break the topic grammar', async () => {
    const registry = await openRegistry();
    await registry.add('s1', 'shelf');
    await expect(registry.add('s1', 'shelf')).rejects.toThrow('device "s1" is already registered');
    for (const id of ['a/b', 'a+', '#', '$SYS', '', '-lead', 'x'.repeat(65), 'constructor/x']) {
      await expect(registry.add(id, 'shelf')).rejects.toThrow(`device id ${JSON.stringify(id)} is not valid`);
    }
    for (const kind of ['Shelf', 'a/b', '+', '', 'k'.repeat(33)]) {
      await expect(registry.add('ok', kind)).rejects.toThrow(`device kind ${JSON.stringify(kind)} is not valid`);
    }
    expect(registry.list().map((d) => d.id)).toEqual(['s1']);
  });

  it('lists and gets records without any secret', async () => {
    const registry = await openRegistry();
    await registry.add('b', 'signage');
    await registry.add('a', 'shelf');
    const list = registry.list();
    expect(list.map((d) => d.id)).toEqual(['a', 'b']);
    expect(Object.keys(list[0] ?? {}).sort()).toEqual(['createdAt', 'id', 'kind', 'updatedAt']);
    expect(registry.get('b')).toMatchObject({ id: 'b', kind: 'signage' });
    expect(registry.get('nope')).toBeUndefined();
  });

  it('rotation invalidates the old password, even one verified (and cached) before', async () => {
    const registry = await openRegistry();
    const first = await registry.add('s1', 'shelf');
    expect(await registry.verify('s1', first.password)).not.toBeNull();
    const changed = once(registry, 'changed');
    const second = await registry.rotate('s1');
    expect(((await changed)[0] as RegistryChange).rotated).toEqual(['s1']);
    expect(second.password).not.toBe(first.password);
    expect(await registry.verify('s1', first.password)).toBeNull();
    expect(await registry.verify('s1', second.password)).not.toBeNull();
    await expect(registry.rotate('ghost')).rejects.toThrow('device "ghost" is not registered');
  });

  it('removal stops verification and is announced', async () => {
    const registry = await openRegistry();
    const { password } = await registry.add('s1', 'shelf');
    expect(await registry.verify('s1', password)).not.toBeNull();
    const changed = once(registry, 'changed');
    await registry.remove('s1');
    expect(((await changed)[0] as RegistryChange).removed).toEqual(['s1']);
    expect(await registry.verify('s1', password)).toBeNull();
    await expect(registry.remove('s1')).rejects.toThrow('device "s1" is not registered');
    // Survives a reopen: the change was written to disk.
    expect((await openRegistry()).list()).toEqual([]);
  });

  it('follows changes another process makes to the file', async () => {
    const registry = await openRegistry();
    const { password } = await registry.add('s1', 'shelf');
    await registry.add('s2', 'shelf');
    expect(await registry.verify('s1', password)).not.toBeNull();
    // fs.watch only: the poll is off, so this proves the directory watch works on this filesystem.
    await registry.start({ pollMs: 0 });

    let changed = once(registry, 'changed');
    const rotated = JSON.parse(await changeRegistryInChild(path, 'rotate', 's1')) as { password: string };
    expect((await changed)[0]).toEqual({
      added: [],
      removed: [],
      rotated: ['s1'],
    });
    expect(await registry.verify('s1', password)).toBeNull();
    expect(await registry.verify('s1', rotated.password)).not.toBeNull();

    changed = once(registry, 'changed');
    await changeRegistryInChild(path, 'remove', 's2');
    expect((await changed)[0]).toEqual({
      added: [],
      removed: ['s2'],
      rotated: [],
    });

    changed = once(registry, 'changed');
    const added = JSON.parse(await changeRegistryInChild(path, 'add', 'cam-9', 'camera')) as { password: string };
    expect((await changed)[0]).toEqual({
      added: ['cam-9'],
      removed: [],
      rotated: [],
    });
    expect(await registry.verify('cam-9', added.password)).toMatchObject({
      kind: 'camera',
    });
  });

  it('notices changes through the stat poll alone', async () => {
    const registry = await openRegistry();
    await registry.add('s1', 'shelf');
    const other = await DeviceRegistry.open(path);
    await registry.start({ pollMs: 100, fsWatch: false });
    const changed = once(registry, 'changed');
    await other.remove('s1');
    expect((await changed)[0]).toEqual({
      added: [],
      removed: ['s1'],
      rotated: [],
    });
  });

  it('refuses to open a damaged file, naming the entry and field', async () => {
    await writeFile(
      path,
      JSON.stringify({
        version: 1,
        devices: [{ id: 'x', kind: 'shelf', secret: { algorithm: 'md5' } }],
      }),
    );
    await expect(DeviceRegistry.open(path)).rejects.toThrow(
      `device registry ${path} is damaged: devices[0] (x): secret.algorithm must be "scrypt", got "md5"`,
    );
  });

  it('keeps the last good device list when the file is damaged while running', async () => {
    const registry = await openRegistry();
    const { password } = await registry.add('s1', 'shelf');
    await writeFile(path, '{ not json');
    expect(await registry.reload()).toEqual({
      added: [],
      removed: [],
      rotated: [],
    });
    expect(await registry.verify('s1', password)).not.toBeNull();
  });
});
