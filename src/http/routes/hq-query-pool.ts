/**
 * HQ aggregate queries off the event loop that serves MQTT (issue 8 item 1: twenty year-long queries
 * kept the loop busy 46 s and the store's devices lost readings). Each query runs in a worker thread
 * (hq-query-worker.ts) holding its own read-only SQLite connection — WAL lets it read while the main
 * connection writes bins — so the broker, ingest and the live analysis never wait for HQ.
 *
 * - `http.query_workers` threads (default 1: the gateway's board has 2 cores and the broker keeps one);
 *   a query goes to a free worker, else waits in a queue of `http.query_queue`; beyond that it is
 *   answered 503 `busy` with `Retry-After` (seconds until the queue ahead of it should have drained,
 *   from the recent query times), so waiting requests cannot pile up memory either.
 * - A worker is started when the first query comes and ended at close(); a worker that dies (a crash,
 *   its heap limit) fails its query with a 500 and is replaced for the next.
 * - What a worker cannot know is sent with each query: the range already cut at `final_until` (the live
 *   analysis holds that in memory on this thread) and the request's own parameters.
 */
import { Worker } from 'node:worker_threads';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { HeatmapCells } from '../../aggregate/records.js';
import { registerOnce } from '../../metrics.js';
import { HttpError } from '../errors.js';
import type { TablePage } from './hq-pages.js';
import type { HqRange } from './hq-params.js';
import type { TableRequest } from './hq-table.js';

/** What a worker answers: one page of a table route by its name, or the heatmap summed over a range. */
export type HqJob =
  | { kind: 'table'; name: string; request: TableRequest<Record<string, unknown>> }
  | { kind: 'heatmap'; range: HqRange };

export type HqJobResult<J extends HqJob> = J extends { kind: 'heatmap' }
  ? { heatmap: HeatmapCells | null; bins: number }
  : TablePage<Record<string, unknown>>;

/** A worker's answer: the value, or the error to send (an HttpError keeps its status and parameter). */
export type HqReply =
  | { id: number; value: unknown }
  | { id: number; error: { status: number; code: string; message: string; parameter?: string } };

/** What a worker is started with (structured-cloned into it). */
export interface HqWorkerData {
  database: string;
  config: unknown;
}

export interface HqQueryPoolOptions extends HqWorkerData {
  workers: number;
  queue: number;
  /** Where `omo_hq_queries{state}` and `omo_hq_queries_refused_total` are counted. */
  metrics?: Registry;
}

/**
 * Heap of one worker: a page, a heatmap or a page of day summaries is small; a query that needs more is
 * wrong. The young generation is kept as small as the main thread's (`--max-semi-space-size=4`).
 */
const WORKER_HEAP = { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 };

interface Pending {
  id: number;
  job: HqJob;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  running: (Pending & { started: number }) | undefined;
}

export class HqQueryPool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Pending[] = [];
  private nextId = 1;
  /** Recent query time, ms (exponentially weighted), for Retry-After. */
  private meanMs = 1000;
  private closed = false;
  private readonly gauge: Gauge<'state'> | undefined;
  private readonly refused: Counter | undefined;

  constructor(private readonly options: HqQueryPoolOptions) {
    const registry = options.metrics;
    if (registry === undefined) return;
    const registers = [registry];
    this.gauge = registerOnce(registry, 'omo_hq_queries', () => {
      const help = 'HQ aggregate queries in the query workers: running, or waiting for a worker.';
      return new Gauge({ name: 'omo_hq_queries', help, labelNames: ['state'], registers });
    });
    this.refused = registerOnce(registry, 'omo_hq_queries_refused_total', () => {
      const help = 'HQ queries answered 503 busy: every worker running and the queue full.';
      return new Counter({ name: 'omo_hq_queries_refused_total', help, registers });
    });
  }

  run<J extends HqJob>(job: J): Promise<HqJobResult<J>> {
    if (this.closed) return Promise.reject(busy('the gateway is stopping', 1));
    const free = this.freeSlot();
    if (free === undefined && this.waiting.length >= this.options.queue) {
      this.refused?.inc();
      const ahead = this.waiting.length + this.options.workers;
      const seconds = Math.max(1, Math.ceil((ahead * this.meanMs) / this.options.workers / 1000));
      return Promise.reject(
        busy(`${ahead} HQ queries are running or waiting, the most this gateway takes at once`, seconds),
      );
    }
    return new Promise((resolve, reject) => {
      const pending: Pending = { id: this.nextId++, job, resolve: resolve as (value: unknown) => void, reject };
      if (free === undefined) this.waiting.push(pending);
      else this.start(free, pending);
      this.report();
    });
  }

  private report(): void {
    this.gauge?.set({ state: 'running' }, this.slots.filter((slot) => slot.running !== undefined).length);
    this.gauge?.set({ state: 'waiting' }, this.waiting.length);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.waiting.splice(0)) pending.reject(busy('the gateway is stopping', 1));
    await Promise.all(this.slots.splice(0).map((slot) => slot.worker.terminate()));
  }

  private freeSlot(): Slot | undefined {
    const idle = this.slots.find((slot) => slot.running === undefined);
    if (idle !== undefined || this.slots.length >= this.options.workers) return idle;
    const slot: Slot = { worker: this.spawn(), running: undefined };
    this.slots.push(slot);
    return slot;
  }

  private start(slot: Slot, pending: Pending): void {
    slot.running = { ...pending, started: performance.now() };
    slot.worker.postMessage({ id: pending.id, job: pending.job });
  }

  private finish(slot: Slot, reply: HqReply): void {
    const running = slot.running;
    if (running === undefined || running.id !== reply.id) return;
    slot.running = undefined;
    this.meanMs = 0.8 * this.meanMs + 0.2 * (performance.now() - running.started);
    if ('value' in reply) running.resolve(reply.value);
    else {
      const { status, code, message, parameter } = reply.error;
      running.reject(new HttpError(status, code, message, parameter));
    }
    this.next(slot);
    this.report();
  }

  private next(slot: Slot): void {
    const pending = this.waiting.shift();
    if (pending !== undefined) this.start(slot, pending);
  }

  /** A dead worker fails its query and leaves the pool; the next query starts a new one. */
  private lost(slot: Slot, error: Error): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.slots.splice(index, 1);
    slot.running?.reject(error);
    slot.running = undefined;
    const pending = this.waiting.shift();
    if (pending === undefined) {
      this.report();
      return;
    }
    const free = this.freeSlot();
    if (free === undefined) this.waiting.unshift(pending);
    else this.start(free, pending);
    this.report();
  }

  private spawn(): Worker {
    const data: HqWorkerData = { database: this.options.database, config: this.options.config };
    const options = { workerData: data, resourceLimits: WORKER_HEAP };
    const worker = import.meta.url.endsWith('.ts')
      ? new Worker(fromSource(new URL('./hq-query-worker.ts', import.meta.url).href), { ...options, eval: true })
      : new Worker(new URL('./hq-query-worker.js', import.meta.url), options);
    const slot = () => this.slots.find((s) => s.worker === worker);
    worker.on('message', (reply: HqReply) => {
      const owner = slot();
      if (owner !== undefined) this.finish(owner, reply);
    });
    worker.on('error', (error) => {
      const owner = slot();
      if (owner !== undefined) this.lost(owner, error);
    });
    worker.on('exit', (code) => {
      const owner = slot();
      if (owner !== undefined) this.lost(owner, new Error(`HQ query worker exited with code ${code}`));
    });
    return worker;
  }
}

function busy(why: string, retryAfterS: number): HttpError {
  return new HttpError(503, 'busy', `${why}; retry after ${retryAfterS} s`, undefined, {
    'retry-after': String(retryAfterS),
  });
}

/**
 * Run from the TypeScript sources (tests, `tsx`): the worker registers tsx before loading its module,
 * as the main thread did. The built gateway (dist/) loads the compiled worker directly.
 */
function fromSource(moduleUrl: string): string {
  // An eval'd worker resolves bare specifiers from the working directory: the repository's, where tsx is.
  return `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(moduleUrl)}); });`;
}
