/**
 * The command table of `omo-edge` (ARCHITECTURE §9). Each command lives in src/cli/<command>.ts and is
 * loaded only when used, so `omo-edge devices list` does not pay for loading the broker. The top-level
 * usage is built from the commands' own synopses, so it cannot drift from them; test/integration/
 * cli-help.test.ts walks this table, so a new command cannot miss --help.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CliCommand, synopsisLine } from './usage.js';

export const commands: Readonly<Record<string, () => Promise<CliCommand>>> = {
  start: async () => (await import('./start.js')).startCommand,
  'check-config': async () => (await import('./check-config.js')).checkConfigCommand,
  devices: async () => (await import('./devices.js')).devicesCommand,
  tokens: async () => (await import('./tokens.js')).tokensCommand,
  simulate: async () => (await import('./simulate.js')).simulateCommand,
  uplink: async () => (await import('./uplink.js')).uplinkCommand,
  analyze: async () => (await import('./analyze.js')).analyzeCommand,
  replay: async () => (await import('./replay.js')).replayCommand,
  track: async () => (await import('./track.js')).trackCommand,
  detect: async () => (await import('./detect.js')).detectCommand,
};

/** `omo-edge help`: every command's synopsis (this loads every command, which help can afford). */
export async function overview(): Promise<string> {
  const forms: string[] = [];
  for (const load of Object.values(commands)) forms.push(...(await load()).synopsis);
  return [
    'omo-edge — smart-store IoT edge gateway',
    '',
    'Usage:',
    ...forms.map((form) => `  ${synopsisLine(form)}`),
    '  omo-edge help [COMMAND]',
    '  omo-edge --version',
    '',
    "Run 'omo-edge COMMAND --help' for what a command does and its options.",
    '',
  ].join('\n');
}

/**
 * The version in package.json. This file runs from src/cli/ (tsx) or dist/src/cli/ (the build), so the
 * package root is found by walking up rather than by a fixed relative path.
 */
export function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === 'omo-edge' && manifest.version !== undefined) return manifest.version;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json of omo-edge not found above the program');
    dir = parent;
  }
}
