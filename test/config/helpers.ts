/** Shared by the config tests: write YAML to a temp file, load it, and get the report lines back. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { ConfigError, type LoadedConfig, type LoadOptions, loadConfig } from '../../src/config/index.js';

export const KNOWN_KINDS = ['shelf', 'camera', 'signage'] as const;

/** The smallest valid config; tests append the section they are about. */
export const MINIMAL = 'store: { id: s1 }\ngateway: { id: g1 }\n';

let dir: string | undefined;
let counter = 0;

export function tempDir(): string {
  if (!dir) {
    const created = mkdtempSync(join(tmpdir(), 'omo-config-'));
    dir = created;
    afterAll(() => rmSync(created, { recursive: true, force: true }));
  }
  return dir;
}

/** Writes `yaml` to a new file and returns its path. */
export function writeConfig(yaml: string, name = `config-${++counter}.yaml`): string {
  const file = join(tempDir(), name);
  writeFileSync(file, yaml);
  return file;
}

export async function load(yaml: string, options: LoadOptions = {}): Promise<LoadedConfig> {
  return loadConfig(writeConfig(yaml), {
    env: {},
    knownKinds: KNOWN_KINDS,
    ...options,
  });
}

/** Loads `yaml`, expecting it to be refused; returns the file name and the report's lines. */
export async function refusal(yaml: string, options: LoadOptions = {}): Promise<{ file: string; lines: string[] }> {
  const file = writeConfig(yaml);
  try {
    await loadConfig(file, { env: {}, knownKinds: KNOWN_KINDS, ...options });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // The message is exactly the problems, formatted, one per line.
    return { file, lines: error.message.split('\n') };
  }
  throw new Error(`expected ${file} to be refused:\n${yaml}`);
}
