/**
 * E2E (issue 7 "Must show"; ARCHITECTURE §9): `omo-edge <every command> --help` exits 0, prints that
 * command's usage and starts nothing. The commands and their actions come from the CLI's own table
 * (src/cli/commands.ts), so a new one is walked too. Each run gets a fresh working directory and a
 * --data-dir inside it that does not exist yet, plus the arguments that would make the command act — a
 * device to add, a broker to connect to, ports to listen on — aimed at things the test holds: sockets
 * that count every connection, on ports a gateway could not bind. Afterwards the working directory must
 * still be empty (no data dir, no runtime.json) and no socket may have been touched.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands, overview } from '../../src/cli/commands.js';
import { type CliCommand, usageText } from '../../src/cli/usage.js';
import { type CliResult, runCli } from '../helpers/cli.js';
import { DEFAULT_CONFIG, REPO_ROOT } from '../helpers/gateway.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/zara01/${name}`, import.meta.url));

let root: string;
const traps: Server[] = [];
let touched = 0;
const HANG_MS = 180_000;
/** Ports held by the test: a command that ignored --help would connect to them or fail to bind them. */
let port: [string, string, string];

/**
 * What makes each command, and each action, do something. A command or action missing here fails the
 * test: give it the arguments that would make it act, so its --help is shown to act on nothing.
 */
function actingArgs(): Record<string, string[]> {
  const url = `mqtt://127.0.0.1:${port[0]}`;
  return {
    start: ['--demo', '--mqtt-port', port[0], '--ws-port', port[1], '--http-port', port[2]],
    'check-config': ['--config', DEFAULT_CONFIG],
    devices: [],
    'devices add': ['d1', '--kind', 'shelf'],
    'devices list': [],
    'devices remove': ['d1'],
    'devices rotate': ['d1'],
    tokens: [],
    'tokens add': ['t1', '--scope', 'admin'],
    'tokens list': [],
    'tokens revoke': ['t1'],
    simulate: ['--url', url, '--config', DEFAULT_CONFIG, '--duration', '5'],
    uplink: [],
    'uplink status': ['--config', DEFAULT_CONFIG],
    analyze: ['--config', fixture('config.yaml'), '--tracks', fixture('obsmat.txt'), '--format', 'obsmat'],
    replay: ['--tracks', fixture('obsmat.txt'), '--format', 'obsmat', '--camera', 'c1', '--url', url],
    track: ['--mot', fileURLToPath(new URL('../fixtures/tud-campus/gt.txt', import.meta.url)), '--out', 'tracks.txt'],
    detect: [join(REPO_ROOT, 'test/fixtures/vtest/frame_0001.jpg'), '--json'],
  };
}

async function trap(): Promise<string> {
  const server = createServer((socket) => {
    touched++;
    socket.destroy();
  });
  traps.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return String((server.address() as { port: number }).port);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'omo-help-'));
  port = [await trap(), await trap(), await trap()];
});

afterAll(async () => {
  await Promise.all(traps.map((server) => new Promise((resolve) => server.close(resolve))));
  await rm(root, { recursive: true, force: true });
});

/** Runs `omo-edge …args` in a fresh empty directory; returns the result and what the directory holds after. */
async function runFresh(args: (dataDir: string) => string[]): Promise<CliResult & { left: string[] }> {
  const cwd = await mkdtemp(join(root, 'cwd-'));
  const result = await runCli(args(join(cwd, 'data')), { cwd, timeoutMs: HANG_MS });
  return { ...result, left: await readdir(cwd) };
}

/**
 * At most `limit` at once: two cores, and each child compiles the CLI with tsx. The timeouts below are
 * hang guards sized for a machine starved by other work (a run of the whole suite beside other jobs took
 * over 60 s for one `omo-edge --help`); a healthy run takes a second or two per child.
 */
async function inBatches<T, R>(items: readonly T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += limit)
    results.push(...(await Promise.all(items.slice(i, i + limit).map(run))));
  return results;
}

describe('E2E: omo-edge <command> --help', () => {
  it('every command and action prints its usage, exits 0 and creates, binds and connects nothing', async () => {
    const acting = actingArgs();
    const cases: { words: string[]; command: CliCommand }[] = [];
    for (const [name, load] of Object.entries(commands)) {
      const command = await load();
      cases.push({ words: [name], command });
      for (const action of command.actions ?? []) cases.push({ words: [name, action], command });
    }
    expect(cases.length).toBeGreaterThanOrEqual(Object.keys(commands).length);
    for (const { words } of cases) {
      expect(acting[words.join(' ')], `no acting arguments for "${words.join(' ')}" in this test`).toBeDefined();
    }
    // `--help` after a command, `-h` at the end of an action's arguments: both forms, both places.
    const results = await inBatches(cases, 2, ({ words }) =>
      runFresh((dataDir) => {
        const args = [...(acting[words.join(' ')] ?? []), '--data-dir', dataDir];
        return words.length === 1 ? [...words, '--help', ...args] : [...words, ...args, '-h'];
      }),
    );
    for (const [i, { words, command }] of cases.entries()) {
      const result = results[i];
      const what = `omo-edge ${words.join(' ')} --help`;
      expect(result?.code, `${what}\n${result?.stderr}`).toBe(0);
      expect(result?.stdout, what).toBe(usageText(command));
      expect(result?.stderr, what).toBe('');
      expect(result?.left, `${what} left files behind`).toEqual([]);
    }
    expect(touched, 'connections to the sockets a command would have used').toBe(0);
  }, 1_800_000);

  it('help, --help and -h print every command; no command at all prints it as an error; help COMMAND', async () => {
    const expected = await overview();
    const [help, long, short, none, start] = await inBatches(
      [['help'], ['--help'], ['-h'], [], ['help', 'start']],
      2,
      (args) => runFresh(() => args),
    );
    for (const result of [help, long, short]) expect(result).toMatchObject({ code: 0, stdout: expected, stderr: '' });
    expect(none).toMatchObject({ code: 2, stdout: '', stderr: expected });
    expect(start?.stdout).toBe(usageText(await (commands.start as () => Promise<CliCommand>)()));
    for (const name of Object.keys(commands)) expect(expected).toContain(`  omo-edge ${name}`);
  }, 600_000);

  it('--version and -V print the version in package.json', async () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const results = await inBatches([['--version'], ['-V']], 2, (args) => runFresh(() => args));
    for (const result of results)
      expect(result).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '', left: [] });
  }, 400_000);
});
