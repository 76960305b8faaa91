/**
 * Idempotent appends (src/store/outbox/keys.ts; ARCHITECTURE §11 "none delivered twice after the cloud
 * drops duplicate ids"): a source key the stream already holds inserts nothing and returns its first
 * id — within a batch, across batches, across a reopen of the file, after the row was acked, evicted or
 * dropped — and the schema change is a new migration on top of the first one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SOURCE_KEY_MEMORY } from '../../../src/store/outbox/keys.js';
import { Outbox, type OutboxOptions } from '../../../src/store/outbox/outbox.js';
import { SimClock } from '../../uplink/fixtures.js';

let dir: string;
const open: Outbox[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'omo-outbox-keys-'));
});

afterEach(async () => {
  for (const outbox of open.splice(0)) await outbox.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function outboxAt(options: Partial<OutboxOptions> = {}): Promise<Outbox> {
  const outbox = new Outbox({
    gatewayId: 'gw',
    path: join(dir, 'outbox.db'),
    maxBytes: 1024 ** 2,
    maxAgeMs: 3600_000,
    ...options,
  });
  await outbox.start();
  open.push(outbox);
  return outbox;
}

async function reopen(outbox: Outbox, options: Partial<OutboxOptions> = {}): Promise<Outbox> {
  await outbox.stop();
  open.splice(open.indexOf(outbox), 1);
  return outboxAt(options);
}

const bin = (minute: number, revision = 1) => ({
  bin_start: `2024-03-01T09:${String(minute).padStart(2, '0')}:00.000Z`,
  bin_s: 60,
  revision,
  in: minute,
});
const keyOf = (b: ReturnType<typeof bin>) => `${b.bin_start}/${b.bin_s}/r${b.revision}`;

describe('Outbox idempotent append (source keys)', () => {
  it('returns the first id for a key it holds and inserts nothing; new keys in the same batch get new seqs', async () => {
    const outbox = await outboxAt();
    let appends = 0;
    outbox.onAppend(() => (appends += 1));
    const first = [bin(0), bin(1)];
    expect(outbox.append('footfall', first, { keys: first.map(keyOf) })).toEqual(['gw:footfall:1', 'gw:footfall:2']);
    expect(outbox.append('footfall', first, { keys: first.map(keyOf) })).toEqual(['gw:footfall:1', 'gw:footfall:2']);
    expect(appends).toBe(1); // the repeat committed nothing new, so the drain is not woken
    const mixed = [bin(1), bin(2), bin(0)];
    expect(outbox.append('footfall', mixed, { keys: mixed.map(keyOf) })).toEqual([
      'gw:footfall:2',
      'gw:footfall:3',
      'gw:footfall:1',
    ]);
    expect(outbox.peek('footfall', 10).map((r) => JSON.parse(r.body).in)).toEqual([0, 1, 2]);
    expect(outbox.stats().backlogTotal).toBe(3);
    // A key repeated inside one batch names one record too.
    expect(outbox.append('zones', [bin(5), bin(5)], { keys: [keyOf(bin(5)), keyOf(bin(5))] })).toEqual([
      'gw:zones:1',
      'gw:zones:1',
    ]);
    // Keys are per stream: the same key on another stream is another record.
    expect(outbox.append('heatmap', [bin(0)], { keys: [keyOf(bin(0))] })).toEqual(['gw:heatmap:1']);
  });

  it('remembers keys across a reopen, after the record was acked, and never reuses the seqs skipped', async () => {
    const clock = new SimClock(Date.parse('2024-03-01T09:01:05Z'));
    let outbox = await outboxAt({ now: clock.now });
    const records = [bin(0), bin(1), bin(2)];
    const ids = outbox.append('zones', records, { keys: records.map(keyOf) });
    outbox.ack(ids.slice(0, 2));
    const bytes = outbox.stats().bytes;

    // As after a kill between the outbox commit and the producer clearing its staged rows.
    outbox = await reopen(outbox, { now: clock.now });
    clock.ms += 60_000;
    expect(outbox.append('zones', records, { keys: records.map(keyOf) })).toEqual(ids);
    expect(outbox.stats()).toMatchObject({ backlogTotal: 1, bytes });
    expect(outbox.peek('zones', 10).map((r) => r.id)).toEqual([ids[2]]);
    // produced_at is the first append's: the record was not re-made.
    expect(JSON.parse(outbox.peek('zones', 1)[0]?.body ?? '').produced_at).toBe('2024-03-01T09:01:05.000Z');
    expect(outbox.append('zones', [bin(3)], { keys: [keyOf(bin(3))] })).toEqual(['gw:zones:4']);
    // A new revision of a bin is a new record.
    expect(outbox.append('zones', [bin(0, 2)], { keys: [keyOf(bin(0, 2))] })).toEqual(['gw:zones:5']);
  });

  it('a dropped record stays dropped: its key still answers with the dropped id', async () => {
    const clock = new SimClock(Date.parse('2024-03-01T09:00:00Z'));
    let outbox = await outboxAt({ now: clock.now, maxAgeMs: 3600_000 });
    const ids = outbox.append('paths', [bin(0)], { keys: [keyOf(bin(0))] });
    clock.ms += 2 * 3600_000; // the gateway was off longer than the age bound: start() drops the record
    outbox = await reopen(outbox, { now: clock.now, maxAgeMs: 3600_000 });
    expect(outbox.stats()).toMatchObject({ backlogTotal: 0, droppedTotal: 1 });
    expect(outbox.append('paths', [bin(0)], { keys: [keyOf(bin(0))] })).toEqual(ids);
    expect(outbox.stats()).toMatchObject({ backlogTotal: 0, droppedTotal: 1 });
  });

  it('refuses a known key with other content, bad keys and a key count that does not match, committing nothing', async () => {
    const outbox = await outboxAt();
    outbox.append('footfall', [bin(0)], { keys: [keyOf(bin(0))] });
    const changed = { ...bin(0), in: 99 };
    expect(() => outbox.append('footfall', [bin(1), changed], { keys: [keyOf(bin(1)), keyOf(bin(0))] })).toThrow(
      'outbox.append(footfall): keys[1] "2024-03-01T09:00:00.000Z/60/r1" was appended before as gw:footfall:1 with other content',
    );
    expect(() => outbox.append('footfall', [bin(1)], { keys: [] })).toThrow(
      'outbox.append(footfall): keys has 0 entries for 1 records; give one key per record',
    );
    expect(() => outbox.append('footfall', [bin(1)], { keys: [''] })).toThrow(
      'keys[0] must be a non-empty string of at most 256 characters',
    );
    expect(() => outbox.append('footfall', [bin(1)], { keys: ['k'.repeat(257)] })).toThrow('keys[0] must be');
    expect(() => outbox.append('footfall', [bin(1)], { keys: [7 as unknown as string] })).toThrow('keys[0] must be');
    expect(() => outbox.append('footfall', [bin(1)], { keys: 'k' as unknown as string[] })).toThrow(
      'keys must be an array of strings',
    );
    // The refused batch wrote neither bin(1)'s row nor its key.
    expect(outbox.stats().backlogTotal).toBe(1);
    expect(outbox.append('footfall', [bin(1)], { keys: [keyOf(bin(1))] })).toEqual(['gw:footfall:2']);
  });

  it('keeps the keys of the newest records and of the whole last append, and forgets older ones', async () => {
    const outbox = await outboxAt({ maxBytes: 64 * 1024 ** 2 });
    const many = Array.from({ length: SOURCE_KEY_MEMORY + 10 }, (_, i) => ({ n: i }));
    const keys = many.map((r) => `k${r.n}`);
    const ids = outbox.append('signage', many, { keys });
    // One append larger than the memory: all of its keys stay, since a retry repeats the whole append.
    expect(outbox.append('signage', many.slice(0, 3), { keys: keys.slice(0, 3) })).toEqual(ids.slice(0, 3));
    outbox.append('signage', [{ n: -1 }], { keys: ['next'] });
    // Now only the newest SOURCE_KEY_MEMORY seqs keep their keys: k0 (seq 1) is forgotten, the last is not.
    expect(outbox.append('signage', [many[0] as object], { keys: ['k0'] })).toEqual([`gw:signage:${many.length + 2}`]);
    expect(outbox.append('signage', [many.at(-1) as object], { keys: [keys.at(-1) as string] })).toEqual([ids.at(-1)]);
  });

  it('adds its table as a second migration on top of a file made by the first', async () => {
    const outbox = await outboxAt();
    outbox.append('footfall', [bin(0)], { keys: [keyOf(bin(0))] });
    await outbox.stop();
    open.length = 0;
    const db = new Database(join(dir, 'outbox.db'), { readonly: true });
    const migrations = db.prepare('SELECT id FROM schema_migrations ORDER BY id').pluck().all();
    const index = db
      .prepare('EXPLAIN QUERY PLAN SELECT seq FROM outbox_source_keys WHERE stream = ? AND source_key = ?')
      .all('footfall', 'k') as { detail: string }[];
    db.close();
    expect(migrations).toEqual(['outbox/001-create', 'outbox/002-source-keys']);
    expect(index.map((row) => row.detail).join(' ')).toMatch(/PRIMARY KEY/);
  });
});
