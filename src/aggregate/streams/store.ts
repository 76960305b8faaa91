/**
 * `StreamStore`: aggregation for every feature (issue 7 item 3). A part declares a stream
 * (declaration.ts) and writes its closed bins; the store keeps them at every resolution (raw →
 * 15 min → hour → store day, levels.ts), answers queries, applies retention and stages uplink records
 * — the same rules as the path-bin store (../store.ts), with no table or SQL per feature.
 *
 *   const streams = new StreamStore({ db, config, metrics, outbox });
 *   await streams.start();                     // migrations, retention, records staged before a crash
 *   const shelf = streams.declare(shelfDeclaration);
 *   shelf.write(records);  shelf.query({ resolution: 'hour', fromMs, toMs });
 *   await streams.stop();
 *
 * `declare` works before or after `start` (a part declares in its own start); declaring a name again
 * with the same declaration returns the same handle.
 */
import type { Registry } from 'prom-client';
import type { GatewayConfig } from '../../config/schema.js';
import { createLogger } from '../../log.js';
import { applyMigrations, type SqliteDatabase } from '../../store/database.js';
import { isOutboxStream, type OutboxStream } from '../../store/outbox/streams.js';
import { BinLevels } from '../levels.js';
import { Retention } from '../retention.js';
import { StagedRevisions } from '../staged-revisions.js';
import { checkTimeZone } from '../time-zone.js';
import { appendKeyed, type OutboxSink } from '../uplink-log.js';
import {
  type CompiledStream,
  compileStream,
  DeclarationError,
  measuresOfLayout,
  type StreamDeclaration,
} from './declaration.js';
import { StreamMetrics } from './metrics.js';
import { closePeriods } from './periods.js';
import { streamMigrations } from './schema.js';
import { StreamStatements } from './statements.js';
import { DeclaredStream, type StreamHost } from './stream.js';
import { type StreamUplinkHead, streamSourceKey, UplinkStager } from './uplink.js';
import type { StreamRuntime } from './writer.js';

const log = createLogger('omo:aggregate');

export interface StreamStoreOptions {
  /** The gateway's SQLite connection (`<data-dir>/omo.db`), shared with the path-bin store. */
  db: SqliteDatabase;
  config: Pick<GatewayConfig, 'analysis' | 'storage' | 'store'>;
  metrics: Registry;
  /** The uplink outbox (src/store/outbox.ts `Outbox`); without it nothing is staged. */
  outbox?: OutboxSink<OutboxStream>;
  /** Clock for retention, epoch ms; tests move it. */
  now?: () => number;
  /** How often retention runs; default one hour. */
  retentionIntervalMs?: number;
}

export class StreamStore implements StreamHost {
  private readonly declared = new Map<string, DeclaredStream>();
  private readonly ids = new Map<string, number>();
  private runtime: (StreamRuntime & { metrics: StreamMetrics; staging: StagedRevisions<string> }) | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** A flush failed: records wait in agg_stream_uplink, so the next write tries again. */
  private uplinkBehind = false;

  constructor(private readonly options: StreamStoreOptions) {}

  async start(): Promise<void> {
    if (this.runtime) return;
    const { db, config } = this.options;
    checkTimeZone(config.store.timezone);
    applyMigrations(db, streamMigrations);
    const staging = new StagedRevisions<string>(db, 'agg_stream_uplink');
    this.runtime = {
      sql: new StreamStatements(db),
      levels: new BinLevels(config.analysis.bin_s, config.store.timezone),
      retention: new Retention(config.storage),
      revisions: this.options.outbox ? staging : null,
      staging,
      k: config.analysis.k_anonymity,
      now: () => this.options.now?.() ?? Date.now(),
      metrics: new StreamMetrics(this.options.metrics),
    };
    for (const stream of this.declared.values()) this.register(stream.declaration);
    this.closeEndedPeriods();
    this.applyRetention();
    this.flushUplink();
    const every = this.options.retentionIntervalMs ?? 3_600_000;
    this.timer = setInterval(() => this.housekeeping(), every).unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.runtime) this.flushUplink();
    this.runtime = undefined;
    this.ids.clear();
  }

  /** Checks a declaration (DeclarationError naming the field) and returns the stream's handle. */
  declare(declaration: StreamDeclaration): DeclaredStream {
    const compiled = compileStream(declaration);
    const known = this.declared.get(compiled.name);
    if (known !== undefined) {
      if (sameDeclaration(known.declaration, compiled)) return known;
      throw new DeclarationError(
        compiled.name,
        'name',
        'is already declared with other dimensions, measures or uplink',
      );
    }
    if (this.runtime) this.register(compiled);
    const stream = new DeclaredStream(compiled, this);
    this.declared.set(compiled.name, stream);
    return stream;
  }

  /**
   * Stores the roll-up periods of every stream that ended by the wall clock (periods.ts), so an idle
   * stream's roll-ups are written before retention deletes the bins they are merged from.
   */
  closeEndedPeriods(): number {
    const { sql, levels, now, revisions, k } = this.ready();
    let changed = 0;
    for (const { id, name, layout, declaration } of sql.registrations.all()) {
      // The stream as last declared, so a stream uplinked per period stages what closes here too.
      const stream =
        this.declared.get(name)?.declaration ?? (declaration ? compileStream(JSON.parse(declaration)) : null);
      const uplink = stream ? new UplinkStager(revisions, stream, levels, k) : null;
      const measures = stream?.measures ?? measuresOfLayout(layout);
      const scope = { sql, levels, measures, id, ...(uplink ? { stored: uplink.stage.bind(uplink) } : {}) };
      changed += sql.db.transaction(() => closePeriods(scope, now()))();
    }
    return changed;
  }

  /** Deletes rows past their retention now; returns rows deleted per level key (seconds). */
  applyRetention(): Record<string, number> {
    const { sql, levels, retention, staging, metrics, now } = this.ready();
    const at = now();
    const deleted: Record<string, number> = {};
    sql.db.transaction(() => {
      for (const level of levels.levels) {
        const cutoff = retention.cutoff(level, at);
        let n = 0;
        for (const { id } of sql.registrations.all()) n += sql.expireBefore(id, level.key, cutoff);
        deleted[String(level.key)] = n;
        if (n > 0) metrics.expired.inc({ level: level.name ?? `${level.key}s` }, n);
      }
      staging.expireBefore(retention.cutoff(levels.raw, at));
    })();
    return deleted;
  }

  /** Appends staged records to the outbox; a failure leaves them staged for the next try. */
  flushUplink(): number {
    const { staging, metrics, sql } = this.ready();
    const outbox = this.options.outbox;
    if (!outbox) return 0;
    try {
      const uplinks = new Map(sql.registrations.all().map((r) => [r.name, r.uplink]));
      const n = staging.flush((batches) => {
        const keyed = batches.flatMap(({ stream: name, records }) => {
          const stream = uplinks.get(name);
          // A declaration that dropped its uplink: what it staged before has nowhere to go.
          if (isOutboxStream(stream)) {
            return [{ stream, records, keys: (records as unknown as StreamUplinkHead[]).map(streamSourceKey) }];
          }
          log.warn(`${records.length} ${name} records dropped: no uplink stream`);
          return [];
        });
        appendKeyed(outbox, keyed);
      });
      metrics.uplinked.inc(n);
      this.uplinkBehind = false;
      return n;
    } catch (error) {
      if (!this.uplinkBehind) log.warn(`stream uplink records stay staged: ${(error as Error).message}`);
      this.uplinkBehind = true;
      return 0;
    } finally {
      metrics.staged.set(staging.pending());
    }
  }

  /** StreamHost: what a handle needs for one call. */
  use(name: string) {
    const runtime = this.ready();
    const id = this.ids.get(name);
    if (id === undefined) throw new Error(`stream ${name} is not declared on this store`);
    return { runtime, id, metrics: runtime.metrics };
  }

  /** StreamHost: after each bin write, hand what it staged (or what waits from before) to the outbox. */
  afterWrite(staged: boolean): void {
    if (staged || this.uplinkBehind) this.flushUplink();
  }

  /** Registers the stream in `agg_stream`, refusing a layout change over stored rows. */
  private register(stream: CompiledStream): void {
    const { sql, levels } = this.ready();
    if (stream.uplinkEvery !== 'bin' && levels.level(stream.uplinkEvery) === undefined) {
      const why = `${stream.uplinkEvery} is finer than analysis.bin_s (${levels.binS} s)`;
      throw new DeclarationError(stream.name, 'uplinkEvery', why);
    }
    const id = sql.db.transaction(() => {
      const stored = sql.registration.get(stream.name);
      const { name, layout, uplink, source } = stream;
      if (stored === undefined) return Number(sql.register.run(name, layout, uplink, source).lastInsertRowid);
      if (stored.layout !== layout && sql.anyRow.get(stored.id) !== undefined) {
        throw new DeclarationError(
          name,
          'dimensions/measures',
          `differ from the layout its stored rows were written with (${stored.layout}); declare a new name`,
        );
      }
      if (stored.declaration !== source) sql.reregister.run(layout, uplink, source, stored.id);
      return stored.id;
    })();
    this.ids.set(stream.name, id);
  }

  private housekeeping(): void {
    try {
      this.closeEndedPeriods();
      this.applyRetention();
      this.flushUplink();
    } catch (error) {
      log.error(`stream retention failed: ${(error as Error).message}`);
    }
  }

  private ready() {
    if (!this.runtime) throw new Error('StreamStore is not started');
    return this.runtime;
  }
}

function sameDeclaration(a: CompiledStream, b: CompiledStream): boolean {
  const identity = (c: CompiledStream) => JSON.stringify([c.layout, c.uplink, c.uplinkEvery, c.fold]);
  return identity(a) === identity(b);
}
