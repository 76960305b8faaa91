/**
 * Hands the uplink records (uplink-records.ts) of each path bin — or of each closed 15-minute or hour
 * period, config `uplink.path_records_every` — to the outbox exactly once per revision
 * (ARCHITECTURE §7, §11), through the staging table `agg_uplink` (staged-revisions.ts explains how).
 * A partial bin continued after a restart is staged merged (store.ts), so its next revision holds both
 * parts. Each record goes with its source key (bin start, bin length, revision: `uplinkSourceKey`).
 */
import type { SqliteDatabase } from '../store/database.js';
import type { PeriodSink } from './open-periods.js';
import type { PathBinRecord } from './records.js';
import { StagedRevisions } from './staged-revisions.js';
import { AGGREGATE_STREAMS, type AggregateStream, uplinkBodies, uplinkSourceKey } from './uplink-records.js';

/** The part of the outbox this needs (src/store/outbox/outbox.ts `Outbox`): an idempotent append by key. */
export interface OutboxSink<S extends string = AggregateStream> {
  append(stream: S, records: readonly object[], options: { keys: readonly string[] }): string[];
  /** Several streams in one durable commit; without it, one `append` per stream. */
  appendMany?(batches: readonly { stream: S; records: readonly object[]; keys: readonly string[] }[]): string[][];
}

/** Appends keyed batches in one outbox commit when the sink can, else stream by stream. */
export function appendKeyed<S extends string>(
  outbox: OutboxSink<S>,
  batches: readonly { stream: S; records: readonly object[]; keys: readonly string[] }[],
): void {
  if (outbox.appendMany) outbox.appendMany(batches);
  else for (const { stream, records, keys } of batches) outbox.append(stream, records, { keys });
}

export class UplinkLog {
  private readonly revisions: StagedRevisions<AggregateStream>;

  /** `levelKey`: the level whose bins are uplinked — the raw level, or 15-minute or hour periods. */
  constructor(
    db: SqliteDatabase,
    private readonly k: number,
    private readonly levelKey: number,
  ) {
    this.revisions = new StagedRevisions(db, 'agg_uplink');
  }

  /** Stages each bin stored at the uplinked level (call inside its transaction), adding to `staged`. */
  stager(staged: Set<AggregateStream>): PeriodSink {
    return (level, record) => {
      if (level.key !== this.levelKey) return;
      for (const stream of this.stage(record)) staged.add(stream);
    };
  }

  /** Stages the records of a raw bin (call inside the bin's transaction). Returns the streams staged. */
  stage(record: PathBinRecord): AggregateStream[] {
    const bodies = uplinkBodies(record, this.k);
    const retraction = () => ({
      bin_start: new Date(record.bin_start_ms).toISOString(),
      bin_s: record.bin_s,
      retracted: true,
    });
    return AGGREGATE_STREAMS.filter((stream) =>
      this.revisions.stage(stream, record.bin_start_ms, bodies[stream], retraction),
    );
  }

  /** Appends every staged record to the outbox, oldest bin first, in one commit. */
  flush(outbox: OutboxSink): number {
    return this.revisions.flush((batches) => {
      const keyed = batches.map(({ stream, records }) => {
        const heads = records as unknown as { bin_start: string; bin_s: number; revision: number }[];
        return { stream, records, keys: heads.map(uplinkSourceKey) };
      });
      appendKeyed(outbox, keyed);
    });
  }

  pending(): number {
    return this.revisions.pending();
  }

  /** Forgets appended records of bins that started before `beforeMs` (they can no longer be rewritten). */
  expireBefore(beforeMs: number): number {
    return this.revisions.expireBefore(beforeMs);
  }
}
