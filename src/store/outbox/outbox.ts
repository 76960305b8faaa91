/**
 * The uplink outbox (ARCHITECTURE §6, §7, §11): a durable queue per stream in SQLite.
 *
 * - `append` assigns each record its per-stream `seq` and id `<gateway>:<stream>:<seq>` and commits
 *   with `synchronous=FULL` (durability.ts), so an appended record survives a power cut. With
 *   `{ keys }` it is idempotent: a source key already appended returns its first id (keys.ts).
 * - `peek` reads pending records in seq order; `ack` marks them acked after the cloud's PUBACK.
 * - Acked rows stay (flagged `acked_at`) until the bounds evict them, so HQ's resend command can
 *   re-queue a time range with the original ids (`requeue`). Resend reaches back at most
 *   `outbox_max_age_h`, less when the byte bound is tight: acked rows are evicted before pending ones.
 * - Over a bound the oldest go first (see bounds.ts); dropped pending records are counted in a
 *   persisted counter, and `reportDrops` turns the unreported count into an uplinked alert record.
 */

import { writeRecords } from './append.js';
import { type Eviction, type OutboxBounds, prepareBounds } from './bounds.js';
import { durableTransaction, type OutboxConnection, openOutboxConnection } from './durability.js';
import { type AppendOptions, checkKeys, SourceKeys } from './keys.js';
import type { OutboxRecord } from './records.js';
import { OutboxStatements } from './statements.js';
import {
  DROP_REPORT_STREAM,
  isOutboxStream,
  OUTBOX_STREAMS,
  type OutboxStream,
  parseRecordId,
  recordId,
} from './streams.js';
import type { OutboxOptions, OutboxStats, RequeueRange } from './types.js';

export type { AppendOptions } from './keys.js';

/** One stream's records for `appendMany`, with optional source keys (one per record). */
export interface AppendBatch extends AppendOptions {
  stream: OutboxStream;
  records: readonly object[];
}
export type { OutboxRecord } from './records.js';
export { outboxMigrations } from './schema.js';
export { OUTBOX_STREAMS, type OutboxStream } from './streams.js';
export { type OutboxOptions, type OutboxStats, outboxOptionsFromConfig, type RequeueRange } from './types.js';

/** Message seqs are reserved in blocks so a batch costs no extra commit; a restart skips the rest. */
const MESSAGE_SEQ_BLOCK = 1024;

interface StreamState {
  nextSeq: number;
  messageSeq: number;
  messageReserved: number;
  pending: number;
}

export class Outbox {
  private connection: OutboxConnection | undefined;
  private sql!: OutboxStatements;
  private keys!: SourceKeys;
  private bounds!: OutboxBounds;
  private readonly state = new Map<OutboxStream, StreamState>();
  private totalBytes = 0;
  private readonly listeners = new Set<(stream: OutboxStream) => void>();

  constructor(private readonly options: OutboxOptions) {}

  get gatewayId(): string {
    return this.options.gatewayId;
  }

  async start(): Promise<void> {
    if (this.connection) return;
    this.connection = openOutboxConnection(this.options);
    this.sql = new OutboxStatements(this.connection.db);
    this.keys = new SourceKeys(this.connection.db);
    this.bounds = prepareBounds(this.connection.db);
    this.commit(() => {
      for (const stream of OUTBOX_STREAMS) this.sql.ensureStream.run(stream);
    });
    this.load();
    this.prune();
    this.enforceBytes();
  }

  async stop(): Promise<void> {
    this.listeners.clear();
    if (this.connection?.owned) this.connection.db.close();
    this.connection = undefined;
  }

  /** Called after each commit that adds pending records to a stream. Returns the unsubscribe. */
  onAppend(listener: (stream: OutboxStream) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Appends records to a stream in one durable transaction; returns their ids in order. With `keys`
   * (one per record), a key this stream already holds inserts nothing and returns the first id.
   */
  append(stream: OutboxStream, records: readonly object[], options?: AppendOptions): string[] {
    return this.appendMany([{ stream, records, ...options }])[0] as string[];
  }

  /**
   * `append` for several streams in ONE durable transaction — one fsync, and the pages the streams
   * share (indexes, counters) written once (ARCHITECTURE §10) — all or nothing; ids per batch.
   */
  appendMany(batches: readonly AppendBatch[]): string[][] {
    this.requireStarted();
    const checked = batches.map(({ stream, records, keys }) => {
      if (!isOutboxStream(stream)) throw new TypeError(`outbox.append: unknown stream ${JSON.stringify(stream)}`);
      if (!Array.isArray(records)) throw new TypeError(`outbox.append(${stream}): records must be an array`);
      return { stream, records, keys: checkKeys(stream, records.length, keys === undefined ? undefined : { keys }) };
    });
    if (checked.every((batch) => batch.records.length === 0)) return checked.map(() => []);
    const written = this.commit(() =>
      checked.map((b) =>
        b.records.length === 0 ? { ids: [], inserted: 0 } : this.insert(b.stream, b.records, b.keys),
      ),
    );
    written.forEach(({ inserted }, i) => {
      if (inserted > 0) this.notify((checked[i] as AppendBatch).stream);
    });
    return written.map(({ ids }) => ids);
  }

  /** Up to `max` pending records of a stream, lowest seq first. */
  peek(stream: OutboxStream, max: number): OutboxRecord[] {
    this.requireStarted();
    const rows = this.sql.peek.all(stream, max) as { seq: number; produced_at: number; body: string }[];
    // Fewer rows than asked for means these are all: keep the in-memory count honest whatever happened.
    if (rows.length < max) this.stateOf(stream).pending = rows.length;
    return rows.map((row) => ({
      id: recordId(this.gatewayId, stream, row.seq),
      stream,
      seq: row.seq,
      producedAt: row.produced_at,
      body: row.body,
    }));
  }

  /** Marks records acked (after the cloud's PUBACK). Ids already evicted are ignored. Returns rows changed. */
  ack(ids: readonly string[]): number {
    this.requireStarted();
    const parsed = ids.map((id) => {
      const key = parseRecordId(this.gatewayId, id);
      if (!key) throw new TypeError(`outbox.ack: ${JSON.stringify(id)} is not an id of gateway ${this.gatewayId}`);
      return key;
    });
    const now = this.now();
    const changed = this.commit(() => {
      const perStream = new Map<OutboxStream, number>();
      for (const { stream, seq } of parsed) {
        const n = this.sql.ack.run(now, stream, seq).changes;
        if (n > 0) perStream.set(stream, (perStream.get(stream) ?? 0) + n);
      }
      return perStream;
    });
    let total = 0;
    for (const [stream, n] of changed) {
      this.stateOf(stream).pending -= n;
      total += n;
    }
    return total;
  }

  /** Re-queues acked records produced in [fromMs, toMs] with their original ids (HQ resend). */
  requeue(range: RequeueRange): Map<OutboxStream, number> {
    this.requireStarted();
    const streams = range.streams ?? OUTBOX_STREAMS;
    const requeued = this.commit(() => {
      const perStream = new Map<OutboxStream, number>();
      for (const stream of streams) {
        const n = this.sql.requeue.run(stream, range.fromMs, range.toMs).changes;
        if (n > 0) perStream.set(stream, n);
      }
      return perStream;
    });
    for (const [stream, n] of requeued) {
      this.stateOf(stream).pending += n;
      this.notify(stream);
    }
    return requeued;
  }

  /** The next message (batch) seq of a stream: strictly increasing, with gaps after a restart. */
  takeMessageSeq(stream: OutboxStream): number {
    this.requireStarted();
    const state = this.stateOf(stream);
    state.messageSeq += 1;
    if (state.messageSeq >= state.messageReserved) {
      const reserved = state.messageSeq + MESSAGE_SEQ_BLOCK;
      this.commit(() => this.sql.reserveMessageSeq.run(reserved, stream));
      state.messageReserved = reserved;
    }
    return state.messageSeq;
  }

  /**
   * If records were dropped since the last report, appends one `outbox_dropped` alert record and
   * zeroes the unreported count in the same transaction. `dropped_total` is cumulative, so a report
   * that is itself evicted loses nothing: the next one carries the larger total (ARCHITECTURE §11).
   */
  reportDrops(): string | null {
    this.requireStarted();
    const id = this.commit(() => {
      const unreported = this.sql.counter('dropped_unreported');
      if (unreported === 0) return null;
      this.sql.setCounter.run(0, 'dropped_unreported');
      const byStream = Object.fromEntries(this.sql.droppedByStream.all().map((r) => [r.stream, r.dropped]));
      const report = {
        type: 'outbox_dropped',
        count: unreported,
        dropped_total: this.sql.counter('dropped_total'),
        dropped_by_stream: byStream,
      };
      return this.insert(DROP_REPORT_STREAM, [report]).ids[0] ?? null;
    });
    if (id !== null) this.notify(DROP_REPORT_STREAM);
    return id;
  }

  /** Applies the age bound now; returns the pending records dropped. */
  prune(): number {
    this.requireStarted();
    const cutoff = this.now() - this.options.maxAgeMs;
    return this.applyEviction(this.commit(() => this.bounds.evictOlderThan(cutoff)));
  }

  pending(stream: OutboxStream): number {
    return this.state.get(stream)?.pending ?? 0;
  }

  /** Oldest pending record time of a stream in ms, or null when its queue is empty. */
  oldestPendingAt(stream: OutboxStream): number | null {
    this.requireStarted();
    return this.sql.oldestPending(stream);
  }

  /** When the cloud last acknowledged a record (ms), as far as the outbox still remembers; or null. */
  lastAckedAt(): number | null {
    this.requireStarted();
    return this.sql.lastAcked();
  }

  /** Oldest record still held, pending or acked: how far back a resend can reach. */
  oldestHeldAt(): number | null {
    this.requireStarted();
    return this.sql.oldestHeld();
  }

  stats(): OutboxStats {
    this.requireStarted();
    const backlog = {} as Record<OutboxStream, number>;
    let backlogTotal = 0;
    let oldest: number | null = null;
    for (const stream of OUTBOX_STREAMS) {
      backlog[stream] = this.pending(stream);
      backlogTotal += backlog[stream];
      const at = backlog[stream] > 0 ? this.sql.oldestPending(stream) : null;
      if (at !== null && (oldest === null || at < oldest)) oldest = at;
    }
    return {
      backlog,
      backlogTotal,
      bytes: this.totalBytes,
      oldestPendingAt: oldest === null ? null : new Date(oldest).toISOString(),
      droppedTotal: this.sql.counter('dropped_total'),
      droppedUnreported: this.sql.counter('dropped_unreported'),
    };
  }

  private insert(
    stream: OutboxStream,
    records: readonly object[],
    keys?: readonly string[],
  ): { ids: string[]; inserted: number } {
    const state = this.stateOf(stream);
    const rows = { sql: this.sql, keys: this.keys, gatewayId: this.gatewayId, producedAt: this.now() };
    const written = writeRecords(rows, stream, state.nextSeq, records, keys);
    const inserted = written.nextSeq - state.nextSeq;
    if (inserted === 0) return { ids: written.ids, inserted };
    this.sql.setNextSeq.run(written.nextSeq, stream);
    state.nextSeq = written.nextSeq;
    state.pending += inserted;
    this.totalBytes += written.bytes;
    this.enforceBytes();
    return { ids: written.ids, inserted };
  }

  private enforceBytes(): void {
    const excess = this.totalBytes - this.options.maxBytes;
    if (excess > 0) this.applyEviction(this.bounds.evictBytes(excess));
  }

  private applyEviction(eviction: Eviction): number {
    this.totalBytes -= eviction.bytes;
    let dropped = 0;
    for (const [stream, n] of eviction.dropped) {
      this.stateOf(stream).pending -= n;
      dropped += n;
    }
    return dropped;
  }

  /** A durable transaction; if it fails, the in-memory figures return to what the disk still says. */
  private commit<T>(fn: () => T): T {
    const saved = { totalBytes: this.totalBytes, state: [...this.state].map(([k, v]) => [k, { ...v }] as const) };
    try {
      return durableTransaction(this.connection as OutboxConnection, fn);
    } catch (error) {
      this.totalBytes = saved.totalBytes;
      for (const [stream, state] of saved.state) this.state.set(stream, state);
      throw error;
    }
  }

  private load(): void {
    this.state.clear();
    for (const row of this.sql.streams.all()) {
      if (!isOutboxStream(row.stream)) continue;
      // Skip the rest of the reserved block: a seq handed out before a crash is never reused.
      this.state.set(row.stream, {
        nextSeq: row.next_seq,
        messageSeq: row.message_seq_reserved - 1,
        messageReserved: row.message_seq_reserved - 1,
        pending: 0,
      });
    }
    for (const row of this.sql.pendingCounts.all()) {
      if (isOutboxStream(row.stream)) this.stateOf(row.stream).pending = row.n;
    }
    this.totalBytes = this.sql.totalBytes();
  }

  private stateOf(stream: OutboxStream): StreamState {
    const state = this.state.get(stream);
    if (!state) throw new Error(`outbox: stream ${stream} has no state (not started?)`);
    return state;
  }

  private notify(stream: OutboxStream): void {
    for (const listener of this.listeners) listener(stream);
  }

  private requireStarted(): void {
    if (!this.connection) throw new Error('outbox is not started');
  }

  private now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }
}
