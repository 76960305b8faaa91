import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readRuntimeFile, removeRuntimeFile, runtimeFilePath, writeRuntimeFile } from '../../src/http/runtime-file.js';

let dataDir: string;
beforeEach(async () => {
  dataDir = join(await mkdtemp(join(tmpdir(), 'omo-runtime-')), 'data');
});
afterEach(async () => {
  await rm(join(dataDir, '..'), { recursive: true, force: true });
});

describe('runtime.json', () => {
  it('writes the bound ports and pid, creating the data directory, with no temp file left', async () => {
    await writeRuntimeFile(dataDir, { mqtt: 41883, ws: 48083, http: 48080, pid: process.pid });
    expect(JSON.parse(await readFile(runtimeFilePath(dataDir), 'utf8'))).toEqual({
      mqtt: 41883,
      ws: 48083,
      http: 48080,
      pid: process.pid,
    });
    expect(await readdir(dataDir)).toEqual(['runtime.json']);
  });

  it('includes the TLS port when there is one and replaces an older file whole', async () => {
    await writeRuntimeFile(dataDir, { mqtt: 1, ws: 2, http: 3, pid: 4 });
    await writeRuntimeFile(dataDir, { mqtt: 11, ws: 12, tls: 18883, http: 13, pid: process.pid });
    expect(await readRuntimeFile(dataDir)).toEqual({ mqtt: 11, ws: 12, tls: 18883, http: 13, pid: process.pid });
  });

  it('reads null when absent and refuses a file without ports', async () => {
    expect(await readRuntimeFile(dataDir)).toBeNull();
    await writeRuntimeFile(dataDir, { mqtt: 1, ws: 2, http: 3, pid: 4 });
    await writeFile(runtimeFilePath(dataDir), '{"mqtt": 1, "ws": 2, "pid": 4}');
    await expect(readRuntimeFile(dataDir)).rejects.toThrow(/"http" must be an integer, got undefined/);
  });

  it('removes only its own file, never that of a gateway started since', async () => {
    await writeRuntimeFile(dataDir, { mqtt: 1, ws: 2, http: 3, pid: process.pid + 1 });
    await removeRuntimeFile(dataDir);
    expect(await readRuntimeFile(dataDir)).not.toBeNull();
    await removeRuntimeFile(dataDir, process.pid + 1);
    expect(await readRuntimeFile(dataDir)).toBeNull();
    await removeRuntimeFile(dataDir);
  });
});
