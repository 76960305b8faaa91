/**
 * The omo-edge CLI as a real child process (`node --import tsx src/main.ts …`, cwd = the repo root unless
 * a test picks another), the way an installer or a script runs it: exit code, stdout and stderr
 * captured, a timeout so a hung command fails the test instead of the run. `spawnStart` keeps a long-running `start` and finds it
 * through `<data-dir>/runtime.json`, as ARCHITECTURE §9 promises scripts can.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RuntimeInfo } from '../../src/http/runtime-file.js';
import { readRuntimeFile } from '../../src/http/runtime-file.js';
import { REPO_ROOT, waitFor } from './gateway.js';

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

// Absolute, so the CLI runs from any working directory (tsx is found in the repo, not the cwd).
const NODE_ARGS = [
  '--import',
  pathToFileURL(join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs')).href,
  join(REPO_ROOT, 'src/main.ts'),
];

function childEnv(env: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv {
  // The test runner's own variables (VITEST_*, a parent's OMO_*) must not steer the child.
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(OMO_|VITEST)/.test(key)));
  return { ...clean, OMO_LOG_LEVEL: 'warn', ...env };
}

function launch(args: string[], env: NodeJS.ProcessEnv | undefined, cwd = REPO_ROOT): ChildProcess {
  return spawn(process.execPath, [...NODE_ARGS, ...args], {
    cwd,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs one CLI command to completion; kills it and rejects after `timeoutMs`. */
export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {}) {
  // A hang guard: `node --import tsx` compiles the sources first, which takes seconds on a loaded machine.
  const timeoutMs = options.timeoutMs ?? 60_000;
  const child = launch(args, options.env, options.cwd);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`omo-edge ${args.join(' ')} did not exit within ${timeoutMs} ms\nstderr: ${stderr}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Runs a command that prints JSON and must succeed; returns the parsed output. */
export async function runCliJson<T = unknown>(args: string[], env?: NodeJS.ProcessEnv): Promise<T> {
  const result = await runCli(args, { env });
  if (result.code !== 0) {
    throw new Error(`omo-edge ${args.join(' ')} exited ${result.code}\n${result.stderr}`);
  }
  return JSON.parse(result.stdout) as T;
}

export interface RunningStart {
  child: ChildProcess;
  runtime: RuntimeInfo;
  /** Everything the process wrote to stderr so far (its log). */
  stderr(): string;
  /** Sends `signal` (default SIGTERM) and resolves with the exit code; SIGKILL after `timeoutMs` (default 30 s). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Spawns `omo-edge start …args` and resolves once `<dataDir>/runtime.json` names the child's pid.
 * `args` must include `--data-dir dataDir`.
 */
export async function spawnStart(
  args: string[],
  dataDir: string,
  options: { env?: NodeJS.ProcessEnv; readyTimeoutMs?: number } = {},
): Promise<RunningStart> {
  const child = launch(['start', ...args], options.env);
  let log = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  // 'close', not 'exit': only then has everything the child wrote been read, so stderr() is its whole log.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  let exitedEarly = false;
  void exited.then(() => (exitedEarly = true));
  const stop: RunningStart['stop'] = async (signal = 'SIGTERM', timeoutMs = 30_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return exited;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const result = await exited;
    clearTimeout(timer);
    return result;
  };
  try {
    const found = await waitFor(
      async () => {
        if (exitedEarly) return { runtime: null };
        // A half-written file cannot be seen (it is renamed into place); a missing one means not ready yet.
        const info = await readRuntimeFile(dataDir).catch(() => null);
        return info !== null && info.pid === child.pid ? { runtime: info } : null;
      },
      options.readyTimeoutMs ?? 60_000,
      `runtime.json of omo-edge start (pid ${child.pid})`,
    );
    if (found.runtime === null) throw new Error('omo-edge start exited before it was ready');
    const runtime = found.runtime;
    return { child, runtime, stderr: () => log, stop };
  } catch (error) {
    await stop('SIGKILL');
    throw new Error(`${(error as Error).message}\n--- output ---\n${log}`);
  }
}
