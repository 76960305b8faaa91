/**
 * Declared-stream write volume and time (ARCHITECTURE §10: ≤ 50 MB written per day by a busy store — SD
 * cards wear out). A shelf-like stream with 100 dimension keys (50 SKUs × 2 lanes) writes a day (1,440)
 * of consecutive minute bins on real files (`omo.db` and a real Outbox in `outbox.db`), each bin in one
 * transaction with what it changes at the coarser levels and its uplink staging. Measured per
 * bin: rows changed (all levels), bytes the process passed to write(2) (`/proc/self/io` wchar: WAL
 * frames, checkpoints and the outbox's commits), bytes it caused to reach the block layer
 * (write_bytes), and wall time. Both WALs are checkpointed inside the measured window, so pages still
 * in a WAL are counted. Run: `npm run bench -- streams [--bins N]`.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { StreamDeclaration } from '../../src/aggregate/streams/declaration.js';
import type { StreamRecord } from '../../src/aggregate/streams/records.js';
import { StreamStore } from '../../src/aggregate/streams/store.js';
import { parseConfig } from '../../src/config/index.js';
import { setLogLevel } from '../../src/log.js';
import { createRegistry } from '../../src/metrics.js';
import { Random } from '../../src/simulate/random.js';
import { openDatabase } from '../../src/store/database.js';
import { Outbox } from '../../src/store/outbox/outbox.js';
import { shelfLane } from '../aggregate/streams/helpers.js';
import { LatencyRecorder } from './report.js';

setLogLevel('warn');

const binsArg = process.argv.indexOf('--bins');
const BINS = binsArg > 0 ? Number(process.argv[binsArg + 1]) : 1440;
const START = Date.parse('2026-03-30T00:00:00Z');

type Uplink = 'uplink' | 'uplink every 15min' | 'staged' | 'none';

/** The shelf-lane declaration of the stream tests, uplinked per bin or per 15 minutes, or local. */
function shelfLike(uplink: Uplink): StreamDeclaration {
  const { uplink: _, ...local } = shelfLane;
  if (uplink === 'none') return local;
  return uplink === 'uplink every 15min' ? { ...shelfLane, uplinkEvery: '15min' } : shelfLane;
}

function io(): { wchar: number; writeBytes: number } {
  const text = readFileSync('/proc/self/io', 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)`, 'm').exec(text)?.[1] ?? Number.NaN);
  return { wchar: field('wchar'), writeBytes: field('write_bytes') };
}

function binRecords(random: Random, start: number, active: number): StreamRecord[] {
  const keys = Array.from({ length: 100 }, (_, i) => ({ sku: `40063813${String(3900 + (i >> 1))}`, lane: `${i & 1}` }));
  const chosen = active >= 100 ? keys : keys.filter(() => random.chance(active / 100));
  return chosen.map((dims) => {
    const low = random.int(0, 40);
    return {
      bin_start_ms: start,
      dims,
      values: {
        pickups: random.int(0, 3),
        put_backs: random.int(0, 1),
        items_min: low,
        items_max: low + random.int(0, 3),
        items_end: low + random.int(0, 2),
        dwell_s: Array.from({ length: random.int(0, 3) }, () => Math.round(random.uniform(0.5, 60) * 10) / 10),
      },
    };
  });
}

/** `uplink…`: staged and appended to a real Outbox; `staged`: staged, the append a no-op; `none`: local only. */
async function scenario(label: string, active: number, uplink: Uplink) {
  const dir = mkdtempSync(join(tmpdir(), 'omo-streams-bench-'));
  const config = parseConfig('store: { id: s1, timezone: Europe/Berlin }\ngateway: { id: gw-1 }\n', 'bench.yaml', {
    env: {},
  });
  const outbox = new Outbox({ gatewayId: 'gw-1', path: join(dir, 'outbox.db'), maxBytes: 1e10, maxAgeMs: 1e12 });
  await outbox.start();
  const db = openDatabase(join(dir, 'omo.db'), []);
  const now = START + (BINS + 60) * 60_000;
  const sink = uplink === 'staged' ? { append: () => [] } : outbox;
  const store = new StreamStore({ db, config, metrics: createRegistry(), outbox: sink, now: () => now });
  await store.start();
  const stream = store.declare(shelfLike(uplink));
  const random = new Random(42);
  const bins = Array.from({ length: BINS }, (_, i) => binRecords(random, START + i * 60_000, active));
  const times = new LatencyRecorder();
  let rows = 0;
  let written = 0;
  const before = io();
  const t0 = performance.now();
  for (const records of bins) {
    const t = performance.now();
    const [result] = stream.write(records);
    times.add(performance.now() - t);
    rows += result?.rows_changed ?? 0;
    written += records.length;
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  const outboxDb = new Database(join(dir, 'outbox.db'));
  outboxDb.pragma('wal_checkpoint(TRUNCATE)');
  outboxDb.close();
  const totalMs = performance.now() - t0;
  const after = io();
  const sizeMb = statSync(join(dir, 'omo.db')).size / 1e6;
  await store.stop();
  db.close();
  await outbox.stop();
  rmSync(dir, { recursive: true, force: true });
  const perBin = (n: number) => n / BINS;
  const kb = (n: number) => (perBin(n) / 1024).toFixed(1);
  const perDayMb = (n: number) => ((perBin(n) * 1440) / 1e6).toFixed(0);
  return `| ${label} | ${(written / BINS).toFixed(0)} | ${perBin(rows).toFixed(0)} | ${kb(after.wchar - before.wchar)} | ${kb(after.writeBytes - before.writeBytes)} | ${perDayMb(after.wchar - before.wchar)} | ${times.percentile(0.5).toFixed(1)} | ${times.percentile(0.99).toFixed(1)} | ${(totalMs / BINS).toFixed(1)} | ${((sizeMb * 1440) / BINS).toFixed(1)} |`;
}

const lines = [
  `${BINS} consecutive minute bins, 100 dimension keys (50 SKUs × 2 lanes), 6 measures (sum ×2, min, max, last, distribution).`,
  '',
  '| scenario | rows in / bin | rows changed / bin (all levels) | wchar KiB / bin | write_bytes KiB / bin | wchar MB / day | p50 ms | p99 ms | mean ms (incl. checkpoints) | omo.db MB / day |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  await scenario('every key every bin, uplink', 100, 'uplink'),
  await scenario('every key every bin, staged (outbox append a no-op)', 100, 'staged'),
  await scenario('every key every bin, local only', 100, 'none'),
  await scenario('every key every bin, uplink every 15 min', 100, 'uplink every 15min'),
  await scenario('~20 of 100 keys per bin, uplink', 20, 'uplink'),
  await scenario('~20 of 100 keys per bin, uplink every 15 min', 20, 'uplink every 15min'),
  await scenario('~20 of 100 keys per bin, local only', 20, 'none'),
];
process.stdout.write(`${lines.join('\n')}\n`);
