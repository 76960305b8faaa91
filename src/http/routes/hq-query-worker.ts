/**
 * One HQ query worker (started by hq-query-pool.ts): a read-only connection to the gateway's SQLite
 * file and the same table declarations the routes serve (hq-tables.ts), answering one query at a time.
 * WAL lets this connection read a consistent snapshot while the main thread writes bins; it never
 * writes, so it cannot take the write lock the live store needs.
 */
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { BinLevels } from '../../aggregate/levels.js';
import { AggregateQuery, QueryError, QueryTooLarge } from '../../aggregate/query.js';
import { SeriesRows } from '../../aggregate/series-rows.js';
import { createLogger } from '../../log.js';
import { HttpError } from '../errors.js';
import type { HqTableConfig } from './hq-params.js';
import type { HqJob, HqReply, HqWorkerData } from './hq-query-pool.js';
import { hqTables } from './hq-tables.js';

const log = createLogger('omo:http');

/**
 * Linux: this thread runs 10 nice levels below the process (setpriority on a thread id applies to that
 * thread), so when the board's cores are busy the broker's thread is served first. Elsewhere, as is.
 */
function yieldToBroker(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    setPriority(tid, Math.min(19, getPriority(tid) + 10));
  } catch {
    // No /proc/thread-self (not Linux): the worker keeps the process's priority.
  }
}
yieldToBroker();

const { database, config } = workerData as HqWorkerData & { config: HqTableConfig };
const db = new Database(database, { readonly: true, fileMustExist: true });
// A checkpoint may hold the file briefly; wait rather than fail the query.
db.pragma('busy_timeout = 5000');
const levels = new BinLevels(config.analysis.bin_s, config.store.timezone);
// The open roll-up periods are read from the file too (agg_mark + their raw bins, series-rows.ts).
const aggregates = new AggregateQuery(new SeriesRows(db, levels), levels);
const tables = new Map(hqTables(config).map((table) => [table.name, table]));

function answer(job: HqJob): unknown {
  // Every request starts its own count of the bins it may read (http.query_max_bins).
  aggregates.limitReads(config.http.query_max_bins);
  if (job.kind === 'heatmap') return aggregates.heatmap(job.range);
  const table = tables.get(job.name);
  if (table === undefined) throw new Error(`no HQ table named ${job.name}`);
  return table.rows(job.request, aggregates);
}

parentPort?.on('message', ({ id, job }: { id: number; job: HqJob }) => {
  let reply: HqReply;
  try {
    reply = { id, value: answer(job) };
  } catch (error) {
    reply = { id, error: describe(error) };
  }
  parentPort?.postMessage(reply);
});

function describe(error: unknown): Extract<HqReply, { error: unknown }>['error'] {
  if (error instanceof HttpError) {
    const { statusCode: status, code, message, parameter } = error;
    return parameter === undefined ? { status, code, message } : { status, code, message, parameter };
  }
  if (error instanceof QueryTooLarge) return { status: 413, code: 'query_too_large', message: error.message };
  if (error instanceof QueryError) {
    return { status: 400, code: 'invalid_parameter', message: error.message, parameter: error.parameter };
  }
  log.error(`HQ query failed: ${(error as Error).stack ?? String(error)}`);
  return { status: 500, code: 'internal', message: 'internal error; the gateway log has the details' };
}
