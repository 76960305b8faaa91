/**
 * A store with a year of aggregates behind the real gateway, for the HQ load test and benchmark (issue
 * 8): config/default.yaml, a year of bins generated into `<data-dir>/omo.db` (aggregate-year.ts), a
 * shelf device and an `hq:read` token made through the CLI, and `omo-edge start` from the build in
 * dist/ as its own process with the V8 flag the shipped unit uses (run `npm run build` first).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { loadConfig } from '../../src/config/load.js';
import { type RuntimeInfo, readRuntimeFile } from '../../src/http/runtime-file.js';
import { openDatabase } from '../../src/store/database.js';
import { fillAggregates } from './aggregate-year.js';
import { runCliJson } from './cli.js';
import { connectClient, makeDataDir, REPO_ROOT, waitFor, writeConfigFile } from './gateway.js';

export const SHELF = 'shelf-produce-1';
export const DAY_MS = 86_400_000;

export interface YearStore {
  runtime: RuntimeInfo;
  /** The generated data ends here (a minute boundary): HQ's final_until. */
  endMs: number;
  token: string;
  /** GET on the gateway's HTTP API, with the hq:read token unless `bearer` is false. */
  http(path: string, bearer?: boolean): Promise<Response>;
  /** Connects the shelf (MQTT 3.1.1). */
  shelf(): Promise<MqttClient>;
  stop(): Promise<void>;
}

export async function startYearStore(fineDays: number): Promise<YearStore> {
  const dir = await makeDataDir('omo-hq-year-');
  const configFile = await writeConfigFile(dir);
  const { config } = await loadConfig(configFile, { env: {} });
  const endMs = Math.floor(Date.now() / 60_000) * 60_000;
  const db = openDatabase(join(dir, 'omo.db'), []);
  fillAggregates(db, config, { endMs, days: 366, fineDays });
  db.close();
  const cli = (args: string[]) =>
    runCliJson<{ password?: string; token?: string }>([...args, '--data-dir', dir, '--json']);
  const password = (await cli(['devices', 'add', SHELF, '--kind', 'shelf'])).password ?? '';
  const token = (await cli(['tokens', 'add', 'hq-year', '--scope', 'hq:read'])).token ?? '';
  const ports = ['--mqtt-port', '0', '--ws-port', '0', '--http-port', '0'];
  const main = join(REPO_ROOT, 'dist/src/main.js');
  const args = ['--max-semi-space-size=4', main, 'start', '--config', configFile, '--data-dir', dir, ...ports];
  const env = { PATH: process.env.PATH, OMO_LOG_LEVEL: 'warn' };
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'], env });
  const runtime = await waitFor(
    async () => {
      const info = await readRuntimeFile(dir).catch(() => null);
      return info?.pid === child.pid ? info : null;
    },
    60_000,
    'runtime.json of the gateway',
  );
  return {
    runtime,
    endMs,
    token,
    http: (path, bearer = true) =>
      fetch(`http://127.0.0.1:${runtime.http}${path}`, {
        headers: bearer ? { authorization: `Bearer ${token}` } : {},
        signal: AbortSignal.timeout(60_000),
      }),
    shelf: () => connectClient(runtime.mqtt, { clientId: SHELF, username: SHELF, password }),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Publishes QoS 1 shelf readings at `ratePerS` until `until` settles (and at least `minimum`); returns
 * each PUBACK's latency in ms, once every reading is acknowledged.
 */
export async function publishWhile(
  client: MqttClient,
  until: Promise<unknown>,
  ratePerS: number,
  minimum: number,
): Promise<{ sent: number; acked: number[] }> {
  let done = false;
  void until.finally(() => (done = true));
  const acked: number[] = [];
  let sent = 0;
  const started = performance.now();
  while (!done || sent < minimum) {
    // Paced by the schedule, not by a fixed sleep after each send: a late timer sends what is due.
    const due = Math.floor(((performance.now() - started) / 1000) * ratePerS) + 1;
    while (sent < due) {
      const at = performance.now();
      const payload = JSON.stringify({ ts: Date.now(), lanes: [{ lane: 1, grams: 2000 + (sent % 100) }] });
      sent++;
      client.publish(`omo/shelf/${SHELF}/weight`, payload, { qos: 1 }, (error) => {
        if (error === undefined || error === null) acked.push(performance.now() - at);
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 1000 / ratePerS));
  }
  await waitFor(() => acked.length === sent, 30_000, 'every PUBACK');
  return { sent, acked };
}

export async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

/** Nearest-rank percentile. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}
