/**
 * Disk benchmark (ARCHITECTURE §10 "Disk": ≤ 50 MB written per day by a busy store, 300 shoppers in
 * the demo, logs aside; issue 7 "Must show"). Real `omo-edge start` child processes from dist/, each on
 * its own data directory on the machine's disk, side by side in one run:
 *   demo           `start --demo` with config/default.yaml at ≈300 shoppers an hour (the uplink off, as shipped)
 *   demo + uplink  the same, its uplink draining to a local Mosquitto (acks rewrite the outbox)
 *   no traffic     `start` alone: what the gateway writes with nobody in the store (wall-clock writes)
 * After a warm-up (provisioning, migrations, the first bins), `/proc/<pid>/io` write_bytes is read at
 * the start and end of the window and scaled to an hour and a day; strace splits the writes per file
 * (see disk-writes.ts). The log goes to stderr (journald on a Pi): counted apart, as the budget says.
 *
 *   npm run bench -- disk [--minutes 20] [--warmup-minutes 10] [--arrivals-per-min 3.5]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { type RuntimeInfo, readRuntimeFile } from '../../src/http/runtime-file.js';
import { TokenStore } from '../../src/registry/tokens.js';
import { Mosquitto } from '../helpers/mosquitto.js';
import { type ProcIo, procIo, type TargetWrites, traceWrites, type WriteTrace } from './disk-writes.js';

const root = new URL('../..', import.meta.url).pathname;
const option = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const WINDOW_MIN = option('minutes', 20);
/** Bins are released when the tracks open across their end have ended: a few minutes in a busy store. */
const WARMUP_MIN = option('warmup-minutes', 10);
/** 3.5 groups a minute: 297 shoppers in the first hour of the demo's seed 42 (3, the default: 209). */
const ARRIVALS_PER_MIN = option('arrivals-per-min', 3.5);
const MB = 1e6;
const TMPFS_MAGIC = 0x01021994;
const BUDGET_MB_PER_DAY = 50;

interface Scenario {
  name: string;
  demo: boolean;
  uplink: boolean;
}

const SCENARIOS: Scenario[] = [
  { name: 'demo', demo: true, uplink: false },
  { name: 'demo + uplink', demo: true, uplink: true },
  { name: 'no traffic', demo: false, uplink: false },
];

interface Running {
  scenario: Scenario;
  dir: string;
  child: ChildProcess;
  runtime: RuntimeInfo;
  token: string;
  logBytes: () => number;
  at?: { io: ProcIo; log: number; ms: number; trace: WriteTrace };
}

async function launch(scenario: Scenario, uplinkUrl: string): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), 'omo-disk-'));
  const config = parse(readFileSync(join(root, 'config/default.yaml'), 'utf8'));
  config.simulation = { ...config.simulation, arrivals_per_min: ARRIVALS_PER_MIN };
  if (scenario.uplink) config.uplink = { url: uplinkUrl };
  writeFileSync(join(dir, 'gateway.yaml'), stringify(config));
  const token = (await (await TokenStore.open(join(dir, 'tokens.json'))).add('bench', ['hq:read'])).token;
  const args = [
    '--max-semi-space-size=4',
    join(root, 'dist/src/main.js'),
    'start',
    '--config',
    join(dir, 'gateway.yaml'),
  ];
  args.push('--data-dir', dir, '--mqtt-port', '0', '--http-port', '0', ...(scenario.demo ? ['--demo'] : []));
  const env = { ...process.env, OMO_WS_PORT: '0', OMO_LOG_LEVEL: 'info' };
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
  let log = 0;
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.length));
  for (let i = 0; i < 1200; i += 1) {
    const runtime = await readRuntimeFile(dir).catch(() => null);
    if (runtime !== null && runtime.pid === child.pid)
      return { scenario, dir, child, runtime, token, logBytes: () => log };
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${scenario.name}: omo-edge start did not become ready`);
}

/** People counted in on the entrance lines in [fromMs, toMs), from the gateway's own HQ API. */
async function footfallIn(run: Running, fromMs: number, toMs: number): Promise<number> {
  const query = `from=${new Date(fromMs).toISOString()}&to=${new Date(toMs).toISOString()}&bin=minute&limit=10000`;
  const response = await fetch(`http://127.0.0.1:${run.runtime.http}/api/v1/footfall?${query}`, {
    headers: { authorization: `Bearer ${run.token}` },
  });
  const body = (await response.json()) as { items: { entrance: boolean; in: number }[] };
  return body.items.filter((row) => row.entrance).reduce((sum, row) => sum + row.in, 0);
}

function fileSizes(dir: string): string {
  return readdirSync(dir)
    .filter((name) => !name.endsWith('.yaml'))
    .map((name) => `${name} ${(statSync(join(dir, name)).size / MB).toFixed(2)} MB`)
    .join(', ');
}

interface Result {
  run: Running;
  windowS: number;
  /** write_bytes over the window. */
  written: number;
  log: number;
  /** Entrance `in` counts of the final minute bins in the window, per hour; null without the demo. */
  shoppersPerHour: number | null;
  files: Map<string, TargetWrites>;
}

async function measure(run: Running): Promise<Result> {
  const at = run.at as NonNullable<Running['at']>;
  const io = procIo(run.runtime.pid);
  const endMs = Date.now();
  const files = await at.trace.stop();
  // Whole minutes of the window whose bins are surely final by now (released within a minute of their end).
  const fromMs = Math.ceil(at.ms / 60_000) * 60_000;
  const toMs = Math.floor(endMs / 60_000) * 60_000 - 120_000;
  const counted = run.scenario.demo && toMs > fromMs ? await footfallIn(run, fromMs, toMs) : null;
  return {
    run,
    windowS: (endMs - at.ms) / 1000,
    written: io.writeBytes - at.io.writeBytes,
    log: run.logBytes() - at.log,
    shoppersPerHour: counted === null ? null : (counted * 3_600_000) / (toMs - fromMs),
    files,
  };
}

const mb = (bytes: number) => (bytes / MB).toFixed(bytes < 10 * MB ? 2 : 1);

/** The figures as markdown tables. 'sockets' holds MQTT, HTTP and the log (a child's stderr is a socket pair). */
function report(results: Result[]): string {
  const lines = ['| scenario | window | write_bytes | MB / hour | MB / day | log MB / day (apart) | shoppers / hour |'];
  lines.push('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    const day = (value: number) => (value * 86_400) / r.windowS;
    const shoppers = r.shoppersPerHour === null ? '—' : r.shoppersPerHour.toFixed(0);
    lines.push(
      `| ${r.run.scenario.name} | ${(r.windowS / 60).toFixed(1)} min | ${mb(r.written)} MB | ${mb(day(r.written) / 24)} | ` +
        `${mb(day(r.written))} | ${mb(day(r.log))} | ${shoppers} |`,
    );
  }
  for (const r of results) {
    const day = (value: number) => (value * 86_400) / r.windowS;
    lines.push(
      '',
      `${r.run.scenario.name}: write calls per target, per day (file sizes at the end: ${fileSizes(r.run.dir)})`,
      '',
    );
    lines.push('| target | MB / day | writes / day | fsyncs / day |', '|---|---:|---:|---:|');
    for (const [target, w] of [...r.files].sort((a, b) => b[1].bytes - a[1].bytes)) {
      lines.push(`| ${target} | ${mb(day(w.bytes))} | ${day(w.calls).toFixed(0)} | ${day(w.syncs).toFixed(0)} |`);
    }
  }
  const verdicts = results.map((r) => `${r.run.scenario.name} ${mb((r.written * 86_400) / r.windowS)}`);
  lines.push('', `budget ≤ ${BUDGET_MB_PER_DAY} MB/day (write_bytes): ${verdicts.join(', ')} MB/day`);
  return `${lines.join('\n')}\n`;
}

async function stop(run: Running): Promise<void> {
  const exited = new Promise((resolve) => run.child.once('close', resolve));
  if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGTERM');
  await exited;
  rmSync(run.dir, { recursive: true, force: true });
}

async function main(): Promise<void> {
  // Writes to tmpfs never reach a block device, so write_bytes would read 0 there.
  if (statfsSync(tmpdir()).type === TMPFS_MAGIC) throw new Error(`${tmpdir()} is tmpfs; set TMPDIR to a disk`);
  const broker = await Mosquitto.launch();
  const runs: Running[] = [];
  try {
    for (const scenario of SCENARIOS) runs.push(await launch(scenario, broker.url));
    process.stderr.write(
      `disk: ${runs.length} gateways up; warm-up ${WARMUP_MIN} min, then ${WINDOW_MIN} min measured\n`,
    );
    await new Promise((resolve) => setTimeout(resolve, WARMUP_MIN * 60_000));
    for (const run of runs) {
      const trace = traceWrites(run.runtime.pid, run.dir);
      run.at = { io: procIo(run.runtime.pid), log: run.logBytes(), ms: Date.now(), trace };
    }
    for (let minute = 1; minute <= WINDOW_MIN; minute += 1) {
      await new Promise((resolve) => setTimeout(resolve, 60_000));
      const sofar = runs.map(
        (run) => `${run.scenario.name} ${mb(procIo(run.runtime.pid).writeBytes - (run.at?.io.writeBytes ?? 0))} MB`,
      );
      process.stderr.write(`disk: ${minute} of ${WINDOW_MIN} min: ${sofar.join(', ')}\n`);
    }
    const results: Result[] = [];
    for (const run of runs) results.push(await measure(run));
    process.stdout.write(report(results));
  } finally {
    await Promise.all(runs.map(stop));
    await broker.dispose();
  }
}

await main();
