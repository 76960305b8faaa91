/**
 * The handle a part gets from `StreamStore.declare()`: it writes its closed bins and reads them back.
 *
 *   const shelf = ctx.streams.declare(shelfDeclaration);   // in the part's start()
 *   shelf.write([{ bin_start_ms, dims: { sku, lane }, values: { pickups: 3, dwell_s: [4.2, 7.9] } }, …]);
 *
 * `write` takes the rows of one or more closed raw bins; each bin mentioned is replaced by the rows
 * given for it (records.ts explains the checks; writer.ts the transaction). `writeBin` states a whole
 * bin, possibly empty: that retracts every row it had.
 */
import { createLogger } from '../../log.js';
import type { CompiledStream } from './declaration.js';
import type { StreamMetrics } from './metrics.js';
import { queryStream, type StreamPage, type StreamQuery } from './query.js';
import { checkBinStart, checkRows, StreamInputError, type StreamRecord, type StreamRow } from './records.js';
import { type BinWriteResult, type StreamRuntime, writeBin } from './writer.js';

const log = createLogger('omo:aggregate');

/** What the store lends a handle at each call (it may be stopped and started again). */
export interface StreamHost {
  use(name: string): { runtime: StreamRuntime; id: number; metrics: StreamMetrics };
  afterWrite(staged: boolean): void;
}

export class DeclaredStream {
  constructor(
    readonly declaration: CompiledStream,
    private readonly host: StreamHost,
  ) {}

  get name(): string {
    return this.declaration.name;
  }

  /** Writes the bins these records belong to, oldest first; throws a StreamInputError naming a bad field. */
  write(records: readonly StreamRecord[]): BinWriteResult[] {
    const { runtime, metrics } = this.host.use(this.name);
    const bins = this.checked(metrics, () => {
      if (!Array.isArray(records)) throw new StreamInputError(`${this.name}: records`, 'must be an array');
      const byStart = new Map<number, number[]>();
      records.forEach((record, i) => {
        const field = `${this.name}: records[${i}].bin_start_ms`;
        const start = checkBinStart(record?.bin_start_ms, runtime.levels.binS, field);
        const indices = byStart.get(start);
        if (indices === undefined) byStart.set(start, [i]);
        else indices.push(i);
      });
      return [...byStart]
        .sort((a, b) => a[0] - b[0])
        .map(([start, indices]) => {
          const rows = indices.map((i) => records[i] as StreamRow);
          return { start, rows: checkRows(this.declaration, rows, (j) => `${this.name}: records[${indices[j]}]`) };
        });
    });
    return bins.map(({ start, rows }) => this.store(start, rows));
  }

  /** Writes one whole bin: exactly these rows (none: the bin is emptied and its record retracted). */
  writeBin(binStartMs: number, rows: readonly StreamRow[]): BinWriteResult {
    const { runtime, metrics } = this.host.use(this.name);
    const checked = this.checked(metrics, () => {
      const start = checkBinStart(binStartMs, runtime.levels.binS, `${this.name}: bin_start_ms`);
      if (!Array.isArray(rows)) throw new StreamInputError(`${this.name}: rows`, 'must be an array');
      return { start, rows: checkRows(this.declaration, rows, (i) => `${this.name}: rows[${i}]`) };
    });
    return this.store(checked.start, checked.rows);
  }

  query(query: StreamQuery): StreamPage {
    const { runtime, id } = this.host.use(this.name);
    return queryStream(runtime, this.declaration, id, query);
  }

  private store(start: number, rows: Parameters<typeof writeBin>[4]): BinWriteResult {
    const { runtime, id, metrics } = this.host.use(this.name);
    const labels = { stream: this.name };
    const timer = metrics.writeSeconds.startTimer(labels);
    const result = writeBin(runtime, this.declaration, id, start, rows);
    timer();
    if (result.written) metrics.written.inc(labels);
    else {
      metrics.refused.inc({ ...labels, reason: result.reason });
      log.warn(
        `${this.name} bin ${new Date(start).toISOString()} refused: older than storage retention allows to roll up`,
      );
    }
    this.host.afterWrite(result.staged);
    return result;
  }

  private checked<T>(metrics: StreamMetrics, check: () => T): T {
    try {
      return check();
    } catch (error) {
      metrics.refused.inc({ stream: this.name, reason: 'invalid' });
      throw error;
    }
  }
}
