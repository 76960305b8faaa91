/** The dead-letter table: batched writes, the row bound, queries, and surviving a restart. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeadLetterStore, deadLetterMigrations } from '../../src/ingest/dead-letter.js';
import type { Refusal } from '../../src/ingest/profile.js';
import { openDatabase, type SqliteDatabase } from '../../src/store/database.js';
import { NOW } from './harness.js';

const refusal = (n: number, overrides: Partial<Refusal> = {}): Refusal => ({
  deviceId: `dev-${n % 3}`,
  kind: 'shelf',
  topic: `omo/shelf/dev-${n % 3}/weight`,
  reason: n % 2 === 0 ? 'schema' : 'bad_json',
  detail: `n=${n}`,
  payload: Buffer.from(`{"n": ${n}}`),
  receivedAt: NOW + n,
  ...overrides,
});

const open: { db: SqliteDatabase; store: DeadLetterStore }[] = [];

async function startStore(options: { maxRows?: number; path?: string; flushIntervalMs?: number } = {}) {
  const db = openDatabase(options.path ?? ':memory:', deadLetterMigrations);
  const metrics = new Registry();
  const store = new DeadLetterStore({
    db,
    metrics,
    maxRows: options.maxRows ?? 1000,
    sampleBytes: 16,
    ...(options.flushIntervalMs === undefined ? {} : { flushIntervalMs: options.flushIntervalMs }),
  });
  await store.start();
  open.push({ db, store });
  const stored = () => (db.prepare('SELECT COUNT(*) AS n FROM dead_letter').get() as { n: number }).n;
  const evicted = async () => (await metrics.getSingleMetric('omo_dead_letter_evicted_total')?.get())?.values[0]?.value;
  return { db, store, stored, evicted, metrics };
}

afterEach(async () => {
  for (const { db, store } of open.splice(0)) {
    await store.stop();
    db.close();
  }
});

describe('DeadLetterStore', () => {
  it('records its migrations under stable ids', async () => {
    const { db } = await startStore();
    expect(db.prepare('SELECT id FROM schema_migrations').all()).toEqual([
      { id: 'dead_letter/001-create' },
      { id: 'dead_letter/002-repeats' },
    ]);
  });

  it('keeps how many refusals a row stands for; rows from before the column stand for one', async () => {
    const { store, db } = await startStore();
    db.prepare(
      `INSERT INTO dead_letter (received_at, topic, reason, detail, payload_sample, payload_bytes)
       VALUES (1, 't', 'acl', 'd', '', 0)`,
    ).run();
    store.add({ deviceId: 'd1', kind: 'shelf', topic: 't', reason: 'rate_limited', detail: 'x', receivedAt: 2 }, 5000);
    expect(store.list({ limit: 10, offset: 0 }).map((row) => row.repeats)).toEqual([5000, 1]);
  });

  it('buffers rows and writes them together after the flush interval', async () => {
    const { store, stored } = await startStore({ flushIntervalMs: 20 });
    for (let n = 0; n < 10; n++) store.add(refusal(n));
    expect(stored()).toBe(0);
    await vi.waitFor(() => expect(stored()).toBe(10), { timeout: 2000, interval: 5 });
  });

  it('writes on the next turn of the event loop once 500 rows are waiting', async () => {
    const { store, stored } = await startStore({ flushIntervalMs: 60_000 });
    for (let n = 0; n < 499; n++) store.add(refusal(n));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stored()).toBe(0);
    store.add(refusal(499));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stored()).toBe(500);
  });

  it('keeps at most maxRows, evicting the oldest and counting them', async () => {
    const { store, stored, evicted } = await startStore({ maxRows: 100 });
    for (let n = 0; n < 80; n++) store.add(refusal(n));
    store.flush();
    for (let n = 80; n < 160; n++) store.add(refusal(n));
    store.flush();
    expect(stored()).toBe(100);
    expect(await evicted()).toBe(60);
    const rows = store.list({ limit: 1000, offset: 0 });
    expect(rows.map((row) => row.detail)).toEqual(Array.from({ length: 100 }, (_, i) => `n=${159 - i}`));

    // A single batch larger than the bound keeps only its newest rows.
    for (let n = 160; n < 460; n++) store.add(refusal(n));
    expect(store.count()).toBe(100);
    expect(await evicted()).toBe(360);
    expect(store.list({ limit: 1, offset: 0 })[0]?.detail).toBe('n=459');
    expect(store.list({ limit: 1, offset: 99 })[0]?.detail).toBe('n=360');
  });

  it('lists newest first, filtered by reason, device and time, paged', async () => {
    const { store } = await startStore();
    for (let n = 0; n < 30; n++) store.add(refusal(n));
    const page = store.list({ limit: 3, offset: 2, reason: 'schema', deviceId: 'dev-0' });
    // schema = even n; dev-0 = n % 3 === 0: 24, 18, 12, 6, 0 → skip 2.
    expect(page.map((row) => row.detail)).toEqual(['n=12', 'n=6', 'n=0']);
    expect(store.list({ limit: 100, offset: 0, since: NOW + 27 }).map((row) => row.detail)).toEqual([
      'n=29',
      'n=28',
      'n=27',
    ]);
    expect(page[0]).toEqual({
      id: 13,
      received_at: NOW + 12,
      device_id: 'dev-0',
      kind: 'shelf',
      topic: 'omo/shelf/dev-0/weight',
      reason: 'schema',
      detail: 'n=12',
      payload_sample: '{"n": 12}',
      payload_bytes: 9,
      repeats: 1,
    });
  });

  it('clips device-controlled text and samples binary as hex', async () => {
    const { store } = await startStore();
    store.add(
      refusal(1, { topic: `omo/${'t'.repeat(5000)}`, detail: 'd'.repeat(5000), payload: Buffer.alloc(40, 0xfe) }),
    );
    const [row] = store.list({ limit: 1, offset: 0 });
    expect(row?.topic).toHaveLength(1024);
    expect(row?.detail.endsWith('…')).toBe(true);
    expect(row?.payload_sample).toBe(`hex:${'fe'.repeat(16)}`);
    expect(row?.payload_bytes).toBe(40);
  });

  it('keeps rows across a restart and goes on counting and bounding them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omo-dead-letter-'));
    try {
      const path = join(dir, 'gateway.db');
      const first = await startStore({ path, maxRows: 50 });
      for (let n = 0; n < 40; n++) first.store.add(refusal(n));
      await first.store.stop();
      first.db.close();
      open.pop();

      const second = await startStore({ path, maxRows: 50 });
      expect(second.store.count()).toBe(40);
      for (let n = 40; n < 60; n++) second.store.add(refusal(n));
      expect(second.store.count()).toBe(50);
      expect(second.store.list({ limit: 1, offset: 49 })[0]?.detail).toBe('n=10');
      expect(await second.evicted()).toBe(10);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('drops rows quietly once stopped, rather than failing the refusal path', async () => {
    const { store } = await startStore();
    await store.stop();
    expect(() => store.add(refusal(1))).not.toThrow();
    expect(() => store.count()).toThrow('DeadLetterStore used before start() or after stop()');
  });

  it('reports its size as a gauge once rows are written', async () => {
    const { store, metrics } = await startStore({ flushIntervalMs: 60_000 });
    for (let n = 0; n < 7; n++) store.add(refusal(n));
    expect(await metrics.getSingleMetricAsString('omo_dead_letter_rows')).toMatch(/^omo_dead_letter_rows 0$/m);
    store.flush();
    expect(await metrics.getSingleMetricAsString('omo_dead_letter_rows')).toMatch(/^omo_dead_letter_rows 7$/m);
  });

  it('can be stopped and started again on the same registry', async () => {
    const { store, metrics } = await startStore({ maxRows: 100 });
    store.add(refusal(1));
    await store.stop();
    await store.start();
    expect(store.count()).toBe(1);
    expect(await metrics.getSingleMetricAsString('omo_dead_letter_rows')).toMatch(/^omo_dead_letter_rows 1$/m);
  });
});
