/**
 * A gateway stand-in for the crash tests: Outbox + Uplink in a process of its own, so a test can
 * kill -9 it. Run with `node --import tsx test/uplink/uplink-child.ts`; settings come from the env:
 *   OMO_CHILD_OUTBOX   SQLite file of the outbox
 *   OMO_CHILD_URL      cloud broker URL
 *   OMO_CHILD_MODE     produce: append records to random streams every few ms, for ever
 *                      drain:   append nothing; exit cleanly (uplink.stop) once the backlog is empty
 *                      idle:    append nothing; stay connected
 * Protocol on stdout, one line each: `ready` once connected; `appended <id> <id>…` after each commit
 * (so every id printed is durable); `drained` before a clean exit.
 */
import { createRegistry } from '../../src/metrics.js';
import { Outbox } from '../../src/store/outbox/outbox.js';
import { OUTBOX_STREAMS } from '../../src/store/outbox/streams.js';
import { Uplink } from '../../src/uplink/uplink.js';

const outboxPath = requireEnv('OMO_CHILD_OUTBOX');
const url = requireEnv('OMO_CHILD_URL');
const mode = requireEnv('OMO_CHILD_MODE');
const gatewayId = process.env.OMO_CHILD_GATEWAY ?? 'gw-crash';
const storeId = process.env.OMO_CHILD_STORE ?? 'store-crash';

function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is required`);
  return value;
}

const outbox = new Outbox({ gatewayId, path: outboxPath, maxBytes: 64 * 1024 ** 2, maxAgeMs: 24 * 3600_000 });
await outbox.start();
const uplink = new Uplink({
  config: {
    url,
    topic_prefix: 'omo',
    batch_max_records: 20,
    batch_max_wait_ms: 5,
    gzip: false,
    outbox_max_bytes: 64 * 1024 ** 2,
    outbox_max_age_h: 24,
    reconnect_min_ms: 100,
    reconnect_max_ms: 500,
    path_records_every: 'bin',
  },
  storeId,
  gatewayId,
  outbox,
  metrics: createRegistry(),
  configDir: process.cwd(),
});
await uplink.start();

const waitUntil = async (predicate: () => boolean): Promise<void> => {
  while (!predicate()) await new Promise((resolve) => setTimeout(resolve, 5));
};
await waitUntil(() => uplink.status().connected);
process.stdout.write('ready\n');

if (mode === 'produce') {
  let n = 0;
  const produce = (): void => {
    const stream = OUTBOX_STREAMS[Math.floor(Math.random() * OUTBOX_STREAMS.length)] ?? 'footfall';
    const count = 1 + Math.floor(Math.random() * 5);
    const records = Array.from({ length: count }, () => ({ n: n++, pid: process.pid, value: Math.random() }));
    const ids = outbox.append(stream, records);
    process.stdout.write(`appended ${ids.join(' ')}\n`);
    setTimeout(produce, 1 + Math.floor(Math.random() * 4));
  };
  produce();
} else if (mode === 'drain') {
  await waitUntil(() => outbox.stats().backlogTotal === 0);
  await uplink.stop();
  await outbox.stop();
  process.stdout.write('drained\n');
} else if (mode !== 'idle') {
  throw new Error(`OMO_CHILD_MODE ${mode} is not produce, drain or idle`);
}
