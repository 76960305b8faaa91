/**
 * The dead-letter table (ARCHITECTURE §4, §6): the refused messages of the store's devices, kept,
 * bounded and inspectable through `GET /api/v1/dead-letters`. A row may stand for several refusals of
 * one device and reason (`repeats`, refusal-traces.ts), so a flood cannot evict the older evidence;
 * clients that never authenticated are counted, not written (issue 8 point 6). Rows hold a sample of the payload (text, or `hex:…`
 * for binary), never the whole of it, and the table holds at most `dead_letter_max_rows`: the oldest
 * rows are deleted, and counted in `omo_dead_letter_evicted_total`.
 *
 * Writes are batched. A device flooding garbage at thousands of messages per second must not turn into
 * thousands of SQLite commits per second (each one a WAL append, and an fsync on checkpoint) competing
 * with valid traffic on the event loop. add() only appends to an in-memory buffer; the buffer is
 * written in ONE transaction per tick — after `flushIntervalMs` (100 ms), or on the next turn of the
 * event loop once `flushRows` (500) rows are waiting — and on stop(). Readers flush first, so list()
 * and count() always include rows still in the buffer.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { createLogger } from '../log.js';
import { registerOnce } from '../metrics.js';
import { applyMigrations, type Migration, type SqliteDatabase } from '../store/database.js';
import { payloadSample } from './payload-text.js';
import type { Refusal } from './profile.js';

const log = createLogger('omo:dead-letter');

/** Topics and details are device-controlled lengths; rows keep a readable prefix of each. */
const MAX_TEXT_CHARS = 1024;

export const deadLetterMigrations: Migration[] = [
  {
    id: 'dead_letter/001-create',
    // AUTOINCREMENT so ids never repeat after the oldest rows are evicted: clients page by id.
    up: (db) =>
      db.exec(`CREATE TABLE dead_letter (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        received_at INTEGER NOT NULL,
        device_id TEXT,
        kind TEXT,
        topic TEXT NOT NULL,
        reason TEXT NOT NULL,
        detail TEXT NOT NULL,
        payload_sample TEXT NOT NULL,
        payload_bytes INTEGER NOT NULL
      )`),
  },
  {
    id: 'dead_letter/002-repeats',
    // One row may stand for several refusals of one device and reason (refusal-traces.ts).
    up: (db) => db.exec('ALTER TABLE dead_letter ADD COLUMN repeats INTEGER NOT NULL DEFAULT 1'),
  },
];

/** One row as stored; keys are the column names, which are also the JSON keys of the HTTP API. */
export interface DeadLetterRow {
  id: number;
  /** Epoch ms the refused message arrived. */
  received_at: number;
  device_id: string | null;
  kind: string | null;
  topic: string;
  reason: string;
  detail: string;
  /** The first `dead_letter_sample_bytes` of the payload: text, or `hex:` + hex digits for binary. */
  payload_sample: string;
  /** Size of the whole payload. */
  payload_bytes: number;
  /** Refusals this row stands for: this one and the repeats after it within the trace interval. */
  repeats: number;
}

export interface DeadLetterQuery {
  limit: number;
  offset: number;
  reason?: string;
  deviceId?: string;
  /** Epoch ms; only rows received at or after it. */
  since?: number;
}

export interface DeadLetterStoreOptions {
  /** An open database (openDatabase); start() applies `deadLetterMigrations` to it. */
  db: SqliteDatabase;
  maxRows: number;
  sampleBytes: number;
  metrics: Registry;
  flushIntervalMs?: number;
  flushRows?: number;
}

type PendingRow = Omit<DeadLetterRow, 'id'>;

const clip = (text: string): string => (text.length > MAX_TEXT_CHARS ? `${text.slice(0, MAX_TEXT_CHARS - 1)}…` : text);

export class DeadLetterStore {
  private pending: PendingRow[] = [];
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private rows = 0;
  private statements: ReturnType<typeof prepare> | undefined;
  private evicted: Counter | undefined;
  private rowsGauge: Gauge | undefined;
  private readonly flushIntervalMs: number;
  private readonly flushRows: number;

  constructor(private readonly options: DeadLetterStoreOptions) {
    this.flushIntervalMs = options.flushIntervalMs ?? 100;
    this.flushRows = options.flushRows ?? 500;
  }

  async start(): Promise<void> {
    applyMigrations(this.options.db, deadLetterMigrations);
    this.statements = prepare(this.options.db);
    this.rows = (this.statements.count.get() as { n: number }).n;
    const registry = this.options.metrics;
    const registers = [registry];
    this.evicted = registerOnce(
      registry,
      'omo_dead_letter_evicted_total',
      () =>
        new Counter({
          name: 'omo_dead_letter_evicted_total',
          help: 'Dead-letter rows deleted (oldest first) to stay within dead_letter_max_rows.',
          registers,
        }),
    );
    this.rowsGauge = registerOnce(
      registry,
      'omo_dead_letter_rows',
      () => new Gauge({ name: 'omo_dead_letter_rows', help: 'Rows in the dead-letter table.', registers }),
    );
    this.rowsGauge.set(this.rows);
  }

  async stop(): Promise<void> {
    this.flush();
    this.statements = undefined;
  }

  /** Queues a refusal (standing for `repeats` of its kind); cheap and synchronous, safe at flood rates. */
  add(refusal: Refusal, repeats = 1): void {
    if (this.statements === undefined) {
      // Only possible while the gateway is stopping: the refusal was already answered and counted.
      log.warn(() => `dead-letter store is stopped; not keeping the refusal of ${refusal.topic} (${refusal.reason})`);
      return;
    }
    const payload = refusal.payload;
    this.pending.push({
      received_at: refusal.receivedAt,
      device_id: refusal.deviceId,
      kind: refusal.kind,
      topic: clip(refusal.topic),
      reason: refusal.reason,
      detail: clip(refusal.detail),
      // Sampled now: the broker may reuse the payload's memory once the handler returns.
      payload_sample: payload === undefined ? '' : payloadSample(payload, this.options.sampleBytes),
      payload_bytes: payload?.length ?? 0,
      repeats,
    });
    if (this.pending.length >= this.flushRows) {
      this.immediate ??= setImmediate(() => this.flush());
    } else {
      this.timer ??= setTimeout(() => this.flush(), this.flushIntervalMs).unref();
    }
  }

  /** Writes the buffered rows in one transaction and evicts beyond the bound. Returns rows written. */
  flush(): number {
    clearTimeout(this.timer);
    clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    const statements = this.statements;
    if (statements === undefined || this.pending.length === 0) return 0;
    let batch = this.pending;
    this.pending = [];
    const maxRows = this.options.maxRows;
    // Rows beyond the bound within one batch would be evicted right after insert: skip writing them.
    const skipped = Math.max(0, batch.length - maxRows);
    if (skipped > 0) batch = batch.slice(skipped);
    try {
      const evicted = statements.writeBatch(batch, this.rows + batch.length - maxRows);
      this.rows += batch.length - evicted;
      this.evicted?.inc(evicted + skipped);
      this.rowsGauge?.set(this.rows);
    } catch (error) {
      log.error(() => `could not write ${batch.length} dead-letter rows: ${String(error)}`);
      return 0;
    }
    return batch.length;
  }

  /** Newest first. */
  list(query: DeadLetterQuery): DeadLetterRow[] {
    const statements = this.ready();
    this.flush();
    return statements.list.all({
      reason: query.reason ?? null,
      device: query.deviceId ?? null,
      since: query.since ?? null,
      limit: Math.max(0, Math.trunc(query.limit)),
      offset: Math.max(0, Math.trunc(query.offset)),
    }) as DeadLetterRow[];
  }

  count(): number {
    this.ready();
    this.flush();
    return this.rows;
  }

  private ready(): NonNullable<DeadLetterStore['statements']> {
    if (this.statements === undefined) throw new Error('DeadLetterStore used before start() or after stop()');
    return this.statements;
  }
}

function prepare(db: SqliteDatabase) {
  const insert = db.prepare(
    `INSERT INTO dead_letter (received_at, device_id, kind, topic, reason, detail, payload_sample, payload_bytes, repeats)
     VALUES (@received_at, @device_id, @kind, @topic, @reason, @detail, @payload_sample, @payload_bytes, @repeats)`,
  );
  // Oldest first by id; deleting a prefix of the rowid B-tree is one range scan.
  const evict = db.prepare('DELETE FROM dead_letter WHERE id IN (SELECT id FROM dead_letter ORDER BY id LIMIT ?)');
  return {
    count: db.prepare('SELECT COUNT(*) AS n FROM dead_letter'),
    // No secondary indexes: they would slow every insert during a flood, and a scan of even 10^5 rows
    // for an admin's filtered page takes milliseconds.
    list: db.prepare(
      `SELECT id, received_at, device_id, kind, topic, reason, detail, payload_sample, payload_bytes, repeats
       FROM dead_letter
       WHERE (@reason IS NULL OR reason = @reason)
         AND (@device IS NULL OR device_id = @device)
         AND (@since IS NULL OR received_at >= @since)
       ORDER BY id DESC LIMIT @limit OFFSET @offset`,
    ),
    /** Inserts the batch and deletes the `excess` oldest rows, in one transaction; returns rows deleted. */
    writeBatch: db.transaction((batch: PendingRow[], excess: number): number => {
      for (const row of batch) insert.run(row);
      return excess > 0 ? evict.run(excess).changes : 0;
    }),
  };
}
