import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/store/database.js';
import { Outbox, type OutboxOptions } from '../../../src/store/outbox/outbox.js';
import { SimClock } from '../../uplink/fixtures.js';

let dir: string;
const open: Outbox[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'omo-outbox-'));
});

afterEach(async () => {
  for (const outbox of open.splice(0)) await outbox.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function outboxAt(options: Partial<OutboxOptions> = {}): Promise<Outbox> {
  const outbox = new Outbox({
    gatewayId: 'gw',
    maxBytes: 1024 ** 2,
    maxAgeMs: 3600_000,
    ...(options.database ? {} : { path: join(dir, 'outbox.db') }),
    ...options,
  });
  await outbox.start();
  open.push(outbox);
  return outbox;
}

describe('Outbox', () => {
  it('assigns per-stream seqs and ids, serialises id and produced_at first, peeks in seq order', async () => {
    const clock = new SimClock(Date.parse('2024-03-01T10:00:00Z'));
    const outbox = await outboxAt({ now: clock.now });
    expect(outbox.append('footfall', [{ in: 1 }, { in: 2 }])).toEqual(['gw:footfall:1', 'gw:footfall:2']);
    expect(outbox.append('zones', [{}])).toEqual(['gw:zones:1']);
    expect(outbox.append('footfall', [{ in: 3 }])).toEqual(['gw:footfall:3']);
    const peeked = outbox.peek('footfall', 2);
    expect(peeked.map((r) => r.seq)).toEqual([1, 2]);
    expect(peeked[0]?.body).toBe('{"id":"gw:footfall:1","produced_at":"2024-03-01T10:00:00.000Z","in":1}');
    expect(outbox.peek('zones', 10)[0]?.body).toBe('{"id":"gw:zones:1","produced_at":"2024-03-01T10:00:00.000Z"}');
    expect(outbox.stats()).toMatchObject({
      backlogTotal: 4,
      oldestPendingAt: '2024-03-01T10:00:00.000Z',
      droppedTotal: 0,
    });
  });

  it('refuses records it cannot uplink, naming the record and the reason, and commits none of them', async () => {
    const outbox = await outboxAt();
    expect(() => outbox.append('footfall', [{ a: 1 }, { id: 'x' }])).toThrow(
      'outbox.append(footfall): record 1 has its own "id"; the outbox assigns it',
    );
    expect(() => outbox.append('zones', [[1, 2]])).toThrow('record 0 must be a JSON object, got an array');
    expect(() => outbox.append('zones', [{ n: 10n }])).toThrow('record 0 is not JSON-serialisable');
    expect(() => outbox.append('nope' as 'zones', [{}])).toThrow('unknown stream "nope"');
    expect(outbox.stats().backlogTotal).toBe(0);
    expect(outbox.append('footfall', [{ a: 1 }])).toEqual(['gw:footfall:1']); // the failed seqs were not used
  });

  it('appends several streams in one commit, all or nothing, and tells each stream that got records', async () => {
    const outbox = await outboxAt();
    const told: string[] = [];
    outbox.onAppend((stream) => told.push(stream));
    expect(
      outbox.appendMany([
        { stream: 'footfall', records: [{ in: 1 }], keys: ['a'] },
        { stream: 'zones', records: [] },
        { stream: 'heatmap', records: [{ cells: [] }, { cells: [[1, 2]] }] },
      ]),
    ).toEqual([['gw:footfall:1'], [], ['gw:heatmap:1', 'gw:heatmap:2']]);
    expect(told).toEqual(['footfall', 'heatmap']);
    // A bad record in a later batch: the earlier batch is not committed either.
    expect(() =>
      outbox.appendMany([
        { stream: 'footfall', records: [{ in: 2 }] },
        { stream: 'zones', records: [{ id: 'mine' }] },
      ]),
    ).toThrow(/zones.*"id"/);
    expect(outbox.peek('footfall', 10).map((r) => r.id)).toEqual(['gw:footfall:1']);
    expect(outbox.pending('zones')).toBe(0);
    // A known source key answers with its first id, inserting nothing.
    expect(outbox.appendMany([{ stream: 'footfall', records: [{ in: 1 }], keys: ['a'] }])).toEqual([['gw:footfall:1']]);
  });

  it('acks by id: acked records leave the queue, other gateways’ ids are refused', async () => {
    const outbox = await outboxAt();
    const ids = outbox.append('shelf', [{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(outbox.ack([ids[0] ?? '', ids[1] ?? ''])).toBe(2);
    expect(outbox.ack([ids[0] ?? ''])).toBe(0);
    expect(outbox.peek('shelf', 10).map((r) => r.id)).toEqual([ids[2]]);
    expect(() => outbox.ack(['other:shelf:3'])).toThrow('"other:shelf:3" is not an id of gateway gw');
  });

  it('keeps seqs, backlog and counters across a restart, and never reuses a message seq', async () => {
    const first = await outboxAt();
    first.append('paths', [{ n: 1 }, { n: 2 }]);
    first.ack(['gw:paths:1']);
    const used = [first.takeMessageSeq('paths'), first.takeMessageSeq('paths')];
    await first.stop();
    open.length = 0;
    const second = await outboxAt();
    expect(second.append('paths', [{ n: 3 }])).toEqual(['gw:paths:3']);
    expect(second.stats().backlog.paths).toBe(2);
    expect(second.takeMessageSeq('paths')).toBeGreaterThan(Math.max(...used));
  });

  it('over the byte bound evicts acked rows first, then the oldest pending, and counts only those', async () => {
    const outbox = await outboxAt({ maxBytes: 2000 });
    const pad = 'x'.repeat(60); // ~110 bytes a record
    const early = outbox.append(
      'footfall',
      Array.from({ length: 5 }, (_, i) => ({ i, pad })),
    );
    outbox.ack(early);
    outbox.append(
      'zones',
      Array.from({ length: 12 }, (_, i) => ({ i, pad })),
    );
    expect(outbox.stats().droppedTotal).toBe(0);
    outbox.append(
      'zones',
      Array.from({ length: 8 }, (_, i) => ({ i: 12 + i, pad })),
    );
    const stats = outbox.stats();
    expect(stats.bytes).toBeLessThanOrEqual(2000);
    expect(stats.droppedTotal).toBeGreaterThan(0);
    expect(stats.droppedTotal + stats.backlog.zones).toBe(20);
    // The oldest zones records went; the survivors are the newest, contiguous up to seq 20.
    const seqs = outbox.peek('zones', 100).map((r) => r.seq);
    expect(seqs[0]).toBe(stats.droppedTotal + 1);
    expect(seqs.at(-1)).toBe(20);
    expect(outbox.requeue({ fromMs: 0, toMs: Date.now() }).size).toBe(0); // the acked rows went first
  });

  it('drops by age with a persisted count, and reports drops once as a cumulative alert record', async () => {
    const clock = new SimClock(Date.parse('2024-03-01T00:00:00Z'));
    const outbox = await outboxAt({ now: clock.now, maxAgeMs: 3600_000 });
    outbox.append('signage', [{ n: 1 }, { n: 2 }]);
    outbox.ack(['gw:signage:1']);
    clock.ms += 30 * 60_000;
    outbox.append('signage', [{ n: 3 }]);
    clock.ms += 45 * 60_000;
    expect(outbox.prune()).toBe(1); // seq 2: pending and 75 min old; seq 1 was acked: evicted, not a drop
    expect(outbox.peek('signage', 10).map((r) => r.seq)).toEqual([3]);
    expect(outbox.stats()).toMatchObject({ droppedTotal: 1, droppedUnreported: 1 });

    const reportId = outbox.reportDrops();
    expect(reportId).toBe('gw:alerts:1');
    expect(JSON.parse(outbox.peek('alerts', 1)[0]?.body ?? '')).toMatchObject({
      type: 'outbox_dropped',
      count: 1,
      dropped_total: 1,
      dropped_by_stream: { signage: 1 },
    });
    expect(outbox.reportDrops()).toBeNull();
    await outbox.stop();
    open.length = 0;
    expect((await outboxAt({ now: clock.now })).stats()).toMatchObject({ droppedTotal: 1, droppedUnreported: 0 });
  });

  it('re-queues acked records of a time range with their original ids and bodies', async () => {
    const clock = new SimClock(Date.parse('2024-03-01T09:00:00Z'));
    const outbox = await outboxAt({ now: clock.now, maxAgeMs: 24 * 3600_000 });
    const ids: string[] = [];
    for (let minute = 0; minute < 10; minute += 1) {
      clock.ms = Date.parse('2024-03-01T09:00:00Z') + minute * 60_000;
      ids.push(...outbox.append('footfall', [{ minute }]), ...outbox.append('zones', [{ minute }]));
    }
    const bodies = new Map(outbox.peek('footfall', 100).map((r) => [r.id, r.body]));
    outbox.ack(ids);
    const requeued = outbox.requeue({
      fromMs: Date.parse('2024-03-01T09:03:00Z'),
      toMs: Date.parse('2024-03-01T09:05:00Z'),
      streams: ['footfall'],
    });
    expect(requeued).toEqual(new Map([['footfall', 3]]));
    const again = outbox.peek('footfall', 100);
    expect(again.map((r) => r.id)).toEqual(['gw:footfall:4', 'gw:footfall:5', 'gw:footfall:6']);
    expect(again.map((r) => r.body)).toEqual(again.map((r) => bodies.get(r.id)));
    expect(outbox.pending('zones')).toBe(0);
    expect(outbox.oldestHeldAt()).toBe(Date.parse('2024-03-01T09:00:00Z'));
  });

  it('on a shared connection commits the outbox with synchronous=FULL and restores the setting', async () => {
    const db = openDatabase(join(dir, 'gateway.db'), []);
    try {
      const outbox = await outboxAt({ database: db });
      // Record the pragma calls and, through a trigger, the insert between them.
      const events: string[] = [];
      const pragma = db.pragma.bind(db);
      db.pragma = ((source: string, options?: Database.PragmaOptions) => {
        events.push(`pragma ${source}`);
        return pragma(source, options);
      }) as typeof db.pragma;
      db.function('note_insert', () => {
        events.push('insert');
        return 0;
      });
      db.exec('CREATE TEMP TRIGGER watch AFTER INSERT ON outbox_records BEGIN SELECT note_insert(); END');
      outbox.append('heatmap', [{ cells: [1, 2] }]);
      expect(events).toEqual(['pragma synchronous', 'pragma synchronous = FULL', 'insert', 'pragma synchronous = 1']);
      expect(pragma('synchronous', { simple: true })).toBe(1); // NORMAL again, as database.ts set it
      // Inside a caller's transaction it refuses: a later rollback would un-write an uplinked record.
      expect(() => db.transaction(() => outbox.append('heatmap', [{}]))()).toThrow('called inside another transaction');
      expect(outbox.stats().backlog.heatmap).toBe(1);
    } finally {
      await open.splice(0)[0]?.stop();
      db.close();
    }
  });

  it('a failed commit leaves ids, backlog and bytes as the disk has them', async () => {
    const db = openDatabase(join(dir, 'gateway.db'), []);
    try {
      const outbox = await outboxAt({ database: db });
      outbox.append('zones', [{ n: 1 }]);
      const before = outbox.stats();
      db.exec(
        "CREATE TEMP TRIGGER boom BEFORE INSERT ON outbox_records WHEN NEW.seq = 3 BEGIN SELECT RAISE(ABORT, 'disk trouble'); END",
      );
      expect(() => outbox.append('zones', [{ n: 2 }, { n: 3 }])).toThrow('disk trouble');
      expect(outbox.stats()).toEqual(before);
      db.exec('DROP TRIGGER boom');
      expect(outbox.append('zones', [{ n: 2 }])).toEqual(['gw:zones:2']);
      expect(outbox.peek('zones', 10).map((r) => r.seq)).toEqual([1, 2]);
    } finally {
      await open.splice(0)[0]?.stop();
      db.close();
    }
  });

  it('uses a partial index for the drain query, so acked rows kept for resend cost it nothing', async () => {
    const outbox = await outboxAt();
    outbox.append('footfall', [{}]);
    await outbox.stop();
    open.length = 0;
    const db = new Database(join(dir, 'outbox.db'));
    const plan = db
      .prepare(
        'EXPLAIN QUERY PLAN SELECT seq, produced_at, body FROM outbox_records WHERE stream = ? AND acked_at IS NULL ORDER BY seq LIMIT ?',
      )
      .all('footfall', 10) as { detail: string }[];
    db.close();
    expect(plan.map((row) => row.detail).join(' ')).toContain('USING INDEX outbox_pending');
  });
});
