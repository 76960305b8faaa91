/**
 * The aggregate store (ARCHITECTURE §5 "Bins", §6): closed bins in, SQLite time series at every
 * resolution out, and uplink records for the outbox.
 *
 * - `writeBin` writes a raw bin in ONE transaction per bin (§6: nothing per reading), with what it
 *   changes at the 15-minute, hour and day levels: those are stored when their period closes and merged
 *   from below while open (open-periods.ts). Writing a bin again replaces it (a late bin rebuilds the
 *   closed periods holding it), so a restart that re-closes a bin is harmless — except over a PARTIAL
 *   bin (flushed by a clean stop inside it): the new write continues it and is merged into it (merge.ts
 *   `mergeBinParts`), in the same transaction, so a stop/restart inside a bin loses nothing (§11).
 * - A bin whose roll-ups would need finer bins that retention already deleted is refused (counted,
 *   logged, `{ written: false, reason: 'expired' }`): writing it would shrink its coarse bins.
 * - Retention deletes bins that started more than `minute_retention_days` (levels finer than an hour)
 *   or `hour_retention_days` (hour and day) ago: at start and every `retentionIntervalMs`.
 * - With an outbox, uplink records — one per bin, or per 15-minute or hour period when it closes
 *   (`uplinkEvery`) — are staged in the bin's transaction and appended after the commit (uplink-log.ts).
 */
import type { Registry } from 'prom-client';
import type { GatewayConfig } from '../config/schema.js';
import { createLogger } from '../log.js';
import { registerOnce } from '../metrics.js';
import { applyMigrations, type SqliteDatabase } from '../store/database.js';
import { BinLevels, type Resolution } from './levels.js';
import { mergeBinParts } from './merge.js';
import { AggregateMetrics } from './metrics.js';
import { OpenPeriods } from './open-periods.js';
import { AggregateQuery } from './query.js';
import { checkRecord } from './record-check.js';
import type { PathBinRecord } from './records.js';
import { Retention } from './retention.js';
import { aggregateMigrations } from './schema.js';
import { SeriesRows } from './series-rows.js';
import { AggregateReads } from './store-reads.js';
import { checkTimeZone } from './time-zone.js';
import { type OutboxSink, UplinkLog } from './uplink-log.js';
import type { AggregateStream, PathRecordsEvery } from './uplink-records.js';

const log = createLogger('omo:aggregate');

export interface AggregateStoreOptions {
  /** The gateway's SQLite connection (`<data-dir>/omo.db`); start() applies `aggregateMigrations`. */
  db: SqliteDatabase;
  config: Pick<GatewayConfig, 'analysis' | 'storage' | 'store'>;
  metrics: Registry;
  /** The uplink outbox (src/store/outbox/outbox.ts `Outbox`); without it nothing is staged for the uplink. */
  outbox?: OutboxSink;
  /** Clock for retention, epoch ms; tests move it. */
  now?: () => number;
  /** How often retention runs; default one hour. */
  retentionIntervalMs?: number;
  /**
   * One uplink record per raw bin, or per closed 15-minute or hour period (config
   * `uplink.path_records_every`); absent: per bin.
   */
  uplinkEvery?: PathRecordsEvery;
}

export interface WriteResult {
  written: boolean;
  reason?: 'expired';
  /** Written as the continuation of a stored partial bin: merged with it, not replacing it. */
  merged?: boolean;
  /** Uplink streams that got a new record (revision) for this bin. */
  staged: AggregateStream[];
}

export class AggregateStore extends AggregateReads {
  private sql: SeriesRows | undefined;
  private openPeriods: OpenPeriods | undefined;
  private reader: AggregateQuery | undefined;
  private levelSet: BinLevels | undefined;
  private uplink: UplinkLog | undefined;
  private metrics: AggregateMetrics | undefined;
  private retention: Retention | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** A flush failed: records wait in agg_uplink, so the next write tries again even if it stages none. */
  private uplinkBehind = false;
  /** A bin was written since the last housekeeping (an idle store's periods are closed by the clock). */
  private busy = false;

  constructor(private readonly options: AggregateStoreOptions) {
    super();
  }

  async start(): Promise<void> {
    if (this.sql) return;
    const { db, config } = this.options;
    checkTimeZone(config.store.timezone);
    const levels = new BinLevels(config.analysis.bin_s, config.store.timezone);
    applyMigrations(db, aggregateMigrations);
    this.levelSet = levels;
    this.retention = new Retention(config.storage);
    this.sql = new SeriesRows(db, levels);
    this.openPeriods = new OpenPeriods(this.sql, levels);
    this.openPeriods.adoptStoredRollUps();
    this.reader = new AggregateQuery(this.sql, levels);
    const cadence = this.options.uplinkEvery ?? 'bin';
    const uplinked = cadence === 'bin' ? levels.raw : (levels.level(cadence) ?? levels.raw);
    this.uplink = new UplinkLog(db, config.analysis.k_anonymity, uplinked.key);
    this.metrics = new AggregateMetrics(this.options.metrics, registerOnce);
    this.applyRetention();
    this.flushUplink();
    const every = this.options.retentionIntervalMs ?? 3_600_000;
    this.timer = setInterval(() => this.runRetention(), every).unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.sql) this.flushUplink();
    this.sql = undefined;
    this.openPeriods = undefined;
    this.reader = undefined;
    this.uplink = undefined;
  }

  /**
   * Writes one closed raw bin and its roll-ups; throws a RecordError naming a bad field. Over a stored
   * partial bin the record is merged into it; otherwise it replaces whatever is stored.
   */
  writeBin(record: PathBinRecord): WriteResult {
    const { sql, levels, metrics, retention, periods, uplink } = this.ready();
    try {
      checkRecord(record, levels.binS);
    } catch (error) {
      metrics.refused.inc({ reason: 'invalid' });
      throw error;
    }
    const now = this.now();
    const start = record.bin_start_ms;
    const plan = levels.rollUpsOf(start);
    if (retention.tooLate(levels.raw, start, plan, now)) {
      metrics.refused.inc({ reason: 'expired' });
      log.warn(`bin ${new Date(start).toISOString()} refused: older than storage retention allows to roll up`);
      return { written: false, reason: 'expired', staged: [] };
    }
    const timer = metrics.writeSeconds.startTimer();
    const { staged, merged } = sql.db.transaction(() => {
      // Read in the write's transaction: the merge and its roll-ups commit together or not at all.
      const stored = sql.partialBin(levels.raw.key, start);
      const bin = stored === undefined ? record : mergeBinParts(stored, record);
      sql.write(levels.raw.key, bin, now);
      const streams = new Set<AggregateStream>();
      const stage = this.options.outbox ? uplink.stager(streams) : undefined;
      periods.close(start, now, stage);
      periods.rebuildHolding(start, now, stage);
      stage?.(levels.raw, bin);
      return { staged: [...streams], merged: stored !== undefined };
    })();
    timer();
    this.busy = true;
    metrics.written.inc();
    if (merged) metrics.merged.inc();
    if (staged.length > 0 || this.uplinkBehind) this.flushUplink();
    return { written: true, merged, staged };
  }

  /** Deletes bins past their retention now; returns bins deleted per level key (seconds). */
  applyRetention(): Record<string, number> {
    const { sql, levels, metrics, retention, periods } = this.ready();
    const now = this.now();
    const deleted: Record<string, number> = {};
    // Bins an open period is merged from stay until it closes, even past their retention (idle store).
    const keep = periods.keepFrom();
    sql.db.transaction(() => {
      for (const level of levels.levels) {
        const cutoff = Math.min(retention.cutoff(level, now), keep.get(level.key) ?? Number.POSITIVE_INFINITY);
        const n = sql.expireBefore(level.key, cutoff);
        deleted[String(level.key)] = n;
        if (n > 0) metrics.expired.inc({ level: level.name ?? `${level.key}s` }, n);
      }
      this.uplink?.expireBefore(retention.cutoff(levels.raw, now));
    })();
    return deleted;
  }

  /** Appends staged uplink records to the outbox; a failure leaves them staged for the next try. */
  flushUplink(): number {
    const { metrics } = this.ready();
    const outbox = this.options.outbox;
    if (!outbox || !this.uplink) return 0;
    try {
      const n = this.uplink.flush(outbox);
      metrics.uplinked.inc(n);
      this.uplinkBehind = false;
      return n;
    } catch (error) {
      if (!this.uplinkBehind) log.warn(`uplink records stay staged: ${(error as Error).message}`);
      this.uplinkBehind = true;
      return 0;
    } finally {
      metrics.uplinkPending.set(this.uplink.pending());
    }
  }

  /** AggregateReads: the query API for the HQ routes, available after start(). */
  protected query(): AggregateQuery {
    return this.ready().reader;
  }

  /** Whole records of a resolution (roll-ups included), for tests and exports. */
  records(resolution: Resolution | 'raw', fromMs: number, toMs: number): PathBinRecord[] {
    const { sql, levels } = this.ready();
    const level = resolution === 'raw' ? levels.raw : levels.level(resolution);
    if (level === undefined) return [];
    return sql.recordsWithOpen({ res: level.key, from: fromMs, to: toMs });
  }

  /** Hourly: an idle store's periods are closed by the wall clock (their uplink records go out). */
  private runRetention(): void {
    try {
      const { sql, periods, uplink } = this.ready();
      if (!this.busy) {
        const now = this.now();
        const stage = this.options.outbox ? uplink.stager(new Set()) : undefined;
        sql.db.transaction(() => periods.close(now, now, stage))();
      }
      this.busy = false;
      this.applyRetention();
      this.flushUplink();
    } catch (error) {
      log.error(`retention failed: ${(error as Error).message}`);
    }
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private ready() {
    const { sql, reader, levelSet, metrics, retention, openPeriods: periods, uplink } = this;
    if (!sql || !reader || !levelSet || !metrics || !retention || !periods || !uplink) {
      throw new Error('AggregateStore is not started');
    }
    return { sql, reader, levels: levelSet, metrics, retention, periods, uplink };
  }
}
