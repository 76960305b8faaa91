/**
 * Uplink drain benchmark (ARCHITECTURE §10: a 24-hour backlog of ~100,000 records drains at
 * >= 2,000 records/s to a local broker). A fresh outbox on disk is filled with 100,000 records shaped
 * like a day of a busy store (per-minute footfall, zones, shelf, signage, status; 15-minute heatmaps
 * and paths; alerts), then the uplink starts against a local Mosquitto and the clock runs until the
 * outbox is empty — every record PUBACKed and marked acked with synchronous=FULL commits. A
 * mosquitto_sub in its own process plays the cloud and its capture is checked afterwards: every id
 * arrived. Run: `npx tsx test/bench/uplink.bench.ts [--records N]`.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setLogLevel } from '../../src/log.js';
import { createRegistry } from '../../src/metrics.js';
import { Outbox, type OutboxStream } from '../../src/store/outbox/outbox.js';
import { Uplink } from '../../src/uplink/uplink.js';
import { Mosquitto } from '../helpers/mosquitto.js';
import { uplinkConfig } from '../uplink/fixtures.js';
import { bareMqttRecordsPerSecond } from './uplink-baseline.js';

setLogLevel('warn');

const TARGET_PER_S = 2000;
const recordsArg = process.argv.indexOf('--records');
const TOTAL = recordsArg > 0 ? Number(process.argv[recordsArg + 1]) : 100_000;

/** A day's mix: heatmaps are few but large (a 60×40 grid each); the rest are small per-bin rows. */
function dayOfRecords(total: number): { stream: OutboxStream; record: object }[] {
  const out: { stream: OutboxStream; record: object }[] = [];
  const day = Date.parse('2024-03-01T00:00:00Z');
  for (let q = 0; q < 96; q += 1) {
    const binStart = new Date(day + q * 900_000).toISOString();
    out.push({
      stream: 'heatmap',
      record: {
        bin_start: binStart,
        bin_s: 900,
        cell_m: 0.5,
        cols: 60,
        rows: 40,
        cells: Array.from({ length: 2400 }, (_, i) => ((i * 7 + q) % 13) * 0.5),
      },
    });
    for (let t = 0; t < 5; t += 1)
      out.push({
        stream: 'paths',
        record: { bin_start: binStart, bin_s: 900, transition: `z${t}>z${t + 1}`, count: 5 + t },
      });
  }
  const mix: [OutboxStream, number][] = [
    ['zones', 0.45],
    ['shelf', 0.25],
    ['footfall', 0.12],
    ['signage', 0.1],
    ['status', 0.06],
  ];
  const rest = total - out.length;
  const counts = mix.map(([stream, share]) => [stream, Math.floor(rest * share)] as const);
  const alerts = rest - counts.reduce((sum, [, n]) => sum + n, 0);
  for (const [stream, n] of [...counts, ['alerts', alerts] as const]) {
    for (let i = 0; i < n; i += 1) {
      const binStart = new Date(day + (i % 1440) * 60_000).toISOString();
      const record = {
        bin_start: binStart,
        bin_s: 60,
        key: `${stream}-${i % 37}`,
        visits: i % 9,
        dwells: i % 4,
        occupancy_mean: (i % 6) / 2,
        dwell_p50_s: 12.5,
        dwell_p90_s: 41,
      };
      out.push({ stream, record });
    }
  }
  return out;
}

interface Result {
  scenario: string;
  records: number;
  seconds: number;
  perSecond: number;
  mbPerSecond: number;
  messages: number;
  cpuPct: number;
  rssMb: number;
  arrivedUnique: number;
}

async function scenario(name: string, broker: Mosquitto, gzip: boolean): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'omo-uplink-bench-'));
  const store = `bench-${gzip ? 'gz' : 'plain'}`;
  const capture = join(dir, 'cloud.jsonl');
  // The cloud: mosquitto_sub in its own process, one payload per line (gzip off for it to read).
  const sub = spawn(
    '/usr/bin/mosquitto_sub',
    [
      '-h',
      '127.0.0.1',
      '-p',
      String(broker.port),
      '-q',
      '1',
      '-t',
      `omo/${store}/v1/#`,
      '-V',
      'mqttv5',
      ...(gzip ? ['-N'] : []),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  sub.stdout.pipe(createWriteStream(capture));
  await new Promise((resolve) => setTimeout(resolve, 300));

  const outbox = new Outbox({
    gatewayId: 'gw-bench',
    path: join(dir, 'outbox.db'),
    maxBytes: 1024 ** 3,
    maxAgeMs: 48 * 3600_000,
  });
  await outbox.start();
  const records = dayOfRecords(TOTAL);
  const fillStart = performance.now();
  for (let i = 0; i < records.length; ) {
    const stream = records[i]?.stream as OutboxStream;
    const chunk: object[] = [];
    while (i < records.length && records[i]?.stream === stream && chunk.length < 1000)
      chunk.push((records[i++] as { record: object }).record);
    outbox.append(stream, chunk);
  }
  const fillS = (performance.now() - fillStart) / 1000;
  const { backlogTotal, bytes } = outbox.stats();
  process.stdout.write(
    `${name}: outbox filled with ${backlogTotal} records (${(bytes / 1e6).toFixed(1)} MB) in ${fillS.toFixed(1)} s\n`,
  );

  const uplink = new Uplink({
    config: uplinkConfig(broker.url, {
      gzip,
      batch_max_records: 500,
      batch_max_wait_ms: 1000,
      client_id: `bench-${store}`,
    }),
    storeId: store,
    gatewayId: 'gw-bench',
    outbox,
    metrics: createRegistry(),
    configDir: dir,
  });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await uplink.start();
  let peakRss = 0;
  while (outbox.stats().backlogTotal > 0) {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await uplink.stop();
  await outbox.stop();
  await new Promise((resolve) => setTimeout(resolve, 500));
  sub.kill('SIGTERM');
  await new Promise((resolve) => sub.once('exit', resolve));

  let messages = 0;
  const ids = new Set<string>();
  if (!gzip) {
    for (const line of readFileSync(capture, 'utf8').split('\n')) {
      if (line === '') continue;
      const envelope = JSON.parse(line) as { seq: number; records: { id: string }[] };
      if (envelope.seq === 0) continue;
      messages += 1;
      for (const record of envelope.records) ids.add(record.id);
    }
  }
  rmSync(dir, { recursive: true, force: true });
  return {
    scenario: name,
    records: backlogTotal,
    seconds,
    perSecond: Math.round(backlogTotal / seconds),
    mbPerSecond: bytes / 1e6 / seconds,
    messages,
    cpuPct: Math.round(((cpu.user + cpu.system) / 1000 / (seconds * 1000)) * 100),
    rssMb: Math.round(peakRss / 1e6),
    arrivedUnique: gzip ? Number.NaN : ids.size,
  };
}

const broker = await Mosquitto.launch();
const results: Result[] = [];
try {
  results.push(await scenario('plain JSON, 500/batch', broker, false));
  results.push(await scenario('gzip, 500/batch', broker, true));
  const bare = await bareMqttRecordsPerSecond(broker.url, dayOfRecords(TOTAL));
  process.stdout.write(
    `baseline, bare mqtt.js to the same Mosquitto (no outbox): ${bare.records} records in ${bare.seconds.toFixed(2)} s = ${bare.perSecond} records/s\n`,
  );
} finally {
  await broker.dispose();
}

const lines = [
  '| scenario | records | seconds | records/s | MB/s (JSON) | messages | CPU % (1 core = 100) | peak RSS MB | arrived (unique ids) |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...results.map(
    (r) =>
      `| ${r.scenario} | ${r.records} | ${r.seconds.toFixed(2)} | ${r.perSecond} | ${r.mbPerSecond.toFixed(1)} | ${r.messages || 'n/a'} | ${r.cpuPct} | ${r.rssMb} | ${Number.isNaN(r.arrivedUnique) ? 'n/a (gzip)' : r.arrivedUnique} |`,
  ),
];
process.stdout.write(`${lines.join('\n')}\n`);
const plain = results[0];
if (plain && plain.arrivedUnique !== plain.records) {
  process.stdout.write(`FAIL: the cloud saw ${plain.arrivedUnique} of ${plain.records} ids\n`);
  process.exitCode = 1;
}
for (const r of results) {
  const verdict = r.perSecond >= TARGET_PER_S ? 'meets' : 'MISSES';
  process.stdout.write(`${r.scenario}: ${r.perSecond} records/s ${verdict} the ${TARGET_PER_S}/s budget\n`);
  if (r.perSecond < TARGET_PER_S) process.exitCode = 1;
}
