/**
 * `omo-edge start` as a child process that a crash test can kill -9 at any moment — during start-up
 * (migrations, the staged-record flush, connecting) as well as while it runs. Unlike
 * test/helpers/cli.ts `spawnStart`, launching does not wait for readiness: `ready` resolves when
 * `<data-dir>/runtime.json` names this child's pid, and the test decides whether to wait for it.
 * Ports are fixed by the caller so the feeder and the HTTP checks find each incarnation at the same
 * address.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { type RuntimeInfo, readRuntimeFile } from '../../../src/http/runtime-file.js';
import { REPO_ROOT } from '../../helpers/gateway.js';

export interface GatewayProcessOptions {
  configFile: string;
  dataDir: string;
  mqttPort: number;
  httpPort: number;
  env?: NodeJS.ProcessEnv;
}

export interface GatewayProcess {
  child: ChildProcess;
  /** Resolves once runtime.json names this child (it accepts MQTT and HTTP); rejects if it exits first. */
  ready: Promise<RuntimeInfo>;
  isReady(): boolean;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything the process printed (its log). */
  output(): string;
  kill9(): Promise<void>;
  /** SIGTERM, i.e. a clean stop; SIGKILL after `timeoutMs`. Resolves with the exit code. */
  terminate(timeoutMs?: number): Promise<number | null>;
}

export function launchGateway(options: GatewayProcessOptions): GatewayProcess {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(OMO_|VITEST)/.test(key)));
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/main.ts',
      'start',
      '--config',
      options.configFile,
      '--data-dir',
      options.dataDir,
      '--mqtt-port',
      String(options.mqttPort),
      '--http-port',
      String(options.httpPort),
    ],
    {
      cwd: REPO_ROOT,
      env: { ...env, OMO_LOG_LEVEL: 'error', OMO_WS_PORT: '0', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let log = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let readyNow = false;
  let gone = false;
  void exited.then(() => (gone = true));
  const ready = (async () => {
    for (;;) {
      if (gone) throw new Error(`omo-edge start exited before it was ready\n${log}`);
      const info = await readRuntimeFile(options.dataDir).catch(() => null);
      if (info !== null && info.pid === child.pid) {
        readyNow = true;
        return info;
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  })();
  ready.catch(() => undefined); // a crash test may kill it before it is ready: not an unhandled rejection
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    ready,
    isReady: () => readyNow,
    exited,
    output: () => log,
    async kill9() {
      if (alive()) child.kill('SIGKILL');
      await exited;
    },
    async terminate(timeoutMs = 15_000) {
      if (alive()) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const { code } = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/**
 * `PRAGMA integrity_check` of a SQLite file ('ok' when sound; 'absent' before the gateway made it).
 * Opening it read-write, as the gateway does, also recovers its WAL.
 */
export function integrityOf(file: string): string {
  if (!existsSync(file)) return 'absent';
  const db = new Database(file);
  try {
    return String(db.pragma('integrity_check', { simple: true }));
  } finally {
    db.close();
  }
}

/** The gateway's state files after a crash: SQLite integrity and lowdb documents that parse. */
export function checkStateFiles(dataDir: string): {
  sqlite: Record<string, string>;
  documents: Record<string, string>;
} {
  const sqlite: Record<string, string> = {};
  for (const name of ['omo.db', 'outbox.db']) sqlite[name] = integrityOf(join(dataDir, name));
  const documents: Record<string, string> = {};
  for (const name of ['registry.json', 'tokens.json']) {
    try {
      JSON.parse(readFileSync(join(dataDir, name), 'utf8'));
      documents[name] = 'ok';
    } catch (error) {
      documents[name] = (error as Error).message;
    }
  }
  return { sqlite, documents };
}
