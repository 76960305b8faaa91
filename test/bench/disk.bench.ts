/**
 * Disk benchmark (ARCHITECTURE §10 "Disk": ≤ 50 MB written per day by a busy store, 300 shoppers in
 * the demo, logs aside; issue 7 "Must show"). Real `omo-edge start` child processes from dist/, each on
 * its own data directory on the machine's disk, side by side in one run:
 *   demo           `start --demo` with config/default.yaml at ≈300 shoppers an hour (the uplink off, as shipped)
 *   demo + uplink  the same, its uplink draining to a local Mosquitto (acks rewrite the outbox)
 *   no traffic     `start` alone: what the gateway writes with nobody in the store (wall-clock writes)
 * After a warm-up (provisioning, migrations, the first bins), `/proc/<pid>/io` write_bytes is read at
 * the start and end of the window and scaled to a day; strace splits the writes per file (see
 * disk-writes.ts), and the WAL of each database names the tables the pages went to (wal-pages.ts).
 * The log goes to stderr (journald on a Pi): counted apart, as the budget says.
 *
 * With `--speed X` the demo stores run `--demo --speed X --hours H`: X store-seconds per second while
 * they catch up with the clock, and the window must end before they have. What the aggregates, the
 * outbox and their WAL write follows store time; what the gateway does on its own clock (retention,
 * timers) follows wall time and is what the "no traffic" gateway writes. A demo's day is therefore
 * (demo − no traffic) scaled by store time, plus no traffic scaled by wall time (disk-report.ts).
 *
 *   npm run bench -- disk [--minutes 20] [--warmup-minutes 10] [--arrivals-per-min 3.5] [--speed X --hours H]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { type RuntimeInfo, readRuntimeFile } from '../../src/http/runtime-file.js';
import { TokenStore } from '../../src/registry/tokens.js';
import { Mosquitto } from '../helpers/mosquitto.js';
import { mb, type Result, report, type Scenario } from './disk-report.js';
import { type ProcIo, procIo, traceWrites, type WriteTrace } from './disk-writes.js';
import { walPagesPerTable } from './wal-pages.js';

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
const SPEED = option('speed', 1);
const HOURS = option('hours', 12);
const TMPFS_MAGIC = 0x01021994;

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
  startedMs: number;
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
  args.push('--data-dir', dir, '--mqtt-port', '0', '--http-port', '0');
  if (scenario.demo) args.push('--demo', ...(SPEED > 1 ? ['--speed', `${SPEED}`, '--hours', `${HOURS}`] : []));
  const startedMs = Date.now();
  const env = { ...process.env, OMO_WS_PORT: '0', OMO_LOG_LEVEL: 'info' };
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
  let log = 0;
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.length));
  for (let i = 0; i < 1200; i += 1) {
    const runtime = await readRuntimeFile(dir).catch(() => null);
    if (runtime !== null && runtime.pid === child.pid)
      return { scenario, dir, child, runtime, token, startedMs, logBytes: () => log };
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${scenario.name}: omo-edge start did not become ready`);
}

/**
 * Shoppers an hour of store time: people counted in on the entrance lines, from the gateway's own HQ
 * API, over the minutes from the first to the last in which anyone crossed.
 */
async function shoppersPerHour(run: Running): Promise<number> {
  const from = new Date(run.startedMs - (SPEED > 1 ? HOURS * 3_600_000 : 0)).toISOString();
  const rows: FootfallRow[] = [];
  for (;;) {
    const query = new URLSearchParams({ from, to: new Date().toISOString(), bin: 'minute', limit: '1000' });
    query.set('offset', `${rows.length}`);
    const response = await fetch(`http://127.0.0.1:${run.runtime.http}/api/v1/footfall?${query}`, {
      headers: { authorization: `Bearer ${run.token}` },
    });
    if (response.status !== 200) throw new Error(`/api/v1/footfall: ${response.status} ${await response.text()}`);
    const page = (await response.json()) as { total: number; items: FootfallRow[] };
    rows.push(...page.items);
    if (page.items.length === 0 || rows.length >= page.total) break;
  }
  const entrance = rows.filter((row) => row.entrance);
  const busy = entrance.filter((row) => row.in + row.out > 0).map((row) => Date.parse(row.bin_start));
  if (busy.length === 0) return 0;
  const [first, last] = [Math.min(...busy), Math.max(...busy)];
  const people = entrance.filter((row) => Date.parse(row.bin_start) <= last).reduce((sum, row) => sum + row.in, 0);
  return (people * 3_600_000) / (last - first + 60_000);
}

interface FootfallRow {
  bin_start: string;
  entrance: boolean;
  in: number;
  out: number;
}

async function measure(run: Running): Promise<Result> {
  const at = run.at as NonNullable<Running['at']>;
  const io = procIo(run.runtime.pid);
  const endMs = Date.now();
  const files = await at.trace.stop();
  const windowS = (endMs - at.ms) / 1000;
  return {
    scenario: run.scenario,
    dir: run.dir,
    windowS,
    storeS: run.scenario.demo ? windowS * SPEED : windowS,
    written: io.writeBytes - at.io.writeBytes,
    log: run.logBytes() - at.log,
    shoppersPerHour: run.scenario.demo ? await shoppersPerHour(run) : null,
    files,
    wal: new Map(['omo.db', 'outbox.db'].map((file) => [file, walPagesPerTable(join(run.dir, file))])),
  };
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
    const catchUpMin = (HOURS * 60) / (SPEED - 1);
    if (SPEED > 1 && WARMUP_MIN + WINDOW_MIN > catchUpMin - 1) {
      throw new Error(
        `at --speed ${SPEED} --hours ${HOURS} the demo catches up in ${catchUpMin.toFixed(1)} min: shorten the window`,
      );
    }
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
    process.stdout.write(report(results, SPEED));
  } finally {
    await Promise.all(runs.map(stop));
    await broker.dispose();
  }
}

await main();
