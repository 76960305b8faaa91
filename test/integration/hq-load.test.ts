/**
 * E2E (issue 8 item 1, "HQ queries never block the broker"): the real gateway (`omo-edge start` from the
 * build in dist/, its own process, with the V8 flag the shipped unit uses — run `npm run build` first) on a store holding a year of aggregates (generated straight into its SQLite file), twenty
 * year-long HQ queries at once from one `hq:read` token — every HQ table route and the heatmap — while a
 * real shelf publishes QoS 1 readings at 50 msg/s. Before the fix the queries ran on the event loop
 * that serves MQTT: the shelf's PUBACK p99 rose to seconds and /healthz timed out.
 *
 * Asserted: every query is answered 200 in the end, and whatever was turned away on the way was a 503
 * `busy` with a whole-second Retry-After (the client here waits it out, as HQ's would); every reading
 * was acknowledged and none refused; /healthz answered 200 throughout; the shelf's PUBACK p99 stays
 * under P99_BOUND_MS and the gateway's RSS under 250 MB.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { type RuntimeInfo, readRuntimeFile } from '../../src/http/runtime-file.js';
import { openDatabase } from '../../src/store/database.js';
import { fillAggregates } from '../helpers/aggregate-year.js';
import { runCliJson } from '../helpers/cli.js';
import {
  connectClient,
  makeDataDir,
  metricValue,
  parseMetrics,
  REPO_ROOT,
  waitFor,
  writeConfigFile,
} from '../helpers/gateway.js';

/**
 * The issue asks 50 ms. A test cannot hold a latency figure on a shared 2-core machine beside a CPU hog
 * (`stress-ng --cpu 2`): there the gateway's thread waits for a core whatever it does. Measured here
 * with the machine at a load of 13-20: the old code 56 s p99 (2,420 readings refused as rate_limited,
 * RSS 555 MB); the new 115-763 ms p99, 1.3-3.3 ms p50, no reading refused, RSS ≤ 182 MB; the same shelf
 * without queries 19 ms. So the test's bound is one the old code fails by far and the new holds under a
 * hog; the 50 ms figure is the benchmark's (`npm run bench -- hq`, an idle machine).
 */
const P99_BOUND_MS = 1000;
const RSS_BOUND_MB = 250;
const QUERIES = 20;
const RATE_PER_S = 50;
const DAY_MS = 86_400_000;

const SHELF = 'shelf-produce-1';
let dir: string;
let gateway: { child: ChildProcess; runtime: RuntimeInfo };
let token: string;
let password: string;
let endMs: number;

beforeAll(async () => {
  dir = await makeDataDir('omo-hq-load-');
  const configFile = await writeConfigFile(dir);
  const { config } = await loadConfig(configFile, { env: {} });
  endMs = Math.floor(Date.now() / 60_000) * 60_000;
  const db = openDatabase(join(dir, 'omo.db'), []);
  fillAggregates(db, config, { endMs, days: 366, fineDays: 1 });
  db.close();
  const cli = (args: string[]) =>
    runCliJson<{ password?: string; token?: string }>([...args, '--data-dir', dir, '--json']);
  password = (await cli(['devices', 'add', SHELF, '--kind', 'shelf'])).password ?? '';
  token = (await cli(['tokens', 'add', 'hq-load', '--scope', 'hq:read'])).token ?? '';
  const ports = ['--mqtt-port', '0', '--ws-port', '0', '--http-port', '0'];
  const main = join(REPO_ROOT, 'dist/src/main.js');
  const args = ['--max-semi-space-size=4', main, 'start', '--config', configFile, '--data-dir', dir, ...ports];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { PATH: process.env.PATH },
  });
  const runtime = await waitFor(
    async () => {
      const info = await readRuntimeFile(dir).catch(() => null);
      return info?.pid === child.pid ? info : null;
    },
    60_000,
    'runtime.json of the gateway',
  );
  gateway = { child, runtime };
});

afterAll(async () => {
  if (gateway !== undefined && gateway.child.exitCode === null) {
    const exited = new Promise((resolve) => gateway.child.once('exit', resolve));
    gateway.child.kill('SIGTERM');
    await exited;
  }
  await rm(dir, { recursive: true, force: true });
});

const http = (path: string, bearer?: string) =>
  fetch(`http://127.0.0.1:${gateway.runtime.http}${path}`, {
    headers: bearer === undefined ? {} : { authorization: `Bearer ${bearer}` },
    signal: AbortSignal.timeout(60_000),
  });

/**
 * Year-long queries over every HQ table route and the heatmap, at the finest bin a year allows within
 * `http.query_max_bins` (transitions are paged per bin: a year of them per hour is refused with a 413,
 * tested in test/http/hq-limits.test.ts).
 */
function yearUrls(): string[] {
  const range = `from=${new Date(endMs - 365 * DAY_MS).toISOString()}&to=${new Date(endMs).toISOString()}`;
  const urls = [
    `/api/v1/zones/stats?${range}&bin=hour&offset=100000`,
    `/api/v1/footfall?${range}&bin=hour&limit=1000`,
    `/api/v1/paths/transitions?${range}&bin=day&offset=2000`,
    `/api/v1/paths/top?${range}&bin=hour`,
    `/api/v1/heatmap?${range}&bin=hour`,
    `/api/v1/summary/daily?${range}&offset=200`,
    `/api/v1/zones/stats?${range}&bin=day&limit=1000`,
  ];
  return Array.from({ length: QUERIES }, (_, i) => urls[i % urls.length] as string);
}

interface Answered {
  status: number;
  /** The 503s met on the way, each with its Retry-After and error code. */
  refusals: { retryAfter: string | null; code: string }[];
}

/** GETs until the answer is not a 503, waiting each Retry-After as a client should. */
async function query(url: string): Promise<Answered> {
  const refusals: Answered['refusals'] = [];
  for (;;) {
    const response = await http(url, token);
    const body = (await response.json()) as { error?: { code: string } };
    if (response.status !== 503) return { status: response.status, refusals };
    const retryAfter = response.headers.get('retry-after');
    refusals.push({ retryAfter, code: body.error?.code ?? '' });
    await new Promise((resolve) => setTimeout(resolve, Number(retryAfter ?? 1) * 1000));
  }
}

/** Publishes QoS 1 readings at RATE_PER_S until `until` settles; returns each PUBACK's latency in ms. */
async function publishWhile(client: MqttClient, until: Promise<unknown>): Promise<{ sent: number; acked: number[] }> {
  let done = false;
  void until.finally(() => (done = true));
  const acked: number[] = [];
  let sent = 0;
  const started = performance.now();
  while (!done || sent < RATE_PER_S * 5) {
    // Paced by the schedule, not by a fixed sleep after each send: a late timer sends what is due.
    const due = Math.floor(((performance.now() - started) / 1000) * RATE_PER_S) + 1;
    while (sent < due) {
      const at = performance.now();
      const payload = JSON.stringify({ ts: Date.now(), lanes: [{ lane: 1, grams: 2000 + (sent % 100) }] });
      sent++;
      client.publish(`omo/shelf/${SHELF}/weight`, payload, { qos: 1 }, (error) => {
        if (error === undefined || error === null) acked.push(performance.now() - at);
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 1000 / RATE_PER_S));
  }
  await waitFor(() => acked.length === sent, 30_000, 'every PUBACK');
  return { sent, acked };
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

describe('E2E: twenty year-long HQ queries beside a shelf publishing at 50 msg/s', () => {
  it('answers them all while the shelf is acknowledged on time and RSS stays bounded', async () => {
    const shelf = await connectClient(gateway.runtime.mqtt, { clientId: SHELF, username: SHELF, password });
    const pid = gateway.runtime.pid;
    const rssIdle = await rssMb(pid);
    let rssMax = rssIdle;
    const health: number[] = [];
    let loading = true;
    const sampler = (async () => {
      while (loading) {
        rssMax = Math.max(rssMax, await rssMb(pid));
        health.push((await http('/healthz')).status);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();
    const queries = Promise.all(yearUrls().map((url) => query(url)));
    const { sent, acked } = await publishWhile(shelf, queries);
    const answers = await queries;
    loading = false;
    await sampler;
    await shelf.endAsync();

    const metrics = parseMetrics(await (await http('/metrics')).text());
    const p99 = percentile(acked, 99);
    process.stdout.write(
      `hq-load: ${sent} readings, PUBACK p50 ${percentile(acked, 50).toFixed(1)} ms p99 ${p99.toFixed(1)} ms, ` +
        `RSS ${rssIdle.toFixed(0)} MB idle, ${rssMax.toFixed(0)} MB max, ${answers.flatMap((a) => a.refusals).length} 503s, refused ${JSON.stringify(metrics.filter((m) => m.name === 'omo_ingest_refused_total'))}\n`,
    );
    expect(answers.map((a) => a.status)).toEqual(new Array(QUERIES).fill(200));
    for (const refusal of answers.flatMap((a) => a.refusals)) {
      expect(refusal.code).toBe('busy');
      expect(refusal.retryAfter).toMatch(/^[1-9]\d*$/);
    }
    expect(acked.length).toBe(sent);
    expect(metricValue(metrics, 'omo_ingest_refused_total')).toBe(0);
    expect(health.length).toBeGreaterThan(0);
    expect(health.every((status) => status === 200)).toBe(true);
    expect(p99).toBeLessThan(P99_BOUND_MS);
    expect(rssMax).toBeLessThan(RSS_BOUND_MB);
  });
});
